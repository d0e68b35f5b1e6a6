/**
 * Back-off after failed log-ins, per account name and per client address: five failures are free, then each
 * further one locks that key for twice as long as the last (1, 2, 4 … minutes, at most an hour). Kept in
 * memory: a restart forgives, which only an operator can cause.
 */
export const freeFailures = 5;
const firstLockMs = 60_000;
const longestLockMs = 3_600_000;
/** Failures older than this are forgotten. */
const memoryMs = 24 * 3_600_000;

type Failures = { failures: number; lastAt: number; lockedUntil: number };

export class Backoff {
  readonly #keys = new Map<string, Failures>();

  /** How long the caller must still wait (0: may try now). */
  waitMs(keys: string[], now: number): number {
    return Math.max(0, ...keys.map((key) => (this.#keys.get(key)?.lockedUntil ?? 0) - now));
  }

  fail(keys: string[], now: number): void {
    if (this.#keys.size > 50_000) {
      for (const [key, entry] of this.#keys) if (now - entry.lastAt > memoryMs) this.#keys.delete(key);
    }
    for (const key of keys) {
      const entry = this.#keys.get(key);
      const failures = entry && now - entry.lastAt < memoryMs ? entry.failures + 1 : 1;
      const extra = failures - freeFailures;
      const lockedUntil = extra > 0 ? now + Math.min(firstLockMs * 2 ** (extra - 1), longestLockMs) : 0;
      this.#keys.set(key, { failures, lastAt: now, lockedUntil });
    }
  }

  succeed(key: string): void {
    this.#keys.delete(key);
  }
}
