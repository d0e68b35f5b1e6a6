/**
 * One backup file in BACKUP_DIR: a JSON header line, the parts' bytes one after another and a line end, and a
 * trailer line naming each part's size with the SHA-256 of everything before it, so any changed byte is found
 * without a key.
 *
 *   full-<seq>-<when>.backup       the store at record <seq> as db.json holds it (encrypted with DATA_KEY when
 *                                  set), with staff.json and audit.jsonl (sealed with DATA_KEY when set)
 *   journal-<first>-<last>.backup  a sealed journal segment as the data directory held it: records first…last
 *
 * Files are written under a temp name, flushed and renamed, so a backup is either whole or not there.
 */
import { createHash, randomBytes } from 'node:crypto';
import { open, readdir, readFile, rename, rm, stat, type FileHandle } from 'node:fs/promises';
import { join } from 'node:path';
import { syncDirectory } from '../store/durable-file.ts';

export type FullHeader = { format: 'tietosuoja-backup'; version: 1; kind: 'full'; createdAt: string; keyId: string | null; seq: number; at: string };
export type JournalHeader = {
  format: 'tietosuoja-backup';
  version: 1;
  kind: 'journal';
  createdAt: string;
  keyId: string | null;
  firstSeq: number;
  lastSeq: number;
  firstAt: string;
  lastAt: string;
};
export type Header = FullHeader | JournalHeader;

export type Backup = { path: string; header: Header; parts: Map<string, Buffer>; bytes: number };

/** A backup file that does not verify; nothing was changed. */
export class BackupDamagedError extends Error {
  readonly path: string;

  constructor(path: string, problem: string) {
    super(`${path} ${problem}; it was not used`);
    this.name = 'BackupDamagedError';
    this.path = path;
  }
}

/** What a backup's name says, so a listing needs no reads. */
export type Listed =
  | { name: string; kind: 'full'; seq: number; at: string }
  | { name: string; kind: 'journal'; firstSeq: number; lastSeq: number };

const fullName = /^full-(\d{12})-(\d{8}T\d{9}Z)\.backup$/;
const journalName = /^journal-(\d{12})-(\d{12})\.backup$/;
const pad = (n: number) => String(n).padStart(12, '0');

/** 2026-11-26T06:15:00.123Z as 20261126T061500123Z: sortable, and safe in a file name. */
function stamp(iso: string): string {
  return iso.replace(/[-:.]/g, '');
}

function unstamp(text: string): string {
  const m = /^(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})(\d{3})Z$/.exec(text) as RegExpExecArray;
  return `${m[1]}-${m[2]}-${m[3]}T${m[4]}:${m[5]}:${m[6]}.${m[7]}Z`;
}

export function nameOf(header: Header): string {
  return header.kind === 'full' ? `full-${pad(header.seq)}-${stamp(header.at)}.backup` : `journal-${pad(header.firstSeq)}-${pad(header.lastSeq)}.backup`;
}

export function parseName(name: string): Listed | undefined {
  const full = fullName.exec(name);
  if (full) return { name, kind: 'full', seq: Number(full[1]), at: unstamp(full[2] as string) };
  const journal = journalName.exec(name);
  if (journal) return { name, kind: 'journal', firstSeq: Number(journal[1]), lastSeq: Number(journal[2]) };
  return undefined;
}

/** The backups in dir, full backups oldest first, then journals by first record. */
export async function listBackups(dir: string): Promise<Listed[]> {
  const listed = (await readdir(dir)).map(parseName).filter((entry) => entry !== undefined);
  const key = (entry: Listed) => (entry.kind === 'full' ? entry.seq : entry.firstSeq);
  return listed.sort((a, b) => (a.kind === b.kind ? key(a) - key(b) || a.name.localeCompare(b.name) : a.kind === 'full' ? -1 : 1));
}

export type PartSource = { name: string; content: Uint8Array | AsyncIterable<string | Buffer> };

/** Writes the backup into dir under its name, durably; resolves with the path and size. */
export async function writeBackup(dir: string, header: Header, parts: PartSource[]): Promise<{ path: string; bytes: number }> {
  const name = nameOf(header);
  const path = join(dir, name);
  const temp = join(dir, `.${name}.${randomBytes(6).toString('hex')}.tmp`);
  const hash = createHash('sha256');
  let handle: FileHandle | undefined;
  let bytes = 0;
  let hashing = true;
  const put = async (chunk: Uint8Array) => {
    if (hashing) hash.update(chunk);
    bytes += chunk.length;
    let written = 0;
    while (written < chunk.length) written += (await (handle as FileHandle).write(chunk, written, chunk.length - written)).bytesWritten;
  };
  try {
    handle = await open(temp, 'wx', 0o600);
    await put(Buffer.from(`${JSON.stringify(header)}\n`));
    const sizes: { name: string; bytes: number }[] = [];
    for (const part of parts) {
      const start = bytes;
      if (part.content instanceof Uint8Array) await put(part.content);
      else for await (const piece of part.content) await put(typeof piece === 'string' ? Buffer.from(piece, 'utf8') : piece);
      sizes.push({ name: part.name, bytes: bytes - start });
    }
    // The parts may end in any byte: a line end of its own sets the trailer apart.
    await put(Buffer.from('\n'));
    const trailer = Buffer.from(`${JSON.stringify({ parts: sizes, sha256: hash.digest('hex') })}\n`);
    hashing = false;
    await put(trailer);
    await handle.sync();
    await handle.close();
    handle = undefined;
    await rename(temp, path);
    await syncDirectory(dir);
    return { path, bytes };
  } catch (error) {
    await handle?.close().catch(() => undefined);
    await rm(temp, { force: true }).catch(() => undefined);
    throw error;
  }
}

/** Reads and verifies a backup: the checksum first, then the shape. Throws BackupDamagedError naming the file. */
export async function readBackup(path: string): Promise<Backup> {
  let content: Buffer;
  try {
    content = await readFile(path);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    throw new BackupDamagedError(path, code === 'ENOENT' ? 'does not exist' : `cannot be read (${code ?? 'unknown'})`);
  }
  const end = content.length - 1;
  if (end < 1 || content[end] !== 0x0a) throw new BackupDamagedError(path, 'is cut short or is not a backup');
  const trailerStart = content.lastIndexOf(0x0a, end - 1) + 1;
  let trailer: { parts?: unknown; sha256?: unknown };
  try {
    trailer = JSON.parse(content.subarray(trailerStart, end).toString('utf8')) as typeof trailer;
  } catch {
    throw new BackupDamagedError(path, 'is cut short or is not a backup (no checksum at its end)');
  }
  const sha256 = createHash('sha256').update(content.subarray(0, trailerStart)).digest('hex');
  if (trailer.sha256 !== sha256) throw new BackupDamagedError(path, 'is damaged: its SHA-256 checksum does not match its content');
  const headerEnd = content.indexOf(0x0a);
  let header: Header;
  try {
    header = JSON.parse(content.subarray(0, headerEnd).toString('utf8')) as Header;
  } catch {
    throw new BackupDamagedError(path, 'has a header that cannot be read');
  }
  if (header.format !== 'tietosuoja-backup' || header.version !== 1 || (header.kind !== 'full' && header.kind !== 'journal')) {
    throw new BackupDamagedError(path, 'is not a backup this version can read');
  }
  const parts = new Map<string, Buffer>();
  let offset = headerEnd + 1;
  for (const part of Array.isArray(trailer.parts) ? (trailer.parts as { name: string; bytes: number }[]) : []) {
    parts.set(part.name, content.subarray(offset, offset + part.bytes));
    offset += part.bytes;
  }
  if (offset !== trailerStart - 1) throw new BackupDamagedError(path, 'has parts that do not add up to its size');
  return { path, header, parts, bytes: content.length };
}

/** Size and modification time of a file in dir, if it is there. */
export async function sizeAndTime(dir: string, name: string): Promise<{ bytes: number; mtime: Date } | undefined> {
  const info = await stat(join(dir, name)).catch(() => undefined);
  return info && { bytes: info.size, mtime: info.mtime };
}
