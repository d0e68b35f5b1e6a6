/**
 * The answer files on disk: DATA_DIR/files/<id>, the directory 0700 and each file 0600, written as durably as
 * the snapshot (temp file, fsync, rename, directory fsync) and sealed with DATA_KEY when it is set (cipher.ts,
 * kind `answer-file`). The id is random and is the only thing of a file that reaches a path; the SHA-256 of the
 * plain content, kept in the request record, is checked on every read, so a damaged file is never handed out.
 */
import { createHash, randomBytes } from 'node:crypto';
import { chmod, mkdir, readFile, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { isEncrypted, openFile, sealFile, type Keys } from '../store/cipher.ts';
import { syncDirectory, writeFileDurably } from '../store/durable-file.ts';
import { mediaTypes, type FileKind, type StoredFile } from './kinds.ts';
import { safeDisplayName } from './name.ts';

const cipherKind = 'answer-file';
/** 18 random bytes: 24 base64url characters. */
const idPattern = /^[A-Za-z0-9_-]{24}$/;

/** A stored file cannot be handed out: it is gone from disk, or its content is not what was stored. */
export class FileError extends Error {
  override name = 'FileError';
  readonly reason: 'gone' | 'damaged';

  constructor(id: string, reason: 'gone' | 'damaged', problem: string) {
    super(`answer file ${id} ${problem}`);
    this.reason = reason;
  }
}

export class FileStore {
  readonly #dir: string;
  readonly #keys: Keys;
  #ready: Promise<void> | undefined;

  constructor(dataDir: string, keys: Keys) {
    this.#dir = join(dataDir, 'files');
    this.#keys = keys;
  }

  /** Stores the bytes under a new random id; resolves once they are on disk. */
  async save(bytes: Uint8Array, name: string, kind: FileKind, now: Date, expiresAt: Date): Promise<StoredFile> {
    await this.#makeDir();
    const id = randomBytes(18).toString('base64url');
    const key = this.#keys.write;
    await writeFileDurably(this.#path(id), key ? sealFile(key, cipherKind, bytes) : bytes);
    return {
      id,
      name: safeDisplayName(name),
      kind,
      mediaType: mediaTypes[kind],
      bytes: bytes.byteLength,
      sha256: sha256(bytes),
      storedAt: now.toISOString(),
      expiresAt: expiresAt.toISOString(),
    };
  }

  /** The plain content, decrypted and checked against its SHA-256; a FileError when gone or damaged, a KeyError for a wrong key. */
  async read(file: StoredFile): Promise<Buffer> {
    let stored: Buffer;
    try {
      stored = await readFile(this.#path(file.id));
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') throw new FileError(file.id, 'gone', 'is no longer on disk');
      throw error;
    }
    const damaged = (problem: string) => new FileError(file.id, 'damaged', problem);
    // A file stored before DATA_KEY was set is read as it is: its hash, kept in the store, proves it unchanged.
    const plain = matches(stored, file) ? stored : isEncrypted(stored) ? openFile(stored, this.#keys, cipherKind, `answer file ${file.id}`, damaged) : undefined;
    if (!plain || !matches(plain, file)) throw damaged('does not match its SHA-256: a byte of it was changed, or it was cut short');
    return plain;
  }

  /** Removes the file; one already gone is no error. */
  async delete(id: string): Promise<void> {
    await rm(this.#path(id), { force: true });
    await syncDirectory(this.#dir).catch((error: NodeJS.ErrnoException) => {
      if (error.code !== 'ENOENT') throw error;
    });
  }

  #path(id: string): string {
    // Ids come from the store, which only this class fills; anything else is refused before it reaches a path.
    if (!idPattern.test(id)) throw new TypeError('not an answer file id');
    return join(this.#dir, id);
  }

  /** Makes DATA_DIR/files once (0700, its name made durable), and tightens it if it was made looser. */
  #makeDir(): Promise<void> {
    this.#ready ??= (async () => {
      const made = await mkdir(this.#dir, { recursive: true, mode: 0o700 });
      await chmod(this.#dir, 0o700);
      if (made) await syncDirectory(join(this.#dir, '..'));
    })().catch((error: unknown) => {
      this.#ready = undefined;
      throw error;
    });
    return this.#ready;
  }
}

function sha256(bytes: Uint8Array): string {
  return createHash('sha256').update(bytes).digest('hex');
}

function matches(bytes: Buffer, file: StoredFile): boolean {
  return bytes.byteLength === file.bytes && sha256(bytes) === file.sha256;
}
