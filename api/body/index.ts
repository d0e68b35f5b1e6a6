/**
 * Reads a posted body: the one way every route that takes one does, public and staff. The body is read as it
 * streams, whether it has a Content-Length or comes chunked, up to the route's limit. A body over the limit is
 * read on and thrown away up to `drainBytes`, so that a client still sending receives its 413 instead of a
 * reset connection; the 413 says `Connection: close`, so its next request never meets a closed socket.
 * The media type says how the body becomes fields (JSON, a plain form post); the text must be UTF-8.
 * Every refusal is a 4xx thrown to api/errors.ts, which answers it in Finnish.
 *
 * ```ts
 * app.post('/requests', body(bodies.publicPost), (c) => c.var.body.fields);
 * const { fields } = await readBody(c, bodies.staffLogIn);
 * ```
 */
import type { Context, MiddlewareHandler } from 'hono';
import { HTTPException } from 'hono/http-exception';
import type { ClientErrorStatusCode } from 'hono/utils/http-status';
import { messages } from '../messages.ts';

/**
 * The bodies a route may take. multipart/form-data is refused (415) for now; file uploads add a kind here,
 * its media type to `mediaTypes` and its parser (which also needs the boundary parameter) to `parsers`.
 */
export type BodyKind = 'json' | 'form';

export type BodyOptions = {
  /** The most bytes the route reads; more is a 413. Below `drainBytes`. */
  maxBytes: number;
  /** What the route takes: the form script's JSON, a plain form post, or both. */
  kinds: readonly BodyKind[];
  /** A form field sent more than once: listed in `repeated` for the route to explain (the default), or a 400. */
  repeated?: 'report' | 'refuse';
};

/** Prototype-free: a form value is a string; a JSON value is as sent, for the route's schema to check. */
export type Fields = Record<string, unknown>;

export type Body = { kind: BodyKind; fields: Fields; /** Form fields sent more than once (their last value is in `fields`). */ repeated: string[] };

/** What `body()` sets on the context. */
export type BodyEnv = { Variables: { body: Body } };

/** Each route's limit, in one place. A urlencoded character takes up to 9 bytes (%E2%82%AC), JSON's 3. */
export const bodies = {
  /** The request form and its confirmation: the longest valid request with room to spare. */
  publicPost: { maxBytes: 64 * 1024, kinds: ['json', 'form'] },
  /** The staff log-in: a name of 64 and a password of 256 characters, urlencoded, fit in 3 kB. */
  staffLogIn: { maxBytes: 4 * 1024, kinds: ['form'], repeated: 'refuse' },
  /** A staff action: its text of up to 10,000 characters takes at most 90 kB urlencoded. */
  staffAction: { maxBytes: 128 * 1024, kinds: ['form'], repeated: 'refuse' },
} as const satisfies Record<string, BodyOptions>;

/** How far a body over its limit is still read, and thrown away, before the 413; past it the 413 comes at once. */
export const drainBytes = 1024 * 1024;

const mediaTypes = new Map<string, BodyKind>([
  ['application/json', 'json'],
  ['application/x-www-form-urlencoded', 'form'],
]);

const parsers: Record<BodyKind, (text: string) => Omit<Body, 'kind'>> = { json: parseJson, form: parseForm };

/**
 * A 4xx refusal of what was sent, with a Finnish text more precise than its status's own (a JSON body that is
 * not an object) and headers api/errors.ts keeps in its answer (`Connection: close` on a 413).
 */
export class Refusal extends HTTPException {
  readonly text: string | undefined;

  constructor(status: ClientErrorStatusCode, text?: string, headers?: Record<string, string>) {
    super(status, headers ? { res: new Response(null, { headers }) } : undefined);
    this.text = text;
  }
}

/** The middleware: reads the body before the handler, which finds it as `c.var.body`. */
export function body(options: BodyOptions): MiddlewareHandler<BodyEnv> {
  return async (c, next) => {
    c.set('body', await readBody(c, options));
    await next();
  };
}

/** The function: reads, checks and parses the body (see the module comment), or throws a 4xx. */
export async function readBody(c: Context, options: BodyOptions): Promise<Body> {
  // Read before anything is refused, so that every refusal comes after the body, as a 413 does.
  const bytes = await readBytes(c.req.raw.body, options.maxBytes);
  const { type, charset } = mediaType(c.req.header('content-type'));
  const kind = mediaTypes.get(type);
  if (!kind || !options.kinds.includes(kind)) throw new Refusal(415);
  if (charset !== undefined && charset !== 'utf-8' && charset !== 'utf8') throw new Refusal(415, messages.body.charset);
  const parsed = parsers[kind](decode(bytes));
  if (parsed.repeated.length > 0 && options.repeated === 'refuse') throw new Refusal(400, messages.body.repeatedField);
  return { kind, ...parsed };
}

/**
 * Reads and throws away a body nobody has read, up to `drainBytes`, so that an answer given without it (a 403,
 * a 429) reaches a client still sending it. False when more was left: the connection is then closed, and the
 * answer should say `Connection: close`.
 */
export async function discardBody(c: Context): Promise<boolean> {
  // A page read has no body: no stream is made for it (that would cost every static page).
  const method = c.req.method;
  if ((method === 'GET' || method === 'HEAD') && c.req.header('content-length') === undefined && c.req.header('transfer-encoding') === undefined) return true;
  let stream: ReadableStream<Uint8Array> | null;
  try {
    stream = c.req.raw.bodyUsed ? null : c.req.raw.body;
  } catch {
    return false;
  }
  if (!stream || stream.locked) return true;
  try {
    return (await drain(stream, 0)).ended;
  } catch {
    return false;
  }
}

/**
 * The middleware for a whole app: after an answer given without reading the body (a 404, a redirect to the
 * log-in), that body is thrown away as `discardBody` does, or the answer says `Connection: close`.
 */
export function discardUnread(): MiddlewareHandler {
  return async (c, next) => {
    await next();
    if (!(await discardBody(c))) c.header('Connection', 'close');
  };
}

async function readBytes(stream: ReadableStream<Uint8Array> | null, maxBytes: number): Promise<Uint8Array> {
  if (!stream) return new Uint8Array();
  let read: Drained;
  try {
    read = await drain(stream, maxBytes);
  } catch {
    // The sender stopped halfway: a truncated body, whether or not anyone still listens for the answer.
    throw new Refusal(400);
  }
  if (read.size > maxBytes) throw new Refusal(413, undefined, { Connection: 'close' });
  const bytes = new Uint8Array(read.size);
  let at = 0;
  for (const chunk of read.chunks) {
    bytes.set(chunk, at);
    at += chunk.byteLength;
  }
  return bytes;
}

type Drained = { chunks: Uint8Array[]; size: number; ended: boolean };

/** Reads to the end or past `drainBytes`, whichever comes first, keeping the chunks while within `keepBytes`. */
async function drain(stream: ReadableStream<Uint8Array>, keepBytes: number): Promise<Drained> {
  const reader = stream.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) return { chunks, size, ended: true };
    size += value.byteLength;
    if (size <= keepBytes) chunks.push(value);
    else if (size > drainBytes) break;
  }
  reader.cancel().catch(() => {});
  return { chunks, size, ended: false };
}

/** The media type and charset of a Content-Type header, lower-cased: `application/json; charset="UTF-8"`. */
function mediaType(header = ''): { type: string; charset: string | undefined } {
  const [type = '', ...parameters] = header.split(';');
  let charset: string | undefined;
  for (const parameter of parameters) {
    const at = parameter.indexOf('=');
    if (at > 0 && parameter.slice(0, at).trim().toLowerCase() === 'charset') {
      charset = parameter.slice(at + 1).trim().replace(/^"(.*)"$/, '$1').toLowerCase();
    }
  }
  return { type: type.trim().toLowerCase(), charset };
}

function decode(bytes: Uint8Array): string {
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    throw new Refusal(400, messages.body.invalidText);
  }
}

function parseJson(text: string): Omit<Body, 'kind'> {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    throw new Refusal(400);
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) throw new Refusal(400, messages.body.notAnObject);
  // Copied into a prototype-free record: a key named __proto__ stays just an (unknown) field.
  const fields: Fields = Object.create(null);
  for (const [name, field] of Object.entries(value)) fields[name] = field;
  return { fields, repeated: [] };
}

/** application/x-www-form-urlencoded, strictly: a broken percent-escape or one that is not UTF-8 is a 400. */
function parseForm(text: string): Omit<Body, 'kind'> {
  const fields: Fields = Object.create(null);
  const repeated = new Set<string>();
  for (const pair of text.split('&')) {
    if (pair === '') continue;
    const at = pair.indexOf('=');
    const name = unescapeForm(at < 0 ? pair : pair.slice(0, at));
    if (name in fields) repeated.add(name);
    fields[name] = at < 0 ? '' : unescapeForm(pair.slice(at + 1));
  }
  return { fields, repeated: [...repeated] };
}

function unescapeForm(part: string): string {
  try {
    return decodeURIComponent(part.replaceAll('+', ' '));
  } catch {
    throw new Refusal(400, messages.body.invalidText);
  }
}
