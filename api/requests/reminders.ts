/**
 * One reminder to confirm, two days after a request was made and while it is still unconfirmed: with a fresh
 * confirmation link (the postman mints it, as a retry does, so the first mail's link stops working). Recorded
 * on the request (`reminder`, and an event), so it goes once whatever restarts. It counts against the address's
 * daily limit (intake.ts): when that is used, the reminder is not sent, and recorded as withheld.
 * A marketing ban needs no confirmation and never awaits it; a request whose own mail was withheld has no link
 * to remind of; a request whose first mail is still queued (the mail server is down) waits for it to go.
 */
import { mailJobs, newJob } from '../mail/jobs.ts';
import type { Postman } from '../mail/postman.ts';
import type { Store } from '../store/store.ts';
import { requests } from './collections.ts';
import { mailedInDay, mailsPerAddress } from './intake.ts';
import { isExpired, type RequestRecord } from './record.ts';

/** How long after the request the reminder goes. */
export const reminderAfterMs = 48 * 3_600_000;

function owesReminder(record: RequestRecord, now: Date): boolean {
  return (
    record.status === 'awaiting_confirmation' &&
    !record.confirmedAt &&
    !record.reminder &&
    !record.mailWithheld &&
    record.confirmTokenHash !== undefined &&
    !isExpired(record, now) &&
    Date.parse(record.createdAt) + reminderAfterMs <= now.getTime()
  );
}

/** Queues the reminders due (checked in the maintenance loop); returns the references reminded. */
export async function remindUnconfirmed(store: Store, postman: Postman, now: Date): Promise<string[]> {
  if (!store.view(requests).group('status', 'awaiting_confirmation').some((r) => owesReminder(r, now))) return [];
  const queued = await store.update((tx) => {
    const table = tx.table(requests);
    const jobs = tx.table(mailJobs);
    const at = now.toISOString();
    const sent: { reference: string; jobId: string }[] = [];
    for (const record of table.group('status', 'awaiting_confirmation')) {
      if (!owesReminder(record, now) || jobs.group('request', record.id).some((job) => job.kind === 'confirm')) continue;
      const withheld = mailedInDay(table.group('email', record.subject.email), now) >= mailsPerAddress;
      table.change(record.id, (stored) => {
        stored.reminder = withheld ? { at, withheld: 'daily_limit' } : { at };
        stored.events.push({ at, actor: 'järjestelmä', action: withheld ? 'reminder_withheld' : 'reminded' });
      });
      if (!withheld) sent.push({ reference: record.reference, jobId: jobs.put(newJob(record.id, 'confirm_reminder', now)).id });
    }
    return sent;
  });
  for (const { jobId } of queued) postman.send(jobId);
  return queued.map((q) => q.reference);
}
