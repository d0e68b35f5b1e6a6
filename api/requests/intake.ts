/**
 * What a submission and a confirmation do to the store: pure functions of the data, the clock and the
 * tokens, run inside a store update so each is written whole or not at all.
 */
import { newJob } from '../mail/jobs.ts';
import type { Db } from '../store/db.ts';
import { dueDate, finnishDate } from './deadline.ts';
import { isExpired, newRecord, type RequestRecord } from './record.ts';
import { nextReference } from './reference.ts';
import type { RequestInput } from './schema.ts';
import { hashToken } from './tokens.ts';

/**
 * Stores a valid submission. A marketing ban is in force at once, one entry per address however often it
 * is sent; every other request waits for its confirmation link, which `confirmToken` opens.
 */
export function submit(db: Db, input: RequestInput, now: Date, confirmToken: string): RequestRecord {
  const year = Number(finnishDate(now).slice(0, 4));
  const reference = nextReference(db.requests.map((r) => r.reference), year);
  const record = newRecord(input, { id: crypto.randomUUID(), reference }, now);
  if (input.type === 'marketing_ban') {
    if (!db.marketingBans.some((ban) => ban.email === input.email)) {
      db.marketingBans.push({ email: input.email, createdAt: now.toISOString(), requestId: record.id });
    }
    record.events.push({ at: now.toISOString(), actor: 'järjestelmä', action: 'ban_recorded' });
    db.mailQueue.push(newJob(record.id, 'ban_receipt', now));
  } else {
    record.confirmTokenHash = hashToken(confirmToken);
    db.mailQueue.push(newJob(record.id, 'confirm', now));
  }
  db.requests.push(record);
  return record;
}

export type Confirmation =
  | { outcome: 'confirmed'; record: RequestRecord }
  | { outcome: 'already'; record: RequestRecord }
  | { outcome: 'expired' }
  | { outcome: 'unknown' };

/** Confirms the request the link belongs to: the clock starts, and the status link is mailed. */
export function confirm(db: Db, confirmToken: string, now: Date, statusToken: string): Confirmation {
  const hash = hashToken(confirmToken);
  const record = db.requests.find((r) => r.confirmTokenHash === hash);
  if (!record) return { outcome: 'unknown' };
  if (record.confirmedAt) return { outcome: 'already', record };
  if (isExpired(record, now)) return { outcome: 'expired' };
  const at = now.toISOString();
  record.status = 'received';
  record.confirmedAt = at;
  record.dueAt = dueDate(now);
  record.statusTokenHash = hashToken(statusToken);
  delete record.confirmBy;
  record.events.push({ at, actor: 'rekisteröity', action: 'confirmed' });
  db.mailQueue.push(newJob(record.id, 'confirmed', now), newJob(record.id, 'staff_notify', now));
  return { outcome: 'confirmed', record };
}

/** The request a status link belongs to, once confirmed. */
export function findByStatusToken(db: Db, statusToken: string): RequestRecord | undefined {
  const hash = hashToken(statusToken);
  return db.requests.find((r) => r.statusTokenHash === hash);
}

/** The request a confirmation link belongs to, if the link still works. */
export function findByConfirmToken(db: Db, confirmToken: string, now: Date): RequestRecord | undefined {
  const hash = hashToken(confirmToken);
  const record = db.requests.find((r) => r.confirmTokenHash === hash);
  if (!record || isExpired(record, now)) return undefined;
  return record;
}

/**
 * Forgets requests never confirmed within their week, with their queued mails: nobody proved the address
 * was theirs, so nothing of them is kept. Returns how many went.
 */
export function dropExpired(db: Db, now: Date): number {
  const expired = new Set(db.requests.filter((r) => isExpired(r, now)).map((r) => r.id));
  if (expired.size === 0) return 0;
  db.requests = db.requests.filter((r) => !expired.has(r.id));
  db.mailQueue = db.mailQueue.filter((job) => !expired.has(job.requestId));
  return expired.size;
}
