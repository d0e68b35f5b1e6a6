/**
 * What a submission and a confirmation do to the store: functions of a store transaction, the clock and the
 * tokens, run inside a store update so each is written whole or not at all.
 *
 * No mail bombing: every valid submission is stored and answered alike (201 and its own reference), but an
 * address is mailed only when a stranger could not use the form to flood it.
 * - A repeat (same address, same type) while an earlier request awaits confirmation is stored without a mail:
 *   the link already sent confirms the earlier one, and the repeat expires unconfirmed after its week.
 * - At most `mailsPerAddress` mails in any 24 hours (rolling, so no burst around midnight doubles it) go to one
 *   address from submissions, confirmation links and ban receipts alike. They are counted from the address's
 *   requests of those hours through the `email` index, so a restart keeps the count and it goes with them.
 * - A withheld mail is an event on the request ("mail_withheld") for staff; the answer does not differ, so it
 *   tells a stranger nothing about the address. A marketing ban is in force whether or not its receipt is sent.
 */
import { mailJobs, newJob } from '../mail/jobs.ts';
import type { Tx } from '../store/store.ts';
import { marketingBans, requests, unconfirmedTallies, type Requests } from './collections.ts';
import { dueDate, finnishDate, finnishMonth } from './deadline.ts';
import { isExpired, newRecord, type RequestRecord } from './record.ts';
import { formatReference } from './reference.ts';
import type { RequestInput } from './schema.ts';
import { hashToken } from './tokens.ts';

/** A stored request and the mail it owes (the confirmation link, or the ban's receipt), for the postman. */
export type Submitted = { record: RequestRecord; jobId: string };

/** Mails submissions may send to one address in any 24 hours. */
export const mailsPerAddress = 3;

/** A ban's numbers are bounded: strangers can post numbers for any address, and one ban must not grow without end. */
export const maxPhonesPerBan = 10;
const dayMs = 86_400_000;

/** A stored submission, and the mail it owes unless it was withheld. */
export type Received = { record: RequestRecord; jobId: string | undefined };

/**
 * The mails an address's requests (its `email` group) were sent in the last 24 hours: the mail each submission
 * owed unless it was withheld, and the reminders to confirm (reminders.ts) that went.
 */
export function mailedInDay(records: readonly RequestRecord[], now: Date): number {
  const since = now.getTime() - dayMs;
  const within = (at: string | undefined) => at !== undefined && Date.parse(at) > since;
  return records.reduce(
    (count, r) => count + (within(r.createdAt) && !r.mailWithheld ? 1 : 0) + (within(r.reminder?.at) && !r.reminder?.withheld ? 1 : 0),
    0,
  );
}

/** Stores a valid submission from the form under the rules above; `confirmToken` goes in the mail it owes. */
export function receive(tx: Tx, input: RequestInput, now: Date, confirmToken: string): Received {
  const earlier = tx.table(requests).group('email', input.email);
  const repeat = earlier.some((r) => r.type === input.type && r.status === 'awaiting_confirmation' && !isExpired(r, now) && !r.mailWithheld);
  if (!repeat && mailedInDay(earlier, now) < mailsPerAddress) return submit(tx, input, now, confirmToken);
  const record = file(tx, input, now, undefined);
  tx.table(requests).change(record.id, (stored) => {
    stored.mailWithheld = repeat ? 'repeat' : 'daily_limit';
    stored.events.push({ at: now.toISOString(), actor: 'järjestelmä', action: 'mail_withheld' });
  });
  return { record, jobId: undefined };
}

/**
 * Stores a valid submission with the mail it owes, whatever came before: `receive` decides whether it may.
 * A marketing ban is in force at once, one entry per address however often it is sent (the phone of a later one
 * is added to it: a ban only ever grows, so nobody can lift one by sending another); every other request waits for its
 * confirmation link, which `confirmToken` opens.
 */
export function submit(tx: Tx, input: RequestInput, now: Date, confirmToken: string): Submitted {
  const record = file(tx, input, now, confirmToken);
  const job = tx.table(mailJobs).put(newJob(record.id, input.type === 'marketing_ban' ? 'ban_receipt' : 'confirm', now));
  return { record, jobId: job.id };
}

/** Stores the request (and the ban), without its mail; without a token nobody can confirm it. */
function file(tx: Tx, input: RequestInput, now: Date, confirmToken: string | undefined): RequestRecord {
  const table = tx.table(requests);
  const record = newRecord(input, { id: crypto.randomUUID(), reference: nextReference(table, now) }, now);
  if (input.type === 'marketing_ban') {
    // The ban's request keeps what the ban was recorded for: the address (newRecord) and the phone, if given.
    if (input.phone) record.subject.phone = input.phone;
    const bans = tx.table(marketingBans);
    const ban = bans.get(input.email);
    const phones = input.phone ? [input.phone] : [];
    if (!ban) bans.put({ email: input.email, ...(phones.length ? { phones } : {}), createdAt: now.toISOString(), requestId: record.id });
    else if (input.phone && !ban.phones?.includes(input.phone) && (ban.phones?.length ?? 0) < maxPhonesPerBan) {
      bans.put({ ...ban, phones: [...(ban.phones ?? []), input.phone] });
    }
    record.events.push({ at: now.toISOString(), actor: 'järjestelmä', action: 'ban_recorded' });
  } else if (confirmToken !== undefined) {
    record.confirmTokenHash = hashToken(confirmToken);
  }
  return table.put(record);
}

/** The reference the next submission gets: the year's sequence continued. */
function nextReference(table: Requests, now: Date): string {
  const year = Number(finnishDate(now).slice(0, 4));
  return formatReference(year, table.maximum('sequence', String(year)) + 1);
}

export type Confirmation =
  /** The mails it owes: the status link to the subject, the notice to staff. */
  | { outcome: 'confirmed'; record: RequestRecord; mail: { statusLink: string; staffNotice: string } }
  | { outcome: 'already'; record: RequestRecord }
  | { outcome: 'expired' }
  | { outcome: 'unknown' };

/**
 * Confirms the request the link belongs to: it is taken up, with the deadline that has run since it arrived
 * (deadline.ts), and the status link is mailed.
 */
export function confirm(tx: Tx, confirmToken: string, now: Date, statusToken: string): Confirmation {
  const table = tx.table(requests);
  const record = table.find('confirmToken', hashToken(confirmToken));
  if (!record) return { outcome: 'unknown' };
  if (record.confirmedAt) return { outcome: 'already', record };
  if (isExpired(record, now)) return { outcome: 'expired' };
  const at = now.toISOString();
  const { confirmBy: _expiry, ...rest } = record;
  const confirmed = table.put({
    ...rest,
    status: 'received',
    confirmedAt: at,
    dueAt: dueDate(new Date(record.createdAt)),
    statusTokenHash: hashToken(statusToken),
    events: [...record.events, { at, actor: 'rekisteröity', action: 'confirmed' }],
  });
  const jobs = tx.table(mailJobs);
  const mail = { statusLink: jobs.put(newJob(record.id, 'confirmed', now)).id, staffNotice: jobs.put(newJob(record.id, 'staff_notify', now)).id };
  return { outcome: 'confirmed', record: confirmed, mail };
}

/** The request a status link belongs to, once confirmed. */
export function findByStatusToken(table: Requests, statusToken: string): RequestRecord | undefined {
  return table.find('statusToken', hashToken(statusToken));
}

/** The request a confirmation link belongs to, if the link still works. */
export function findByConfirmToken(table: Requests, confirmToken: string, now: Date): RequestRecord | undefined {
  const record = table.find('confirmToken', hashToken(confirmToken));
  return !record || isExpired(record, now) ? undefined : record;
}

/** The unconfirmed requests whose week to confirm is over. */
export function expiredRequests(table: Requests, now: Date): RequestRecord[] {
  return table.group('status', 'awaiting_confirmation').filter((r) => isExpired(r, now));
}

/**
 * Forgets requests never confirmed within their week, with their queued mails: nobody proved the address
 * was theirs, so nothing of them is kept but a count of its type in its month (for the statistics). Returns how
 * many went.
 */
export function dropExpired(tx: Tx, now: Date): number {
  const table = tx.table(requests);
  const jobs = tx.table(mailJobs);
  const expired = expiredRequests(table, now);
  const tallies = tx.table(unconfirmedTallies);
  for (const record of expired) {
    table.delete(record.id);
    const month = finnishMonth(record.createdAt);
    const counts = tallies.get(month)?.counts ?? {};
    tallies.put({ month, counts: { ...counts, [record.type]: (counts[record.type] ?? 0) + 1 } });
    for (const job of jobs.group('request', record.id)) jobs.delete(job.id);
  }
  return expired.length;
}
