/**
 * The audit log, DATA_DIR/audit.jsonl: one JSON line per log-in, refusal, log-out, opened request, action, export
 * and account change, appended and fsync'd before the caller goes on. It holds usernames, references, client
 * addresses and counts (a purge is one line of how many requests it changed) only, never a data subject's name,
 * e-mail or text.
 *
 * Each line carries `prev`, the SHA-256 of the line before it, so an edited, removed or moved line breaks the
 * chain and verify() names where. Removing the newest lines from the end cannot be seen this way, as no line
 * after them commits to them: only a copy kept elsewhere (the backups) shows that. Lines written before the chain
 * existed are committed to as a whole by the `audit_chain_start` line written after them. The server and the staff
 * command both append, so an append holds DATA_DIR/audit.lock while it reads the last line and writes its own.
 */
import { hash } from 'node:crypto';
import { mkdir, open, stat, unlink, type FileHandle } from 'node:fs/promises';
import { join } from 'node:path';
import { takeWriterLock } from '../store/lock.ts';

export const refusalReasons = [
  'wrong_password',
  'wrong_code',
  'missing_code',
  'locked',
  'unknown_user',
  'disabled',
  'forbidden',
  'no_session',
] as const;

export type RefusalReason = (typeof refusalReasons)[number];

export const reasonNames: Record<RefusalReason, string> = {
  wrong_password: 'väärä salasana',
  wrong_code: 'väärä tunnistuskoodi',
  missing_code: 'tunnistuskoodi puuttui',
  locked: 'estetty toistuvien virheiden vuoksi',
  unknown_user: 'tuntematon käyttäjätunnus',
  disabled: 'tunnus poistettu käytöstä',
  forbidden: 'ei oikeutta (rooli)',
  no_session: 'ei istuntoa',
};

/** The actions about requests and bans: the part of the log a handler may see. */
export const requestAuditActions: readonly string[] = [
  'view_request',
  'start',
  'extend',
  'complete',
  'reject',
  'forward',
  'note',
  'transfer',
  'download',
  'export_requests',
  'export_bans',
  'view_bans',
  'purge',
];

export type AuditEntry = {
  at: string;
  actor: string;
  action: string;
  id?: string;
  counts?: Record<string, number>;
  /** The client's address. */
  address?: string;
  /** Why access was refused, on a refusal. */
  reason?: RefusalReason;
  /** In the file only: the SHA-256 (base64url) of the line before. read() and page() leave it out. */
  prev?: string;
};

export type AuditFilter = { actor?: string; action?: string; limit?: number };

export type AuditQuery = {
  actor?: string;
  action?: string;
  /** Only these actions, for roles that see part of the log. */
  actions?: readonly string[];
  offset: number;
  limit: number;
};

/**
 * The chain's state. `line` (1-based) is the first line whose `prev` does not match the line before it: that
 * line or the one before it was changed, or lines between them were removed or moved. `torn` names lines cut
 * short by a crash that the chain still runs over.
 */
export type ChainCheck = { ok: true; lines: number; torn?: number[] } | { ok: false; lines: number; line: number; message: string };

const lockRetryMs = 10;
/** A lock this old was left by a process that died while holding it. */
const staleLockMs = 10_000;
/** How much of the file's end an append reads first to find the last line. */
const tailBytes = 64 * 1024;
const newline = 0x0a;

type FileKey = { ino: number; size: number; mtimeMs: number };

export class AuditLog {
  readonly #dir: string;
  readonly #path: string;
  readonly #lock: string;
  /** Appends of this process, one after another, so lines never interleave. */
  #last: Promise<void> = Promise.resolve();
  /** The file as this process last wrote it; another size means another process appended since. */
  #tail: { ino: number; size: number; hash: string } | undefined;
  #checked: { key: FileKey; result: ChainCheck; walk?: Walk & { digest: string } } | undefined;
  /** The entries of the file's complete lines, oldest first, up to byte `upTo`. */
  #parsed: { key: FileKey; upTo: number; entries: readonly AuditEntry[] } | undefined;

  constructor(dataDir: string) {
    this.#dir = dataDir;
    this.#path = join(dataDir, 'audit.jsonl');
    this.#lock = join(dataDir, 'audit.lock');
  }

  get path(): string {
    return this.#path;
  }

  append(entry: Omit<AuditEntry, 'at' | 'prev'>, at: Date): Promise<void> {
    const written = this.#last.then(() => this.#write({ at: at.toISOString(), ...entry }));
    this.#last = written.catch(() => undefined);
    return written;
  }

  /** Newest first. */
  async read({ actor, action, limit = 500 }: AuditFilter = {}): Promise<AuditEntry[]> {
    return (await this.page({ ...(actor ? { actor } : {}), ...(action ? { action } : {}), offset: 0, limit })).entries;
  }

  /**
   * One page of the matching entries, newest first, and how many match. Lines are read up to the last newline;
   * a line that does not parse (torn by a crash mid-write) is skipped.
   */
  async page({ actor, action, actions, offset, limit }: AuditQuery): Promise<{ entries: AuditEntry[]; total: number }> {
    const all = await this.#entries();
    const allowed = actions && new Set(actions);
    const entries: AuditEntry[] = [];
    let total = 0;
    for (let i = all.length - 1; i >= 0; i--) {
      const entry = all[i] as AuditEntry;
      if ((actor && entry.actor !== actor) || (action && entry.action !== action) || (allowed && !allowed.has(entry.action))) continue;
      if (total >= offset && entries.length < limit) entries.push(entry);
      total++;
    }
    return { entries, total };
  }

  /**
   * Walks the chain; the answer is kept until the file changes. When the file has only grown since the last walk,
   * the part walked before is checked by one digest of its bytes (any change to it shows) and only the new lines
   * are walked, so the staff audit page stays fast on a long log.
   */
  async verify(): Promise<ChainCheck> {
    const info = await stat(this.#path).catch(ignoreMissing);
    if (!info) return { ok: true, lines: 0 };
    if (this.#checked && sameFile(this.#checked.key, info)) return this.#checked.result;
    const file = await this.#readAll();
    if (!file) return { ok: true, lines: 0 };
    const earlier = this.#checked;
    const resume =
      earlier?.walk && earlier.key.ino === file.key.ino && file.bytes.length >= earlier.walk.upTo && digest(file.bytes.subarray(0, earlier.walk.upTo)) === earlier.walk.digest
        ? earlier.walk
        : undefined;
    const { result, walk } = checkChain(file.bytes, resume);
    this.#checked = { key: file.key, result, ...(walk ? { walk: { ...walk, digest: digest(file.bytes.subarray(0, walk.upTo)) } } : {}) };
    return result;
  }

  async #write(entry: AuditEntry): Promise<void> {
    await mkdir(this.#dir, { recursive: true, mode: 0o700 });
    // Held by an append of this or another process; one left behind by a process that died is taken over.
    await takeWriterLock(this.#lock, { staleMs: staleLockMs, retryMs: lockRetryMs });
    try {
      const handle = await open(this.#path, 'a+', 0o600);
      try {
        const { ino, size } = await handle.stat();
        const tail =
          this.#tail?.ino === ino && this.#tail.size === size ? { prev: this.#tail.hash, torn: false, legacy: false } : await readTail(handle, size);
        let text = tail.torn ? '\n' : '';
        let prev = tail.prev;
        if (tail.legacy) {
          const start = JSON.stringify({ at: entry.at, actor: 'järjestelmä', action: 'audit_chain_start', prev });
          text += `${start}\n`;
          prev = digest(start);
        }
        const line = JSON.stringify({ ...entry, prev });
        const bytes = Buffer.from(`${text}${line}\n`);
        await handle.write(bytes);
        await handle.sync();
        this.#tail = { ino, size: size + bytes.length, hash: digest(line) };
      } finally {
        await handle.close();
      }
    } finally {
      await unlink(this.#lock).catch(() => undefined);
    }
  }

  /** The parsed entries, re-reading only what was appended when the file has just grown. */
  async #entries(): Promise<readonly AuditEntry[]> {
    const handle = await open(this.#path, 'r').catch(ignoreMissing);
    if (!handle) return [];
    try {
      const key = keyOf(await handle.stat());
      const cached = this.#parsed;
      if (cached && sameFile(cached.key, key)) return cached.entries;
      const grown = cached && cached.key.ino === key.ino && key.size > cached.key.size ? cached : undefined;
      const from = grown?.upTo ?? 0;
      const bytes = await readRange(handle, from, key.size);
      const added: AuditEntry[] = [];
      let start = 0;
      for (let end = bytes.indexOf(newline); end !== -1; end = bytes.indexOf(newline, start)) {
        const entry = toEntry(bytes.toString('utf8', start, end));
        if (entry) added.push(entry);
        start = end + 1;
      }
      const entries = grown ? grown.entries.concat(added) : added;
      this.#parsed = { key, upTo: from + start, entries };
      return entries;
    } finally {
      await handle.close();
    }
  }

  async #readAll(): Promise<{ key: FileKey; bytes: Buffer } | undefined> {
    const handle = await open(this.#path, 'r').catch(ignoreMissing);
    if (!handle) return undefined;
    try {
      const key = keyOf(await handle.stat());
      return { key, bytes: await readRange(handle, 0, key.size) };
    } finally {
      await handle.close();
    }
  }
}

/** What an append needs of the file: the previous line's hash, whether it ends torn, whether it is unchained. */
type Tail = { prev: string; torn: boolean; legacy: boolean };

/**
 * Reads the file's end back to its last line that parses. A file written before the chain (its last entry has no
 * `prev`, or no line parses) is legacy: the chain then starts from the hash of all its bytes.
 */
async function readTail(handle: FileHandle, size: number): Promise<Tail> {
  if (size === 0) return { prev: '', torn: false, legacy: false };
  for (let span = tailBytes; ; span *= 2) {
    const from = Math.max(0, size - span);
    const bytes = await readRange(handle, from, size);
    const torn = bytes[bytes.length - 1] !== newline;
    // The first piece of a chunk that does not start the file may be part of a longer line.
    const lines = lineRanges(bytes).slice(from > 0 ? 1 : 0);
    const last = lines.at(-1);
    if (!last) continue;
    let kind: string | null | undefined;
    for (let i = lines.length - 1; i >= 0 && kind === undefined; i--) kind = prevOf(bytes.toString('utf8', ...(lines[i] as [number, number])));
    if (typeof kind === 'string') return { prev: digest(bytes.subarray(...last)), torn, legacy: false };
    if (kind === null || from === 0) {
      const all = from === 0 ? bytes : await readRange(handle, 0, size);
      return { prev: digest(torn ? Buffer.concat([all, Buffer.from('\n')]) : all), torn, legacy: true };
    }
  }
}

/** [start, end) of each line, the newline left out; an unfinished last line included. */
function lineRanges(bytes: Buffer): [number, number][] {
  const ranges: [number, number][] = [];
  for (let start = 0; start < bytes.length;) {
    const found = bytes.indexOf(newline, start);
    const end = found === -1 ? bytes.length : found;
    ranges.push([start, end]);
    start = end + 1;
  }
  return ranges;
}

/**
 * Where a walk of the chain stopped, to go on from when the file has grown: `upTo` is the end of the last
 * complete line walked (a torn line at the very end is walked again once it may be complete).
 */
type Walk = { upTo: number; lines: number; chained: boolean; before: [number, number]; torn: number[] };

/**
 * Walks every line from `from` (the start, or a walk of the same bytes' beginning): each chained line's `prev`
 * must be the hash of the line before it (see ChainCheck). A broken chain gives no walk to go on from.
 */
function checkChain(bytes: Buffer, from?: Walk): { result: ChainCheck; walk?: Walk } {
  const torn = [...(from?.torn ?? [])];
  let chained = from?.chained ?? false;
  let line = from?.lines ?? 0;
  let before: [number, number] = from?.before ?? [0, 0];
  let walk: Walk = from ?? { upTo: 0, lines: 0, chained: false, before: [0, 0], torn: [] };
  for (let start = from?.upTo ?? 0; start < bytes.length;) {
    const found = bytes.indexOf(newline, start);
    const end = found === -1 ? bytes.length : found;
    line++;
    const prev = prevOf(bytes.toString('utf8', start, end));
    if (prev === undefined) torn.push(line);
    else if (prev === null && chained) return { result: { ok: false, lines: countLines(bytes), line, message: unchained(line) } };
    else if (prev !== null) {
      const expected = chained ? digest(bytes.subarray(...before)) : line === 1 ? '' : digest(bytes.subarray(0, start));
      if (prev !== expected) return { result: { ok: false, lines: countLines(bytes), line, message: broken(line) } };
      chained = true;
    }
    before = [start, end];
    start = end + 1;
    if (found !== -1) walk = { upTo: start, lines: line, chained, before, torn: [...torn] };
  }
  return { result: torn.length > 0 ? { ok: true, lines: line, torn } : { ok: true, lines: line }, walk };
}

function countLines(bytes: Buffer): number {
  let lines = bytes.length > 0 && bytes[bytes.length - 1] !== newline ? 1 : 0;
  for (let at = bytes.indexOf(newline); at !== -1; at = bytes.indexOf(newline, at + 1)) lines++;
  return lines;
}

function unchained(line: number): string {
  return `Rivi ${line}: rivi ei kuulu ketjuun, koska siitä puuttuu edellisen rivin tiiviste. Se on lisätty tai sitä on muutettu jälkikäteen.`;
}

function broken(line: number): string {
  return line === 1
    ? 'Rivi 1: ketju katkeaa. Rivin 1 sisältöä on muutettu, tai tiedoston alusta on poistettu rivejä.'
    : `Rivi ${line}: ketju katkeaa. Rivin ${line} tai sitä edeltävän rivin sisältöä on muutettu, tai niiden väliltä on poistettu tai siirretty rivejä.`;
}

/** A chained line's `prev`; null for a line written before the chain; undefined for one that does not parse. */
function prevOf(line: string): string | null | undefined {
  try {
    const value: unknown = JSON.parse(line);
    if (typeof value !== 'object' || value === null || Array.isArray(value)) return undefined;
    const { prev } = value as { prev?: unknown };
    return typeof prev === 'string' ? prev : null;
  } catch {
    return undefined;
  }
}

function toEntry(line: string): AuditEntry | undefined {
  try {
    const { prev: _prev, ...value } = JSON.parse(line) as Partial<AuditEntry>;
    if (typeof value.at !== 'string' || typeof value.actor !== 'string' || typeof value.action !== 'string') return undefined;
    if (value.counts !== undefined && !isCounts(value.counts)) delete value.counts;
    if (value.address !== undefined && typeof value.address !== 'string') delete value.address;
    if (value.reason !== undefined && !refusalReasons.includes(value.reason)) delete value.reason;
    return value as AuditEntry;
  } catch {
    return undefined;
  }
}

function isCounts(value: unknown): value is Record<string, number> {
  return typeof value === 'object' && value !== null && !Array.isArray(value) && Object.values(value).every((n) => Number.isFinite(n));
}

function digest(data: string | Buffer): string {
  return hash('sha256', data, 'base64url');
}

async function readRange(handle: FileHandle, from: number, to: number): Promise<Buffer> {
  const bytes = Buffer.alloc(to - from);
  let done = 0;
  while (done < bytes.length) {
    const { bytesRead } = await handle.read(bytes, done, bytes.length - done, from + done);
    if (bytesRead === 0) return bytes.subarray(0, done);
    done += bytesRead;
  }
  return bytes;
}

function keyOf({ ino, size, mtimeMs }: FileKey): FileKey {
  return { ino, size, mtimeMs };
}

function sameFile(a: FileKey, b: FileKey): boolean {
  return a.ino === b.ino && a.size === b.size && a.mtimeMs === b.mtimeMs;
}

function ignoreMissing(error: NodeJS.ErrnoException): undefined {
  if (error.code === 'ENOENT') return undefined;
  throw error;
}
