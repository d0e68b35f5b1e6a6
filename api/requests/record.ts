/** A request as stored, and how a submission becomes one. */
import type { StoredFile } from '../files/index.ts';
import type { RequestInput } from './schema.ts';
import type { CalendarDate } from './deadline.ts';
import type { RequestType } from './types.ts';

export const statuses = ['awaiting_confirmation', 'received', 'in_progress', 'completed', 'rejected', 'forwarded'] as const;
export type Status = (typeof statuses)[number];

export type RequestEvent = { at: string; actor: string; action: string; note?: string };

export type Subject = {
  name?: string;
  email: string;
  phone?: string;
  relation?: 'private' | 'organisation';
  organisation?: string;
  username?: string;
};

export type RequestRecord = {
  id: string;
  reference: string;
  type: RequestType;
  status: Status;
  subject: Subject;
  details?: string;
  wrong?: string;
  correct?: string;
  format?: 'json' | 'csv';
  recipient?: string;
  restrictMeanwhile?: boolean;
  createdAt: string;
  /** Unconfirmed requests expire then. */
  confirmBy?: string;
  confirmedAt?: string;
  dueAt?: CalendarDate;
  extension?: { until: CalendarDate; reason: string };
  decision?: {
    outcome: 'completed' | 'rejected' | 'forwarded';
    reason: string;
    by: string;
    at: string;
    /** Forwarded: the organisation's contact address, which was sent the request. */
    forwardedTo?: string;
  };
  events: RequestEvent[];
  confirmTokenHash?: string;
  statusTokenHash?: string;
  /** When its personal data was removed at the end of the retention period (api/retention); subject.email is then ''. */
  pseudonymisedAt?: string;
  /** Transfers of the subject's data to another provider (portability), as staff recorded them. */
  transfers?: { to: string; on: string; what: string; how: string; by: string; at: string }[];
  /** Why the mail this submission would have sent was not (intake.ts: a repeat, or the address's daily limit). */
  mailWithheld?: 'repeat' | 'daily_limit';
  /** The one reminder to confirm (reminders.ts): when it was due, and whether the address's daily limit withheld it. */
  reminder?: { at: string; withheld?: 'daily_limit' };
  /** Files sent with the answer to an access or portability request (api/files; on disk under DATA_DIR/files). */
  files?: StoredFile[];
};

/** How long a confirmation link works. */
export const confirmationDays = 7;

/** An unconfirmed request whose week to confirm is over. */
export function isExpired(record: RequestRecord, now: Date): boolean {
  return !record.confirmedAt && record.confirmBy !== undefined && Date.parse(record.confirmBy) < now.getTime();
}

/** Only the fields that are there: exactOptionalPropertyTypes keeps `undefined` out of stored JSON. */
function present<T extends Record<string, unknown>>(object: T): { [K in keyof T]: Exclude<T[K], undefined> } {
  return Object.fromEntries(Object.entries(object).filter(([, value]) => value !== undefined)) as never;
}

/** The stored form of a valid submission. */
export function newRecord(input: RequestInput, ids: { id: string; reference: string }, now: Date): RequestRecord {
  const at = now.toISOString();
  const base = { ...ids, type: input.type, createdAt: at, events: [{ at, actor: 'rekisteröity', action: 'submitted' }] };
  if (input.type === 'marketing_ban') {
    return { ...base, status: 'completed', subject: { email: input.email } };
  }
  const { type: _type, name, email, phone, relation, organisation, username, ...rest } = input;
  return {
    ...base,
    ...present(rest),
    status: 'awaiting_confirmation',
    subject: present({ name, email, phone, relation, organisation, username }),
    confirmBy: new Date(now.getTime() + confirmationDays * 86_400_000).toISOString(),
  };
}
