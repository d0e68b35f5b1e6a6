/**
 * Reads a posted body: the one way every route that takes one does, public and staff. The body is read as it
 * streams, whether it has a Content-Length or comes chunked, up to the route's limit. A body over the limit is
 * read on and thrown away up to `drainBytes`, so that a client still sending receives its 413 instead of a
 * reset connection; the 413 says `Connection: close`, so its next request never meets a closed socket.
 * The media type says how the body becomes fields (JSON, a plain form post); the text must be UTF-8.
 * Only a route that takes files (the `files` option) reads multipart/form-data: as it streams, through busboy,
 * with a limit on each file and on the whole post; everywhere else it is a 415.
 * Every refusal is a 4xx thrown to api/errors.ts, which answers it in Finnish.
 *
 * ```ts
 * app.post('/requests', body(bodies.publicPost), (c) => c.var.body.fields);
 * const { fields } = await readBody(c, bodies.staffLogIn);
 * const { fields, files } = await readBody(c, { ...bodies.staffAction, files: { maxFileBytes, maxBytes } });
 * ```
 */
import { Busboy, type BusboyInstance } from '@fastify/busboy';
import type { Context, MiddlewareHandler } from 'hono';
import { HTTPException } from 'hono/http-exception';
import type { ClientErrorStatusCode } from 'hono/utils/http-status';
import { fileText } from '../files/messages.ts';
import { safeDisplayName } from '../files/name.ts';
import { messages } from '../messages.ts';

/** The bodies a route may take besides multipart/form-data, which a route takes by giving `files` limits. */
export type BodyKind = 'json' | 'form';

/** How much a route that takes files reads: each file, and the whole post (its text fields still count against `maxBytes`). */
export type FileLimits = { maxFileBytes: number; maxBytes: number };

export type BodyOptions = {
  /** The most bytes the route reads; more is a 413. Below `drainBytes`. */
  maxBytes: number;
  /** What the route takes: the form script's JSON, a plain form post, or both. */
  kinds: readonly BodyKind[];
  /** A form field sent more than once: listed in `repeated` for the route to explain (the default), or a 400. */
  repeated?: 'report' | 'refuse';
  /** Given, the route also takes multipart/form-data with files up to these limits. */
  files?: FileLimits;
};

/** Prototype-free: a form value is a string; a JSON value is as sent, for the route's schema to check. */
export type Fields = Record<string, unknown>;

/** A file from a multipart post: its form field, its name as sent (not yet safe: see api/files), its bytes. */
export type Upload = { field: string; name: string; bytes: Uint8Array };

export type Body = {
  kind: BodyKind | 'multipart';
  fields: Fields;
  /** Form fields sent more than once (their last value is in `fields`). */
  repeated: string[];
  /** The files of a multipart post (a file input left empty sends none); other bodies have no `files`. */
  files?: Upload[];
};

/** What `body()` sets on the context. */
export type BodyEnv = { Variables: { body: Body } };

/** Each route's limit, in one place. A urlencoded character takes up to 9 bytes (%E2%82%AC), JSON's 3. */
export const bodies = {
  /** The request form and its confirmation: the longest valid request with room to spare. */
  publicPost: { maxBytes: 64 * 1024, kinds: ['json', 'form'] },
  /** The staff log-in: a name of 64 and a password of 256 characters, urlencoded, fit in 3 kB. */
  staffLogIn: { maxBytes: 4 * 1024, kinds: ['form'], repeated: 'refuse' },
  /** The own-account page: three passwords of 256 characters (the current, the new one twice), urlencoded. */
  staffAccount: { maxBytes: 16 * 1024, kinds: ['form'], repeated: 'refuse' },
  /** A staff action: its text of up to 10,000 characters takes at most 90 kB urlencoded. */
  staffAction: { maxBytes: 128 * 1024, kinds: ['form'], repeated: 'refuse' },
} as const satisfies Record<string, BodyOptions>;

/**
 * How far a body over its limit is still read, and thrown away, before the 413; past it the 413 comes at once.
 * A multipart post over its (larger) limit is read this much further.
 */
export const drainBytes = 1024 * 1024;

/** The most parts a multipart post may have: a form with files has a handful. */
const maxParts = 1000;

const mediaTypes = new Map<string, BodyKind>([
  ['application/json', 'json'],
  ['application/x-www-form-urlencoded', 'form'],
]);

type Parsed = Omit<Body, 'kind'>;

const parsers: Record<BodyKind, (text: string) => Parsed> = { json: parseJson, form: parseForm };

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
  const header = c.req.header('content-type');
  const { type, charset } = mediaType(header);
  if (type === 'multipart/form-data' && options.files && header) return readMultipart(c.req.raw.body, header, options, options.files);
  // Read before anything is refused, so that every refusal comes after the body, as a 413 does.
  const bytes = await readBytes(c.req.raw.body, options.maxBytes);
  const kind = mediaTypes.get(type);
  if (!kind || !options.kinds.includes(kind)) throw new Refusal(415);
  if (charset !== undefined && charset !== 'utf-8' && charset !== 'utf8') throw new Refusal(415, messages.body.charset);
  const parsed = parsers[kind](decode(bytes));
  refuseRepeated(parsed.repeated, options);
  return { kind, ...parsed };
}

function refuseRepeated(repeated: string[], options: BodyOptions): void {
  if (repeated.length > 0 && options.repeated === 'refuse') throw new Refusal(400, messages.body.repeatedField);
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
    return (await drain(stream.getReader(), 0)).ended;
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
    read = await drain(stream.getReader(), maxBytes);
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

/**
 * Reads to the end or past `bound`, whichever comes first, keeping the chunks while within `keepBytes`;
 * `size` is what was read before (by a reader that has already read some).
 */
async function drain(reader: ReadableStreamDefaultReader<Uint8Array>, keepBytes: number, bound = drainBytes, size = 0): Promise<Drained> {
  const chunks: Uint8Array[] = [];
  for (;;) {
    const { done, value } = await reader.read();
    if (done) return { chunks, size, ended: true };
    size += value.byteLength;
    if (size <= keepBytes) chunks.push(value);
    else if (size > bound) break;
  }
  reader.cancel().catch(() => {});
  return { chunks, size, ended: false };
}

/**
 * A multipart/form-data post, fed to busboy as it arrives. Every part is taken as raw bytes (busboy's own
 * decoding of text is lenient): a part with a file name is a file, kept while within `maxFileBytes`; any other
 * is a text field, strict UTF-8 like a form's, all of them together within the route's `maxBytes`. Over
 * `limits.maxBytes` the rest is thrown away as far as `drainBytes` further, then 413 with `Connection: close`;
 * a file over its limit is a 413 naming it once the post is read; a broken or cut-off post is a 400.
 */
async function readMultipart(stream: ReadableStream<Uint8Array> | null, contentType: string, options: BodyOptions, limits: FileLimits): Promise<Body> {
  const reader = stream?.getReader();
  let parser: BusboyInstance;
  try {
    parser = Busboy({ headers: { 'content-type': contentType }, preservePath: true, isPartAFile: () => true, limits: { parts: maxParts } });
  } catch {
    // No boundary: read the body first, as every refusal does.
    const { ended } = reader ? await drain(reader, 0).catch(() => ({ ended: false })) : { ended: true };
    throw new Refusal(400, undefined, ended ? undefined : { Connection: 'close' });
  }
  const fields: Fields = Object.create(null);
  const repeated = new Set<string>();
  const files: Upload[] = [];
  let fieldBytes = 0;
  let tooLarge: string | undefined;
  let invalidText = false;
  let tooManyParts = false;
  let broken = false;
  const failed = new Promise<void>((resolve) =>
    parser.on('error', () => {
      broken = true;
      resolve();
    }),
  );
  const finished = new Promise<void>((resolve) => parser.on('finish', resolve));
  parser.on('partsLimit', () => (tooManyParts = true));
  parser.on('file', (field, part, filename) => {
    const limit = filename === undefined ? options.maxBytes : limits.maxFileBytes;
    const chunks: Buffer[] = [];
    let size = 0;
    part.on('error', () => (broken = true));
    part.on('data', (chunk: Buffer) => {
      size += chunk.byteLength;
      if (filename === undefined) fieldBytes += chunk.byteLength;
      if (size <= limit) chunks.push(chunk);
    });
    part.on('end', () => {
      if (filename !== undefined) {
        if (size > limits.maxFileBytes) tooLarge ??= filename;
        // A file input left empty sends a part with no name and no content.
        else if (filename !== '' || size > 0) files.push({ field, name: filename, bytes: Buffer.concat(chunks) });
        return;
      }
      if (field in fields) repeated.add(field);
      const text = utf8(Buffer.concat(chunks));
      if (text === undefined) invalidText = true;
      else fields[field] = text;
    });
  });

  let size = 0;
  try {
    while (reader) {
      const { done, value } = await reader.read();
      if (done) break;
      size += value.byteLength;
      if (size > limits.maxBytes) {
        await drain(reader, 0, limits.maxBytes + drainBytes, size).catch(() => undefined);
        throw new Refusal(413, fileText.answerTooLarge(limits.maxBytes), { Connection: 'close' });
      }
      // After a parse error the rest is still read (and thrown away), so the client receives its 400.
      if (!broken) await Promise.race([new Promise<void>((resolve) => parser.write(value, () => resolve())), failed]);
    }
    if (!broken) {
      parser.end();
      await Promise.race([finished, failed]);
    }
  } catch (error) {
    if (error instanceof Refusal) throw error;
    // The sender stopped halfway.
    throw new Refusal(400);
  }
  // Busboy reports a cut-off post as an error just before it finishes: let that arrive.
  await new Promise((resolve) => setImmediate(resolve));
  if (broken) throw new Refusal(400);
  if (tooManyParts) throw new Refusal(413, fileText.tooMany);
  if (tooLarge !== undefined) throw new Refusal(413, fileText.fileTooLarge(safeDisplayName(tooLarge), limits.maxFileBytes));
  if (fieldBytes > options.maxBytes) throw new Refusal(413);
  if (invalidText) throw new Refusal(400, messages.body.invalidText);
  refuseRepeated([...repeated], options);
  return { kind: 'multipart', fields, repeated: [...repeated], files };
}

function utf8(bytes: Uint8Array): string | undefined {
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    return undefined;
  }
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
  const text = utf8(bytes);
  if (text === undefined) throw new Refusal(400, messages.body.invalidText);
  return text;
}

function parseJson(text: string): Parsed {
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
function parseForm(text: string): Parsed {
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
