/**
 * DATA_DIR/db.json and its only writer. Updates are group-committed: those that arrive while a write is in
 * flight are applied together to one copy of the committed state and written in one durable write. A
 * mutation may be run more than once (the batch is replayed without a mutation that threw), so it must be a
 * synchronous, pure function of the draft: no I/O, no clock or random reads inside it; compute those first.
 */
import { mkdir, chmod, readdir, rm } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import { Low, type Adapter } from 'lowdb';
import { DurableJSONFile, syncDirectory } from './durable-file.ts';
import { acquireLock, type Lock } from './lock.ts';

export { StoreCorruptError } from './durable-file.ts';
export { StoreLockedError } from './lock.ts';

export type StoreOptions<T> = {
  /** How db.json is read and written; tests use it to count or fail writes. */
  adapter?: (path: string) => Adapter<T>;
};

type Waiting<T> = { mutate: (draft: T) => unknown; resolve: (result: unknown) => void; reject: (error: unknown) => void };

export class Store<T> {
  readonly #db: Low<T>;
  readonly #lock: Lock;
  #queue: Waiting<T>[] = [];
  #flushing: Promise<void> | undefined;
  #closing: Promise<void> | undefined;

  private constructor(db: Low<T>, lock: Lock) {
    this.#db = db;
    this.#lock = lock;
  }

  /** Locks dataDir and reads db.json, writing defaults() first when there is none. */
  static async open<T>(dataDir: string, defaults: () => T, options: StoreOptions<T> = {}): Promise<Store<T>> {
    const created = await mkdir(dataDir, { recursive: true, mode: 0o700 });
    await chmod(dataDir, 0o700);
    if (created !== undefined) await syncDirectory(dirname(resolve(dataDir)));
    const lock = await acquireLock(dataDir);
    try {
      // Temp files of writes that never reached their rename; nothing else writes here while we hold the lock.
      for (const name of await readdir(dataDir)) {
        if (name.startsWith('db.json.') && name.endsWith('.tmp')) await rm(join(dataDir, name), { force: true });
      }
      const path = join(dataDir, 'db.json');
      const fallback = defaults();
      const db = new Low<T>(options.adapter?.(path) ?? new DurableJSONFile<T>(path), fallback);
      await db.read();
      // Low keeps the default data only when there was no file.
      if (db.data === fallback) await db.write();
      return new Store(db, lock);
    } catch (error) {
      await lock.release();
      throw error;
    }
  }

  /** The committed state: what db.json holds. */
  get data(): Readonly<T> {
    return this.#db.data;
  }

  /** Resolves with what mutate returned once its change is on disk; rejects, changing nothing, if it is not. */
  update<R>(mutate: (draft: T) => R): Promise<R> {
    if (this.#closing) return Promise.reject(new Error('The store is closed'));
    const { promise, resolve, reject } = Promise.withResolvers<R>();
    this.#queue.push({ mutate, resolve: resolve as (result: unknown) => void, reject });
    this.#flushing ??= this.#flush();
    return promise;
  }

  /** Writes what is queued, then releases the lock. */
  close(): Promise<void> {
    this.#closing ??= (async () => {
      while (this.#flushing) await this.#flushing;
      await this.#lock.release();
    })();
    return this.#closing;
  }

  async #flush(): Promise<void> {
    // One turn first, so the updates of the same tick share the first write too.
    await Promise.resolve();
    while (this.#queue.length > 0) await this.#commit(this.#queue.splice(0));
    this.#flushing = undefined;
  }

  async #commit(batch: Waiting<T>[]): Promise<void> {
    let live = batch;
    let next: { draft: T; results: unknown[] } | undefined;
    try {
      // Replays from a fresh copy until no mutation throws, so none leaves a partial change behind.
      while (!next && live.length > 0) {
        const draft = structuredClone(this.#db.data);
        const results: unknown[] = [];
        const failed = new Set<Waiting<T>>();
        for (const waiting of live) {
          try {
            const result = waiting.mutate(draft);
            if (result instanceof Promise) {
              // Whatever it changes after its first await would never be written.
              result.catch(() => undefined);
              throw new TypeError('A store mutation must be synchronous');
            }
            results.push(result);
          } catch (error) {
            failed.add(waiting);
            waiting.reject(error);
          }
        }
        if (failed.size === 0) next = { draft, results };
        else live = live.filter((waiting) => !failed.has(waiting));
      }
      if (!next) return;
      await this.#db.adapter.write(next.draft);
    } catch (error) {
      for (const waiting of live) waiting.reject(error);
      return;
    }
    this.#db.data = next.draft;
    const { results } = next;
    live.forEach((waiting, i) => waiting.resolve(results[i]));
  }
}
