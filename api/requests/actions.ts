/**
 * What staff may do to a request in each state, and what each action changes: the state machine of
 * DESIGN §4 as pure functions of the request, the input and the clock.
 */
import { fileText } from '../files/messages.ts';
import type { StoredFile } from '../files/index.ts';
import type { MailKind } from '../mail/jobs.ts';
import { daysLeft, latestExtension, type CalendarDate } from './deadline.ts';
import { formatDay, refusals } from './messages.ts';
import type { RequestRecord, Status } from './record.ts';
import { emailAddress } from './schema.ts';
import type { RequestType } from './types.ts';

export const staffActions = ['start', 'extend', 'complete', 'reject', 'forward', 'transfer', 'note'] as const;
export type StaffAction = (typeof staffActions)[number];

/** `files`: stored answer files (api/files), only with `complete` of a request that takes them. */
/** A transfer of the subject's data to another provider (portability): to whom, on which day, what and how. */
export type TransferInput = { to: string; on: string; what: string; how: string };

export type ActionInput = { action: StaffAction; text: string; until: string; files?: StoredFile[]; recipientEmail?: string; transfer?: TransferInput };

export type ActionOutcome = { ok: true; mail: MailKind | undefined } | { ok: false; message: string };

/** The longest text staff may write into a request. */
export const maxStaffText = 10_000;

const open: Status[] = ['received', 'in_progress'];

/** The requests whose answer may carry files: the subject's own data, to read or to take elsewhere. */
const withFiles: readonly RequestType[] = ['access', 'portability'];

/** Whether files may go with this action on this request (whether the action fits its state is another question). */
export function takesFiles(record: RequestRecord, action: StaffAction): boolean {
  return action === 'complete' && withFiles.includes(record.type);
}

/** Which actions fit the request's state now (note always does). */
export function allowedActions(record: RequestRecord, now: Date): StaffAction[] {
  const allowed: StaffAction[] = [];
  if (record.status === 'received') allowed.push('start');
  if (open.includes(record.status)) {
    if (!record.extension && record.dueAt && daysLeft(record.dueAt, now) >= 0) allowed.push('extend');
    allowed.push('complete', 'reject');
    if (record.subject.relation === 'organisation') allowed.push('forward');
  }
  // A portability request's data may be sent to the provider the subject named, before or after the answer.
  // (Not once forwarded: the organisation is then the controller, and it transfers.)
  if (record.type === 'portability' && ['received', 'in_progress', 'completed'].includes(record.status) && !record.pseudonymisedAt) allowed.push('transfer');
  // A pseudonymised request holds no personal data, and a note must not bring any back.
  if (!record.pseudonymisedAt) allowed.push('note');
  return allowed;
}

/** Applies one staff action to the record (in a store draft); a refusal changes nothing. */
export function applyAction(record: RequestRecord, input: ActionInput, actor: string, now: Date): ActionOutcome {
  const text = input.text.replace(/\r\n?/g, '\n').trim();
  if (!allowedActions(record, now).includes(input.action)) return { ok: false, message: refusal(record, input.action, now) };
  if (text.length > maxStaffText) return { ok: false, message: refusals.tooLong(maxStaffText) };
  const files = input.files ?? [];
  if (files.length > 0 && !takesFiles(record, input.action)) return { ok: false, message: fileText.notHere };
  const at = now.toISOString();
  const event = (note?: string) => record.events.push({ at, actor, action: input.action, ...(note ? { note } : {}) });

  switch (input.action) {
    case 'start':
      record.status = 'in_progress';
      event();
      return { ok: true, mail: undefined };
    case 'extend': {
      const first = record.dueAt as CalendarDate;
      const until = input.until.trim();
      if (!text) return { ok: false, message: refusals.reasonNeeded };
      if (!/^\d{4}-\d{2}-\d{2}$/.test(until) || Number.isNaN(Date.parse(until))) return { ok: false, message: refusals.untilNeeded };
      if (until <= first) return { ok: false, message: refusals.untilTooEarly(formatDay(first)) };
      if (until > latestExtension(first)) return { ok: false, message: refusals.untilTooLate(formatDay(latestExtension(first))) };
      record.extension = { until, reason: text };
      event(text);
      return { ok: true, mail: 'extended' };
    }
    case 'complete':
    case 'reject':
    case 'forward': {
      if (!text && input.action !== 'forward') return { ok: false, message: input.action === 'reject' ? refusals.reasonNeeded : refusals.answerNeeded };
      const outcome = input.action === 'complete' ? 'completed' : input.action === 'reject' ? 'rejected' : 'forwarded';
      // The organisation is told: its address is checked as the subject's is.
      const forwardedTo = input.action === 'forward' ? emailAddress(input.recipientEmail ?? '') : undefined;
      if (input.action === 'forward' && !forwardedTo) return { ok: false, message: refusals.recipientEmailNeeded };
      record.status = outcome;
      record.decision = { outcome, reason: text, by: actor, at, ...(forwardedTo ? { forwardedTo } : {}) };
      if (files.length > 0) record.files = [...(record.files ?? []), ...files];
      event(text);
      return { ok: true, mail: 'decided' };
    }
    case 'transfer': {
      const given = input.transfer ?? { to: '', on: '', what: '', how: '' };
      const transfer = { to: oneLine(given.to), on: given.on.trim(), what: given.what.replace(/\r\n?/g, '\n').trim(), how: oneLine(given.how) };
      if (!transfer.to || transfer.to.length > 500) return { ok: false, message: refusals.transferTo };
      if (!/^\d{4}-\d{2}-\d{2}$/.test(transfer.on) || Number.isNaN(Date.parse(transfer.on)) || transfer.on > at.slice(0, 10)) return { ok: false, message: refusals.transferOn };
      if (!transfer.what || transfer.what.length > 2000) return { ok: false, message: refusals.transferWhat };
      if (!transfer.how || transfer.how.length > 500) return { ok: false, message: refusals.transferHow };
      record.transfers = [...(record.transfers ?? []), { ...transfer, by: actor, at }];
      event();
      return { ok: true, mail: 'transferred' };
    }
    case 'note':
      if (!text) return { ok: false, message: refusals.noteNeeded };
      event(text);
      return { ok: true, mail: undefined };
  }
}

/** Why an action does not fit, in words staff understand. */
function refusal(record: RequestRecord, action: StaffAction, now: Date): string {
  if (action === 'extend' && record.extension) return refusals.extendOnce;
  if (action === 'extend' && record.dueAt && daysLeft(record.dueAt, now) < 0) return refusals.extendTooLate(formatDay(record.dueAt));
  if (action === 'forward' && open.includes(record.status)) return refusals.forwardPrivate;
  if (action === 'note' && record.pseudonymisedAt) return refusals.pseudonymised;
  return refusals.wrongState(record.status);
}

function oneLine(text: string): string {
  return text.replace(/\s+/g, ' ').trim();
}
