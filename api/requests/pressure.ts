/** The order staff work in: open requests by deadline pressure (overdue first), then the decided ones, newest first. */
import { daysLeft } from './deadline.ts';
import type { RequestRecord } from './record.ts';

/** The deadline in force: the extension's, once there is one. */
export function deadlineOf(record: RequestRecord): string | undefined {
  return record.extension?.until ?? record.dueAt;
}

export function isOpen(record: RequestRecord): boolean {
  return record.status === 'received' || record.status === 'in_progress';
}

export function byPressure(records: readonly RequestRecord[], now: Date): RequestRecord[] {
  const left = (r: RequestRecord) => {
    const due = deadlineOf(r);
    return due === undefined ? Number.POSITIVE_INFINITY : daysLeft(due, now);
  };
  return [...records].sort((a, b) => {
    if (isOpen(a) !== isOpen(b)) return isOpen(a) ? -1 : 1;
    if (isOpen(a)) return left(a) - left(b) || a.reference.localeCompare(b.reference);
    return b.createdAt.localeCompare(a.createdAt);
  });
}
