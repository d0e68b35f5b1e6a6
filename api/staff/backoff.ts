/**
 * Back-off after failed log-ins. Keys are chosen by the log-in (routes.ts) so that it cannot be turned against
 * staff: the pair (account, address) and, for names that are no account, the address alone; plus the account's
 * name across addresses, which only closes the password-alone answer while it lasts. Five failures are free,
 * then each further one locks that key for twice as long as the last (1, 2, 4 … minutes, at most an hour).
 * Kept in memory: a restart forgives, which only an operator can cause.
 */
export const freeFailures = 5;
const firstLockMs = 60_000;
const longestLockMs = 3_600_000;
/** Failures older than this are forgotten. */
const memoryMs = 24 * 3_600_000;
/** Past this many keys, forgotten ones are swept out; past twice as many, the oldest go too. */
const sweepAt = 50_000;

type Failures = { failures: number; lastAt: number; lockedUntil: number };

export class Backoff {
  readonly #keys = new Map<string, Failures>();

  /** How long the caller must still wait (0: may try now). */
  waitMs(keys: string[], now: number): number {
    return Math.max(0, ...keys.map((key) => (this.#keys.get(key)?.lockedUntil ?? 0) - now));
  }

  /** Counts a failure against each key; returns the keys this failure locked (for the audit log). */
  fail(keys: string[], now: number): string[] {
    this.#sweep(now);
    const locked: string[] = [];
    for (const key of keys) {
      const entry = this.#keys.get(key);
      const failures = entry && now - entry.lastAt < memoryMs ? entry.failures + 1 : 1;
      const extra = failures - freeFailures;
      const lockedUntil = extra > 0 ? now + Math.min(firstLockMs * 2 ** (extra - 1), longestLockMs) : 0;
      if (lockedUntil > 0) locked.push(key);
      // Re-inserted, so the map's order is by last failure: the sweep drops the oldest first.
      this.#keys.delete(key);
      this.#keys.set(key, { failures, lastAt: now, lockedUntil });
    }
    return locked;
  }

  succeed(key: string): void {
    this.#keys.delete(key);
  }

  #sweep(now: number): void {
    if (this.#keys.size <= sweepAt) return;
    for (const [key, entry] of this.#keys) if (now - entry.lastAt > memoryMs) this.#keys.delete(key);
    for (const key of this.#keys.keys()) {
      if (this.#keys.size <= sweepAt) break;
      this.#keys.delete(key);
    }
  }
}
