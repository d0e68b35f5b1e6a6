/**
 * The staff's daily digest of deadlines: which open requests are overdue, due within a week, or extended and
 * awaiting a decision; references only, no personal data. `dueSummary` is what the staff front page can show
 * too; `queueDigest` queues the mail to STAFF_NOTIFY_TO at most once a Finnish calendar day, the day recorded
 * in the store with the job, so a restart does not send it again.
 */
import { mailJobs, newJob } from '../mail/jobs.ts';
import type { Postman } from '../mail/postman.ts';
import { collection } from '../store/collection.ts';
import type { Store } from '../store/store.ts';
import { requests, type Requests } from './collections.ts';
import { daysLeft, finnishDate, type CalendarDate } from './deadline.ts';
import { byPressure, deadlineOf } from './pressure.ts';

/** "Due soon": the deadline in force is at most this many days away (0: today). */
export const dueSoonDays = 7;

/**
 * References of open requests, most pressing first. The lists do not overlap: an extended request is under
 * `extended` only while its deadline is more than `dueSoonDays` away; nearer, it is due soon or overdue.
 */
export type DueSummary = { overdue: string[]; dueSoon: string[]; extended: string[] };

export function dueSummary(view: Requests, now: Date): DueSummary {
  const open = byPressure([...view.group('status', 'received'), ...view.group('status', 'in_progress')], now);
  const summary: DueSummary = { overdue: [], dueSoon: [], extended: [] };
  for (const record of open) {
    const due = deadlineOf(record);
    if (due === undefined) continue;
    const left = daysLeft(due, now);
    if (left < 0) summary.overdue.push(record.reference);
    else if (left <= dueSoonDays) summary.dueSoon.push(record.reference);
    else if (record.extension) summary.extended.push(record.reference);
  }
  return summary;
}

export function isEmpty(summary: DueSummary): boolean {
  return summary.overdue.length + summary.dueSoon.length + summary.extended.length === 0;
}

/** The Finnish days a digest was queued on. ("staffDigests" is its name in db.json.) */
export type DigestDay = { date: CalendarDate; queuedAt: string };
export const staffDigests = collection('staffDigests', { key: (day: DigestDay) => day.date });

/**
 * Queues today's digest unless it has gone already, nothing is due or nobody is to be told; the postman
 * delivers it like any mail (a mail server down delays it). Returns the job's id, when one was queued.
 */
export async function queueDigest(store: Store, postman: Postman, now: Date, staffNotifyTo: string | undefined): Promise<string | undefined> {
  if (!staffNotifyTo) return undefined;
  const date = finnishDate(now);
  if (store.view(staffDigests).get(date) || isEmpty(dueSummary(store.view(requests), now))) return undefined;
  const jobId = await store.update((tx) => {
    if (tx.table(staffDigests).get(date)) return undefined;
    tx.table(staffDigests).put({ date, queuedAt: now.toISOString() });
    return tx.table(mailJobs).put(newJob(`digest:${date}`, 'staff_digest', now)).id;
  });
  if (jobId) postman.send(jobId);
  return jobId;
}
