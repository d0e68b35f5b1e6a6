/**
 * The one schema of a rights request (valibot), flat so a plain HTML form and JSON carry the same names.
 * The site's form script and the API both validate with it. Strings are trimmed and normalised, lengths are
 * bounded, unknown fields are refused, and no message repeats what was typed. Each field gets one message at
 * most, saying what to do (messages.ts).
 */
import * as v from 'valibot';
import { errors } from './messages.ts';
import { isRequestType, requestTypes, type RequestType } from './types.ts';

export const limits = {
  name: 200,
  email: 254,
  phone: 40,
  organisation: 200,
  username: 100,
  details: 5000,
  wrong: 2000,
  correct: 2000,
  recipient: 500,
} as const;

type TextField = keyof typeof limits;

// C0/C1 controls (a line field also loses tab and line breaks) and the bidi overrides that can disguise text.
const lineControls = /[\u0000-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]/;
const textControls = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]/;

/** A one-line text: white space runs become one space. */
function line(field: TextField) {
  return v.pipe(
    v.string(errors.text),
    v.transform((s) => s.normalize('NFC').replace(/[\t\n\r]+/g, ' ').replace(/ {2,}/g, ' ').trim()),
    v.check((s) => !lineControls.test(s), errors.control),
    v.maxLength(limits[field], errors.tooLong(limits[field])),
  );
}

/** A free text of several lines: line breaks kept (as \n), surrounding white space trimmed. */
function text(field: TextField) {
  return v.pipe(
    v.string(errors.text),
    v.transform((s) => s.normalize('NFC').replace(/\r\n?/g, '\n').trim()),
    v.check((s) => !textControls.test(s), errors.control),
    v.maxLength(limits[field], errors.tooLong(limits[field])),
  );
}

function required<T extends v.GenericSchema<unknown, string>>(schema: T, empty: string) {
  return v.pipe(schema, v.nonEmpty<string, string>(empty));
}

/** An optional field; an empty form input means "not given". */
function optional<T extends v.GenericSchema<unknown, string>>(schema: T) {
  return v.pipe(
    v.optional(schema),
    v.transform((s) => (s === '' ? undefined : s)),
  );
}

const email = v.pipe(
  line('email'),
  v.nonEmpty(errors.empty.email),
  v.email(errors.email),
  v.transform((s) => s.toLowerCase()),
);

/** What the schema itself asks of a phone number: its characters. A ban's phone is read further (PhoneReader). */
const phone = optional(v.pipe(line('phone'), v.check((s) => s === '' || /^\+?[\d ()-]{5,}$/.test(s), errors.phone)));

/** A checkbox: a form sends "on" (or nothing); JSON may send true/false. */
const checkbox = v.pipe(
  v.optional(v.union([v.picklist(['on', 'true', 'false']), v.boolean()], errors.checkbox), false),
  v.transform((value) => value === true || value === 'on' || value === 'true'),
);

/** The hidden field only bots fill in. */
const honeypot = v.pipe(
  v.optional(v.literal('', errors.honeypot)),
  v.transform(() => undefined),
);

/** Who the subject is: every type but the marketing ban. */
const subject = {
  name: required(line('name'), errors.empty.name),
  email,
  phone,
  relation: v.picklist(['private', 'organisation'] as const, errors.empty.relation),
  organisation: optional(line('organisation')),
  username: optional(line('username')),
  website: honeypot,
};

/** The fields of each type of request, in form order. */
export const shapes = {
  access: v.strictObject({ type: v.literal('access'), ...subject, details: optional(text('details')) }),
  rectification: v.strictObject({
    type: v.literal('rectification'),
    ...subject,
    wrong: required(text('wrong'), errors.empty.wrong),
    correct: required(text('correct'), errors.empty.correct),
    details: optional(text('details')),
    restrictMeanwhile: checkbox,
  }),
  erasure: v.strictObject({
    type: v.literal('erasure'),
    ...subject,
    details: optional(text('details')),
    restrictMeanwhile: checkbox,
  }),
  restriction: v.strictObject({ type: v.literal('restriction'), ...subject, details: required(text('details'), errors.reason.restriction) }),
  portability: v.strictObject({
    type: v.literal('portability'),
    ...subject,
    format: v.picklist(['json', 'csv'] as const, errors.empty.format),
    recipient: optional(text('recipient')),
    details: optional(text('details')),
  }),
  objection: v.strictObject({
    type: v.literal('objection'),
    ...subject,
    details: required(text('details'), errors.reason.objection),
    restrictMeanwhile: checkbox,
  }),
  marketing_ban: v.strictObject({ type: v.literal('marketing_ban'), email, phone, website: honeypot }),
} satisfies Record<RequestType, v.GenericSchema>;

export const requestSchema = v.variant('type', Object.values(shapes), errors.type);

/** An e-mail address checked as the subject's is (trimmed, lower-cased), or undefined: for other addresses staff give. */
export function emailAddress(input: unknown): string | undefined {
  const result = v.safeParse(email, input);
  return result.success ? result.output : undefined;
}

export type RequestInput = v.InferOutput<typeof requestSchema>;

/** Field name → Finnish messages (one at most); what the API answers with 422 and the form shows beside each field. */
export type FieldErrors = Record<string, string[]>;

export type Validation = { ok: true; value: RequestInput } | { ok: false; errors: FieldErrors };

/**
 * A phone number as a real number in E.164 ("040 123 4567" → "+358401234567"; Finnish unless it says
 * otherwise), or undefined when it is none. A marketing ban's phone is a key that marketing tools suppress by,
 * so the server reads it with the numbering plans (phone.ts); the form script cannot carry them (they outweigh
 * its whole budget), so it checks only the characters and leaves the rest to the server's answer.
 */
export type PhoneReader = (typed: string) => string | undefined;

/** A ban's phone as `read` gives it: undefined when none was given (or the schema refuses it), null when it is no real number. */
function phoneNumber(typed: unknown, read: PhoneReader): string | null | undefined {
  const result = v.safeParse(phone, typed);
  if (!result.success || result.output === undefined) return undefined;
  return read(result.output) ?? null;
}

/** A required field's own message when it is left out altogether (the schema reports a missing key in no field's words). */
function emptyMessage(type: unknown, field: string): string | undefined {
  if (field === 'details' && (type === 'restriction' || type === 'objection')) return errors.reason[type];
  return Object.hasOwn(errors.empty, field) ? errors.empty[field as keyof typeof errors.empty] : undefined;
}

/** The messages as the form lists them: those of the whole form first, then the fields in the form's order. */
function inFormOrder(found: FieldErrors, type: unknown): FieldErrors {
  const order = ['form', ...(isRequestType(type) ? Object.keys(shapes[type].entries) : ['type'])];
  const rank = (field: string) => (order.includes(field) ? order.indexOf(field) : order.length);
  return Object.fromEntries(Object.entries(found).sort(([a], [b]) => rank(a) - rank(b)));
}

/**
 * Validates a submission. Beyond the schema, two rules: a subject who uses the service through an organisation
 * names it (the organisation is then the controller; a private customer's answer to that field is dropped),
 * and a marketing ban's phone, when given, is a real number (`readPhone`), kept in E.164.
 */
export function validateRequest(input: unknown, readPhone?: PhoneReader): Validation {
  if (typeof input !== 'object' || input === null || Array.isArray(input)) {
    return { ok: false, errors: { form: [errors.notAnObject] } };
  }
  const fields = input as Record<string, unknown>;
  const result = v.safeParse(requestSchema, input, { message: errors.fallback, abortPipeEarly: true });
  const found: FieldErrors = {};
  const report = (field: string, message: string) => {
    // One message a field: the first thing to fix. Further ones would only repeat or contradict it.
    found[field] ??= [message];
  };
  for (const issue of result.issues ?? []) {
    const key = issue.path?.[0]?.key;
    // An unknown field's name came from the sender: it is reported under "form", not repeated back.
    if (issue.expected === 'never' || typeof key !== 'string') report('form', issue.expected === 'never' ? errors.unknownField : issue.message);
    else report(key, (issue.received === 'undefined' && emptyMessage(fields.type, key)) || issue.message);
  }
  const organisation = typeof fields.organisation === 'string' ? fields.organisation.trim() : '';
  if (fields.type !== 'marketing_ban' && fields.relation === 'organisation' && organisation === '') report('organisation', errors.empty.organisation);
  const number = fields.type === 'marketing_ban' && readPhone ? phoneNumber(fields.phone, readPhone) : undefined;
  if (number === null) report('phone', errors.phone);
  if (!result.success || Object.keys(found).length > 0) return { ok: false, errors: inFormOrder(found, fields.type) };

  const value = result.output;
  if ('relation' in value && value.relation === 'private') delete value.organisation;
  if (value.type === 'marketing_ban' && number) value.phone = number;
  return { ok: true, value };
}

export { requestTypes };
