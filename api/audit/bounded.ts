/**
 * Refusals from strangers go to the audit log within a budget: a flood of failed log-ins from one address, or
 * from many, must not become a flood of fsyncs. Lines beyond the budget of the current minute (per address, and
 * overall) are not written but counted, and the next line written says how many were left out.
 */
import type { AuditEntry, AuditLog } from './index.ts';

export type BoundedOptions = {
  now: () => Date;
  /** Lines one address may add in a minute. */
  perAddressPerMinute?: number;
  /** Lines all addresses together may add in a minute. */
  perMinute?: number;
};

export type BoundedEntry = Omit<AuditEntry, 'at' | 'prev'> & { address: string };

export function boundedAppender(audit: AuditLog, options: BoundedOptions): (entry: BoundedEntry) => Promise<void> {
  const { now, perAddressPerMinute = 30, perMinute = 600 } = options;
  let minute = Number.NaN;
  let written = 0;
  // An address is added only with a line written, so the map holds at most `perMinute` addresses.
  const byAddress = new Map<string, number>();
  let suppressed = 0;
  return (entry) => {
    const at = now();
    const current = Math.floor(at.getTime() / 60_000);
    if (current !== minute) {
      minute = current;
      written = 0;
      byAddress.clear();
    }
    const fromAddress = byAddress.get(entry.address) ?? 0;
    if (written >= perMinute || fromAddress >= perAddressPerMinute) {
      suppressed++;
      return Promise.resolve();
    }
    written++;
    byAddress.set(entry.address, fromAddress + 1);
    const left = suppressed;
    suppressed = 0;
    const line = left > 0 ? { ...entry, counts: { ...entry.counts, suppressed: (entry.counts?.suppressed ?? 0) + left } } : entry;
    return audit.append(line, at).catch((error: unknown) => {
      suppressed += left;
      throw error;
    });
  };
}
