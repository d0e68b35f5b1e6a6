/**
 * Reads a posted request body as fields: JSON (the form script) or a plain form post. A repeated form field
 * is refused rather than silently picking one value; anything else is 415.
 */
import type { Context } from 'hono';
import { HTTPException } from 'hono/http-exception';
import { errors, fieldLabels } from './messages.ts';
import type { FieldErrors } from './schema.ts';

export type Posted =
  | { kind: 'json' | 'form'; fields: Record<string, unknown> }
  | { kind: 'json' | 'form'; errors: FieldErrors };

export async function readPosted(c: Context): Promise<Posted> {
  const type = (c.req.header('content-type') ?? '').split(';')[0]?.trim().toLowerCase();
  if (type === 'application/json') {
    let fields: unknown;
    try {
      fields = JSON.parse(await c.req.text());
    } catch {
      throw new HTTPException(400);
    }
    return { kind: 'json', fields: fields as Record<string, unknown> };
  }
  if (type === 'application/x-www-form-urlencoded') {
    // A prototype-free object: a field named __proto__ is just an (unknown) field.
    const fields: Record<string, unknown> = Object.create(null);
    const repeated: FieldErrors = {};
    for (const [name, value] of new URLSearchParams(await c.req.text())) {
      if (name in fields) {
        const label = Object.hasOwn(fieldLabels, name) ? fieldLabels[name as keyof typeof fieldLabels].label : undefined;
        repeated[label ? name : 'form'] = [label ? errors.repeatedField(label) : errors.unknownField];
      }
      fields[name] = value;
    }
    return Object.keys(repeated).length > 0 ? { kind: 'form', errors: repeated } : { kind: 'form', fields };
  }
  throw new HTTPException(415);
}
