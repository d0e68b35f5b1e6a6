/**
 * What a submission and a confirmation do to the store: functions of a store transaction, the clock and the
 * tokens, run inside a store update so each is written whole or not at all.
 */
import { mailJobs, newJob } from '../mail/jobs.ts';
import type { Tx } from '../store/store.ts';
import { marketingBans, requests, type Requests } from './collections.ts';
import { dueDate, finnishDate } from './deadline.ts';
import { isExpired, newRecord, type RequestRecord } from './record.ts';
import { formatReference } from './reference.ts';
import type { RequestInput } from './schema.ts';
import { hashToken } from './tokens.ts';

/** A stored request and the mail it owes (the confirmation link, or the ban's receipt), for the postman. */
export type Submitted = { record: RequestRecord; jobId: string };

/**
 * Stores a valid submission. A marketing ban is in force at once, one entry per address however often it
 * is sent; every other request waits for its confirmation link, which `confirmToken` opens.
 */
export function submit(tx: Tx, input: RequestInput, now: Date, confirmToken: string): Submitted {
  const table = tx.table(requests);
  const jobs = tx.table(mailJobs);
  const year = Number(finnishDate(now).slice(0, 4));
  const reference = formatReference(year, table.maximum('sequence', String(year)) + 1);
  const record = newRecord(input, { id: crypto.randomUUID(), reference }, now);
  let job;
  if (input.type === 'marketing_ban') {
    const bans = tx.table(marketingBans);
    if (!bans.get(input.email)) bans.put({ email: input.email, createdAt: now.toISOString(), requestId: record.id });
    record.events.push({ at: now.toISOString(), actor: 'järjestelmä', action: 'ban_recorded' });
    job = jobs.put(newJob(record.id, 'ban_receipt', now));
  } else {
    record.confirmTokenHash = hashToken(confirmToken);
    job = jobs.put(newJob(record.id, 'confirm', now));
  }
  return { record: table.put(record), jobId: job.id };
}

export type Confirmation =
  /** The mails it owes: the status link to the subject, the notice to staff. */
  | { outcome: 'confirmed'; record: RequestRecord; mail: { statusLink: string; staffNotice: string } }
  | { outcome: 'already'; record: RequestRecord }
  | { outcome: 'expired' }
  | { outcome: 'unknown' };

/** Confirms the request the link belongs to: the clock starts, and the status link is mailed. */
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
    dueAt: dueDate(now),
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
 * was theirs, so nothing of them is kept. Returns how many went.
 */
export function dropExpired(tx: Tx, now: Date): number {
  const table = tx.table(requests);
  const jobs = tx.table(mailJobs);
  const expired = expiredRequests(table, now);
  for (const record of expired) {
    table.delete(record.id);
    for (const job of jobs.group('request', record.id)) jobs.delete(job.id);
  }
  return expired.length;
}
