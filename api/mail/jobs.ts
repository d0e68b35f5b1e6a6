/** Mails owed to a subject or to staff, kept in the store until sent, so a mail server outage loses nothing. */
import { collection, group } from '../store/collection.ts';

/**
 * confirm/confirm_reminder/confirmed/ban_receipt/extended/decided go to the subject; staff_notify and staff_digest
 * to STAFF_NOTIFY_TO. A staff_digest belongs to no request: its requestId is `digest:<Finnish date>` (digest.ts).
 */
export type MailKind =
  | 'confirm'
  | 'confirm_reminder'
  | 'confirmed'
  | 'ban_receipt'
  | 'extended'
  | 'decided'
  | 'staff_notify'
  | 'staff_digest'
  | 'organisation'
  | 'transferred';

export type MailJob = {
  id: string;
  requestId: string;
  kind: MailKind;
  attempts: number;
  nextAttemptAt: string;
};

/** The durable mail queue; `request` finds the mails a request owes. ("mailQueue" is its name in db.json.) */
export const mailJobs = collection('mailQueue', {
  key: (job: MailJob) => job.id,
  indexes: { request: group((job: MailJob) => job.requestId) },
});

/** Waits between attempts: a minute, then four times longer each time, at most six hours. */
export function retryDelayMs(attempts: number): number {
  return Math.min(60_000 * 4 ** Math.max(0, attempts - 1), 6 * 3_600_000);
}

/** After this many failures the job is kept, for staff to see, but no longer tried. */
export const maxAttempts = 12;

export function newJob(requestId: string, kind: MailKind, now: Date): MailJob {
  return { id: crypto.randomUUID(), requestId, kind, attempts: 0, nextAttemptAt: now.toISOString() };
}
