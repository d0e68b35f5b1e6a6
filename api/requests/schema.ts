/**
 * The one schema of a rights request (valibot), flat so a plain HTML form and JSON carry the same names.
 * The site's form script and the API both validate with it. Strings are trimmed and normalised, lengths are
 * bounded, unknown fields are refused, and no message repeats what was typed.
 */
import * as v from 'valibot';
import { errors, fieldLabels } from './messages.ts';
import { requestTypes, type RequestType } from './types.ts';

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
  const label = fieldLabels[field].label;
  return v.pipe(
    v.string(errors.text(label)),
    v.transform((s) => s.normalize('NFC').replace(/[\t\n\r]+/g, ' ').replace(/ {2,}/g, ' ').trim()),
    v.check((s) => !lineControls.test(s), errors.control(label)),
    v.maxLength(limits[field], errors.tooLong(label, limits[field])),
  );
}

/** A free text of several lines: line breaks kept (as \n), surrounding white space trimmed. */
function text(field: TextField) {
  const label = fieldLabels[field].label;
  return v.pipe(
    v.string(errors.text(label)),
    v.transform((s) => s.normalize('NFC').replace(/\r\n?/g, '\n').trim()),
    v.check((s) => !textControls.test(s), errors.control(label)),
    v.maxLength(limits[field], errors.tooLong(label, limits[field])),
  );
}

function required<T extends v.GenericSchema<unknown, string>>(schema: T, field: keyof typeof fieldLabels) {
  return v.pipe(schema, v.nonEmpty<string, string>(errors.required(fieldLabels[field].label)));
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
  v.nonEmpty(errors.required(fieldLabels.email.label)),
  v.email(errors.email),
  v.transform((s) => s.toLowerCase()),
);
const phone = v.pipe(line('phone'), v.check((s) => s === '' || /^\+?[\d ()-]{5,}$/.test(s), errors.phone));

/** A checkbox: a form sends "on" (or nothing); JSON may send true/false. */
const checkbox = (field: keyof typeof fieldLabels) =>
  v.pipe(
    v.optional(v.union([v.picklist(['on', 'true', 'false']), v.boolean()], errors.checkbox(fieldLabels[field].label)), false),
    v.transform((value) => value === true || value === 'on' || value === 'true'),
  );

/** The hidden field only bots fill in. */
const honeypot = v.pipe(
  v.optional(v.literal('', errors.honeypot)),
  v.transform(() => undefined),
);

/** Who the subject is: every type but the marketing ban. */
const subject = {
  name: required(line('name'), 'name'),
  email,
  phone: optional(phone),
  relation: v.picklist(['private', 'organisation'] as const, errors.relation),
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
    wrong: required(text('wrong'), 'wrong'),
    correct: required(text('correct'), 'correct'),
    details: optional(text('details')),
    restrictMeanwhile: checkbox('restrictMeanwhile'),
  }),
  erasure: v.strictObject({
    type: v.literal('erasure'),
    ...subject,
    details: optional(text('details')),
    restrictMeanwhile: checkbox('restrictMeanwhile'),
  }),
  restriction: v.strictObject({ type: v.literal('restriction'), ...subject, details: required(text('details'), 'details') }),
  portability: v.strictObject({
    type: v.literal('portability'),
    ...subject,
    format: v.picklist(['json', 'csv'] as const, errors.format),
    recipient: optional(text('recipient')),
    details: optional(text('details')),
  }),
  objection: v.strictObject({
    type: v.literal('objection'),
    ...subject,
    details: required(text('details'), 'details'),
    restrictMeanwhile: checkbox('restrictMeanwhile'),
  }),
  marketing_ban: v.strictObject({ type: v.literal('marketing_ban'), email, website: honeypot }),
} satisfies Record<RequestType, v.GenericSchema>;

export const requestSchema = v.variant('type', Object.values(shapes), errors.type);

/** An e-mail address checked as the subject's is (trimmed, lower-cased), or undefined: for other addresses staff give. */
export function emailAddress(input: unknown): string | undefined {
  const result = v.safeParse(email, input);
  return result.success ? result.output : undefined;
}

export type RequestInput = v.InferOutput<typeof requestSchema>;

/** Field name → Finnish messages; what the API answers with 422 and the form shows beside each field. */
export type FieldErrors = Record<string, string[]>;

export type Validation = { ok: true; value: RequestInput } | { ok: false; errors: FieldErrors };

/**
 * Validates a submission. Beyond the schema, one rule spans two fields: a subject who uses the service
 * through an organisation names it (the organisation is then the controller); a private customer's answer
 * to that field is dropped.
 */
export function validateRequest(input: unknown): Validation {
  if (typeof input !== 'object' || input === null || Array.isArray(input)) {
    return { ok: false, errors: { form: [errors.notAnObject] } };
  }
  const fields = input as Record<string, unknown>;
  const found: FieldErrors = {};
  const organisation = typeof fields.organisation === 'string' ? fields.organisation.trim() : '';
  if (fields.type !== 'marketing_ban' && fields.relation === 'organisation' && organisation === '') {
    found.organisation = [errors.required(fieldLabels.organisation.label)];
  }
  const result = v.safeParse(requestSchema, input, { message: errors.fallback });
  if (result.success && Object.keys(found).length === 0) {
    const value = result.output;
    if ('relation' in value && value.relation === 'private') delete value.organisation;
    return { ok: true, value };
  }
  if (result.success) return { ok: false, errors: found };
  for (const issue of result.issues) {
    const key = issue.path?.[0]?.key;
    const known = typeof key === 'string' && Object.hasOwn(fieldLabels, key) ? (key as keyof typeof fieldLabels) : undefined;
    // An unknown field's name came from the sender: it is reported under "form", not repeated back.
    const field = issue.expected === 'never' || key === undefined ? 'form' : String(key);
    const message =
      issue.expected === 'never'
        ? errors.unknownField
        : known && issue.received === 'undefined'
          ? errors.required(fieldLabels[known].label)
          : issue.message;
    const messages = (found[field] ??= []);
    if (!messages.includes(message)) messages.push(message);
  }
  return { ok: false, errors: found };
}

export { requestTypes };
