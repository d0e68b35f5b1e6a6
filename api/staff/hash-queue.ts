/**
 * Password hashes one after another: scrypt costs about 0.4 s of CPU and 128 MiB for each log-in try, so a
 * flood of tries must never take more than a bounded share of the machine. At most `running` hashes run at
 * once (each on a thread of libuv's pool, which static files and the store also use) and `waiting` more wait
 * in line; a try beyond that is refused at once, without hashing, with BusyError (the log-in answers 503 with
 * Retry-After). A flood of tries from one address meets the flood guard (30 a minute) before it gets here.
 *
 * @example const ok = await hashes.run(() => verifyPassword(password, hash));
 */

/** The line of password hashes is full: try again in `retryAfterSeconds`. */
export class BusyError extends Error {
  override name = 'BusyError';
  readonly retryAfterSeconds: number;

  constructor(retryAfterSeconds: number) {
    super('Too many password hashes are waiting');
    this.retryAfterSeconds = retryAfterSeconds;
  }
}

export type HashQueueOptions = { running?: number; waiting?: number };

export class HashQueue {
  readonly #running: number;
  readonly #waiting: number;
  #active = 0;
  readonly #line: (() => void)[] = [];

  constructor({ running = 1, waiting = 8 }: HashQueueOptions = {}) {
    this.#running = running;
    this.#waiting = waiting;
  }

  /** Hashes now running, and waiting. */
  get load(): { running: number; waiting: number } {
    return { running: this.#active, waiting: this.#line.length };
  }

  /** Whether a try now would be refused: checked first, so a flood is answered before its body is even read. */
  get full(): boolean {
    return this.#active >= this.#running && this.#line.length >= this.#waiting;
  }

  /** When a refused try may come back: each try ahead takes about half a second. */
  get retryAfterSeconds(): number {
    return Math.max(1, Math.ceil(((this.#waiting + this.#running) * 0.5) / this.#running));
  }

  async run<T>(work: () => Promise<T>): Promise<T> {
    if (this.#active >= this.#running) {
      if (this.#line.length >= this.#waiting) throw new BusyError(this.retryAfterSeconds);
      await new Promise<void>((resolve) => this.#line.push(resolve));
    } else {
      this.#active += 1;
    }
    try {
      return await work();
    } finally {
      // The slot passes straight to the next in line, or is given back.
      const next = this.#line.shift();
      if (next) next();
      else this.#active -= 1;
    }
  }
}
