/** A lowdb adapter for one JSON file whose acknowledged writes survive a crash or power loss. */
import { randomBytes } from 'node:crypto';
import { open, readFile, rename, rm, type FileHandle } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import type { Adapter } from 'lowdb';

/** The file exists but does not hold a JSON document; it is never overwritten. */
export class StoreCorruptError extends Error {
  readonly path: string;

  constructor(path: string, problem: string) {
    super(
      `${path} ${problem}. It was left untouched: restore it from a backup, ` +
        `or move it out of the way to start again with an empty store.`,
    );
    this.name = 'StoreCorruptError';
    this.path = path;
  }
}

export class DurableJSONFile<T> implements Adapter<T> {
  readonly #path: string;
  /** The last write, so the next one starts after it: two renames must land in the order they were asked. */
  #last: Promise<void> = Promise.resolve();

  constructor(path: string) {
    this.#path = path;
  }

  /** The parsed file, or null when there is none. */
  async read(): Promise<T | null> {
    let bytes: Uint8Array;
    try {
      bytes = await readFile(this.#path);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return null;
      throw error;
    }
    if (bytes.length === 0) throw new StoreCorruptError(this.#path, 'is empty');
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

  /** Resolves once the new content is on disk under the file's name; on failure the old file is unchanged. */
  async write(data: T): Promise<void> {
    // Serialised now, so a caller changing data afterwards cannot change what is written.
    const text: unknown = JSON.stringify(data);
    if (typeof text !== 'string') throw new TypeError(`Cannot write ${String(data)} as JSON`);
    const written = this.#last.then(() => replace(this.#path, text));
    this.#last = written.catch(() => undefined);
    return written;
  }
}

/** Write a temp file beside the target, flush it, rename it over the target, then flush the directory entry. */
async function replace(path: string, text: string): Promise<void> {
  const dir = dirname(path);
  const temp = join(dir, `${basename(path)}.${process.pid}.${randomBytes(6).toString('hex')}.tmp`);
  let handle: FileHandle | undefined;
  try {
    handle = await open(temp, 'wx', 0o600);
    await handle.writeFile(text, 'utf8');
    await handle.sync();
    await handle.close();
    handle = undefined;
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
