/**
 * Retention (issue 9): RETENTION_MONTHS after a request was closed (completed, rejected, forwarded) its
 * personal data goes, and what shows that it was handled stays: its reference, type, dates and outcome.
 * Unconfirmed requests still go after their week (requests/intake.ts), and the mails a purged request
 * still owes go with it, as they could no longer be sent. Marketing bans are never touched: deleting one
 * would let the marketing start again. A marketing ban *request* is only a copy of the address and is
 * pseudonymised like any other, while the ban stays in force.
 *
 * Pure functions of the store, the clock and the period: `planPurge` reads what a purge would do (for a
 * dry run, and to skip an empty update), `purge` does it inside one store update; the caller writes the
 * counts as one audit line.
 *
 * @example
 * const counts = planPurge({ requests: store.view(requests), mailJobs: store.view(mailJobs) }, now, months);
 * if (counts.pseudonymised + counts.expired > 0) await store.update((tx) => purge(tx, now, months));
 */
import { mailJobs } from '../mail/jobs.ts';
import { requests, type Requests } from '../requests/collections.ts';
import { addMonths } from '../requests/deadline.ts';
import { dropExpired, expiredRequests } from '../requests/intake.ts';
import type { RequestRecord, Status } from '../requests/record.ts';
import type { Tx } from '../store/store.ts';
import type { ViewOf } from '../store/view.ts';

export type PurgeCounts = { pseudonymised: number; expired: number; mailsDropped: number };

export type MailJobs = ViewOf<typeof mailJobs>;

/** The statuses a request ends in; the others are still open or unconfirmed. */
const closed: readonly Status[] = ['completed', 'rejected', 'forwarded'];

/**
 * What pseudonymisation does with each field of a request: `keep` it, `drop` it, or `reduce` it to its
 * accountable part (see pseudonymise). A field added to RequestRecord fails the type check until it is
 * decided here, and a field unknown to the type is dropped.
 */
const fate = {
  id: 'keep',
  reference: 'keep',
  type: 'keep',
  status: 'keep',
  createdAt: 'keep',
  confirmBy: 'keep',
  confirmedAt: 'keep',
  dueAt: 'keep',
  format: 'keep',
  restrictMeanwhile: 'keep',
  pseudonymisedAt: 'keep',
  subject: 'reduce',
  extension: 'reduce',
  decision: 'reduce',
  events: 'reduce',
  details: 'drop',
  wrong: 'drop',
  correct: 'drop',
  recipient: 'drop',
  // Without them the confirmation and status links stop working.
  confirmTokenHash: 'drop',
  statusTokenHash: 'drop',
  mailWithheld: 'keep',
  reminder: 'keep',
  transfers: 'drop',
  // Deleted from disk first by runPurge (run.ts); only completed answers have them, never unconfirmed requests.
  files: 'drop',
} as const satisfies Record<keyof RequestRecord, 'keep' | 'drop' | 'reduce'>;

type Kept = { [K in keyof typeof fate]: (typeof fate)[K] extends 'keep' ? K : never }[keyof typeof fate];

/** When a request was closed: its decision, or its arrival for a marketing ban, which is done when received. */
function closedAt(record: RequestRecord): string {
  return record.decision?.at ?? record.createdAt;
}

/** When a closed request's period ends: `months` calendar months after it was closed (31 Jan + 1 → 28/29 Feb), in UTC. */
export function retentionEnds(record: RequestRecord, months: number): Date {
  const at = new Date(closedAt(record)).toISOString();
  return new Date(`${addMonths(at.slice(0, 10), months)}${at.slice(10)}`);
}

/**
 * The request without its personal data: no name, e-mail, phone, username or organisation, no free text
 * (details, wrong, correct, recipient, the reasons of the extension and the decision, the events' notes),
 * no link tokens. Kept: id, reference, type, status, the dates, the extension's date, the decision's
 * outcome, author and time, each event's time, actor and action, the format, restrictMeanwhile, and the
 * subject's relation (whose controller handled it, which says nothing of who the subject is). The
 * subject's e-mail, required by the type, becomes ''. A record already pseudonymised is returned as it is.
 */
export function pseudonymise(record: RequestRecord, now: Date): RequestRecord {
  if (record.pseudonymisedAt) return record;
  const kept = Object.fromEntries(Object.entries(record).filter(([field]) => fate[field as keyof typeof fate] === 'keep')) as Pick<RequestRecord, Kept>;
  const { relation } = record.subject;
  return {
    ...kept,
    subject: { email: '', ...(relation ? { relation } : {}) },
    ...(record.extension ? { extension: { until: record.extension.until, reason: '' } } : {}),
    ...(record.decision ? { decision: { outcome: record.decision.outcome, reason: '', by: record.decision.by, at: record.decision.at } } : {}),
    events: record.events.map(({ at, actor, action }) => ({ at, actor, action })),
    pseudonymisedAt: now.toISOString(),
  };
}

/** The closed requests whose period is over and that still hold personal data, through the status index. */
function duePseudonymisation(table: Requests, now: Date, months: number): RequestRecord[] {
  if (!Number.isInteger(months) || months < 0) throw new RangeError(`The retention period must be a whole number of months, not ${months}`);
  return closed
    .flatMap((status) => table.group('status', status))
    .filter((record) => !record.pseudonymisedAt && retentionEnds(record, months).getTime() <= now.getTime());
}

type Plan = { due: RequestRecord[]; counts: PurgeCounts };

function plan(view: { requests: Requests; mailJobs: MailJobs }, now: Date, months: number): Plan {
  const due = duePseudonymisation(view.requests, now, months);
  const expired = expiredRequests(view.requests, now);
  const mailsDropped = [...due, ...expired].reduce((sum, record) => sum + view.mailJobs.group('request', record.id).length, 0);
  return { due, counts: { pseudonymised: due.length, expired: expired.length, mailsDropped } };
}

/** What a purge at `now` would do, changing nothing: from the committed records, or a transaction's. */
export function planPurge(view: { requests: Requests; mailJobs: MailJobs }, now: Date, months: number): PurgeCounts {
  return plan(view, now, months).counts;
}

/** Pseudonymises the closed requests past their period and deletes the unconfirmed ones past their week, with their queued mails. */
export function purge(tx: Tx, now: Date, months: number): PurgeCounts {
  const table = tx.table(requests);
  const jobs = tx.table(mailJobs);
  const { due, counts } = plan({ requests: table, mailJobs: jobs }, now, months);
  for (const record of due) {
    table.put(pseudonymise(record, now));
    for (const job of jobs.group('request', record.id)) jobs.delete(job.id);
  }
  dropExpired(tx, now);
  return counts;
}
