/** A lowdb adapter for one JSON file whose acknowledged writes survive a crash or power loss. */
import { randomBytes } from 'node:crypto';
import { open, readFile, rename, rm, type FileHandle } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { setImmediate as yieldToEvents } from 'node:timers/promises';
import type { Adapter } from 'lowdb';
import { encryptFile, openFile, type DataKey, type Keys } from './cipher.ts';

/** A store file exists but cannot be read as what it should hold; nothing in the data directory is changed. */
export class StoreCorruptError extends Error {
  readonly path: string;

  constructor(path: string, problem: string) {
    super(
      `${path} ${problem}. It was left untouched, and so was the rest of the data directory: restore the ` +
        `data directory from a backup, or move it out of the way to start again with an empty store.`,
    );
    this.name = 'StoreCorruptError';
    this.path = path;
  }
}

export type DurableJSONFileOptions = {
  /** Called when the new content is on disk under its temp name, before the rename: where a crash test cuts in. */
  beforeRename?: () => void | Promise<void>;
  /** Encrypted with `keys.write` when it is set, and read with `keys.read` (cipher.ts); `kind` names the content. */
  cipher?: { keys: Keys; kind: string };
};

export class DurableJSONFile<T> implements Adapter<T> {
  readonly #path: string;
  readonly #options: DurableJSONFileOptions;
  /** The last write, so the next one starts after it: two renames must land in the order they were asked. */
  #last: Promise<void> = Promise.resolve();

  constructor(path: string, options: DurableJSONFileOptions = {}) {
    this.#path = path;
    this.#options = options;
  }

  /** The parsed file, or null when there is none. */
  async read(): Promise<T | null> {
    let bytes: Buffer;
    try {
      bytes = await readFile(this.#path);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return null;
      throw error;
    }
    if (bytes.length === 0) throw new StoreCorruptError(this.#path, 'is empty');
    const cipher = this.#options.cipher;
    if (cipher) bytes = openFile(bytes, cipher.keys, cipher.kind, this.#path, (problem) => new StoreCorruptError(this.#path, problem));
    let data: unknown;
    try {
      // fatal: a lenient decoder would turn bad bytes into U+FFFD and the next write would make that permanent.
      data = JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(bytes));
    } catch {
      throw new StoreCorruptError(this.#path, 'is not valid JSON (truncated or damaged)');
    }
    // lowdb takes a falsy read for "no file" and would keep (and later write) its defaults instead.
    if (typeof data !== 'object' || data === null) {
      throw new StoreCorruptError(this.#path, 'does not hold a JSON object');
    }
    return data as T;
  }

  /**
   * Resolves once the new content is on disk under the file's name; on failure the old file is unchanged.
   * Large lists are serialised a slice at a time, letting other work run between slices, so the caller must
   * not change `data` until the write resolves (the store hands in fresh lists of frozen records).
   */
  async write(data: T): Promise<void> {
    if (typeof data !== 'object' || data === null) throw new TypeError(`Cannot write ${String(data)} as JSON`);
    const pieces = encodeJSON(data, this.#options.cipher);
    const written = this.#last.then(() => replace(this.#path, pieces, this.#options));
    this.#last = written.catch(() => undefined);
    return written;
  }
}

/** Output is handed to the file in pieces of about this size. */
const pieceBytes = 256 << 10;

/** The object's JSON as the file holds it, in pieces: encrypted with `cipher.keys.write` when it is set. */
export function encodeJSON(data: object, cipher?: { keys: Keys; kind: string }): AsyncIterable<string | Buffer> {
  const key = cipher?.keys.write;
  return key ? encrypt(serialise(data), key, cipher.kind) : serialise(data);
}

/** The object's JSON in pieces: each top-level list item by item, so no single step stalls the server. */
async function* serialise(data: object): AsyncGenerator<string> {
  let piece = '';
  let first = true;
  piece += '{';
  for (const [key, value] of Object.entries(data)) {
    if (value === undefined) continue;
    piece += `${first ? '' : ','}${JSON.stringify(key)}:`;
    first = false;
    if (!Array.isArray(value)) {
      piece += json(value);
      continue;
    }
    piece += '[';
    for (let i = 0; i < value.length; i++) {
      piece += (i === 0 ? '' : ',') + json(value[i] ?? null);
      if (piece.length >= pieceBytes) {
        yield piece;
        piece = '';
        await yieldToEvents();
      }
    }
    piece += ']';
  }
  yield `${piece}}`;
}

/** The pieces encrypted as they come: the header first, the tag last. */
async function* encrypt(pieces: AsyncIterable<string>, key: DataKey, kind: string): AsyncGenerator<Buffer> {
  const { header, cipher } = encryptFile(key, kind);
  yield header;
  for await (const piece of pieces) yield cipher.update(piece, 'utf8');
  yield Buffer.concat([cipher.final(), cipher.getAuthTag()]);
}

function json(value: unknown): string {
  const text: unknown = JSON.stringify(value);
  if (typeof text !== 'string') throw new TypeError(`Cannot write ${String(value)} as JSON`);
  return text;
}

/** Replaces the file at path with bytes, as durably as the snapshot (a crash leaves the old file or the new). */
export function writeFileDurably(path: string, bytes: Uint8Array): Promise<void> {
  return replace(
    path,
    (async function* () {
      yield Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    })(),
    {},
  );
}

/** Write a temp file beside the target, flush it, rename it over the target, then flush the directory entry. */
async function replace(path: string, pieces: AsyncIterable<string | Buffer>, options: DurableJSONFileOptions): Promise<void> {
  const dir = dirname(path);
  const temp = join(dir, `${basename(path)}.${process.pid}.${randomBytes(6).toString('hex')}.tmp`);
  let handle: FileHandle | undefined;
  try {
    handle = await open(temp, 'wx', 0o600);
    for await (const piece of pieces) await (typeof piece === 'string' ? handle.write(piece, null, 'utf8') : handle.write(piece));
    await handle.sync();
    await handle.close();
    handle = undefined;
    await options.beforeRename?.();
    await rename(temp, path);
    await syncDirectory(dir);
  } catch (error) {
    await handle?.close().catch(() => undefined);
    await rm(temp, { force: true }).catch(() => undefined);
    throw error;
  }
}

/** fsync a directory, so the names created or renamed in it survive a power loss. */
export async function syncDirectory(dir: string): Promise<void> {
  const handle = await open(dir, 'r');
  try {
    await handle.sync();
  } finally {
    await handle.close();
  }
}
