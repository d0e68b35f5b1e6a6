/**
 * The journal beside the snapshot: segments DATA_DIR/journal-<first seq>.jsonl, each line one committed batch
 * `{ seq, at, changes: [{ collection, key, value } | { collection, key, deleted: true }] }`, appended and
 * fsync'd before the batch is acknowledged. Sequence numbers run on without a gap across segments; the
 * snapshot names the last one it holds, so a record it already holds is skipped on replay, never applied twice.
 */
import { open, readdir, readFile, type FileHandle } from 'node:fs/promises';
import { join } from 'node:path';
import { noKeys, openLine, type Keys } from './cipher.ts';
import { StoreCorruptError, syncDirectory } from './durable-file.ts';

export type Change = { collection: string; key: string; value?: unknown; deleted?: true };
export type JournalRecord = { seq: number; at: string; changes: Change[] };
export type Segment = { name: string; firstSeq: number };

const pattern = /^journal-(\d{12})\.jsonl$/;

function segmentName(firstSeq: number): string {
  return `journal-${String(firstSeq).padStart(12, '0')}.jsonl`;
}

/** The journal's segments in the data directory, oldest first. */
export async function listSegments(dir: string): Promise<Segment[]> {
  const segments: Segment[] = [];
  for (const name of await readdir(dir)) {
    const match = pattern.exec(name);
    if (match) segments.push({ name, firstSeq: Number(match[1]) });
  }
  return segments.sort((a, b) => a.firstSeq - b.firstSeq);
}

export type Replay = {
  segments: Segment[];
  /** The last sequence number in the journal (or the snapshot's, when the journal holds nothing newer). */
  lastSeq: number;
  /** Bytes of the records newer than the snapshot. */
  bytes: number;
  /** Where the last segment's whole records end; past it lies a torn record, or nothing. */
  validEnd: number;
  torn: { path: string; offset: number; bytes: number } | undefined;
};

/**
 * Reads every segment and hands each record newer than `afterSeq` to `apply`, in order. A torn last record (a
 * crash mid-append) is left out and reported; any other record that does not parse, or a gap in the sequence,
 * is refused with the file and the byte offset. Reads only: the files are not changed.
 */
export async function replay(dir: string, afterSeq: number, apply: (record: JournalRecord) => void, keys: Keys = noKeys): Promise<Replay> {
  const segments = await listSegments(dir);
  let expected = segments[0]?.firstSeq ?? afterSeq + 1;
  if (expected > afterSeq + 1) {
    throw new StoreCorruptError(join(dir, segments[0]?.name ?? ''), `starts at record ${expected}, but the snapshot ends at record ${afterSeq}: records are missing`);
  }
  let bytes = 0;
  let validEnd = 0;
  let torn: Replay['torn'];
  for (const [i, segment] of segments.entries()) {
    const path = join(dir, segment.name);
    if (segment.firstSeq !== expected) {
      throw new StoreCorruptError(path, `starts at record ${segment.firstSeq}, but the segment before it ends at record ${expected - 1}`);
    }
    const content = await readFile(path);
    const last = i === segments.length - 1;
    let offset = 0;
    validEnd = 0;
    while (offset < content.length) {
      const newline = content.indexOf(0x0a, offset);
      const end = newline === -1 ? content.length : newline + 1;
      const record = parse(content.subarray(offset, newline === -1 ? end : newline), keys, path);
      if (!record) {
        // Only the very last record can be torn: a crash stopped its append, so it was never acknowledged.
        if (last && end === content.length) {
          torn = { path, offset, bytes: end - offset };
          break;
        }
        throw new StoreCorruptError(path, `has a damaged record at byte offset ${offset}`);
      }
      if (record.seq !== expected) {
        throw new StoreCorruptError(path, `has record ${record.seq} at byte offset ${offset} where record ${expected} belongs`);
      }
      if (newline === -1) {
        // Complete JSON but no line end: the append stopped just short of it; the record was never acknowledged.
        torn = { path, offset, bytes: end - offset };
        break;
      }
      if (record.seq > afterSeq) {
        try {
          apply(record);
        } catch (error) {
          throw new StoreCorruptError(path, `has a record at byte offset ${offset} that cannot be applied (${(error as Error).message})`);
        }
        bytes += end - offset;
      }
      expected += 1;
      offset = end;
      validEnd = end;
    }
  }
  return { segments, lastSeq: Math.max(afterSeq, expected - 1), bytes, validEnd, torn };
}

/** fatal: a lenient decoder would turn bad bytes into U+FFFD, and the next snapshot would make that permanent. */
const decoder = new TextDecoder('utf-8', { fatal: true });

/** A line as a record; undefined when it does not parse or verify. A missing or wrong key throws KeyError. */
export function parse(line: Buffer, keys: Keys, where: string): JournalRecord | undefined {
  const bytes = openLine(keys, line, where);
  if (!bytes) return undefined;
  let value: unknown;
  try {
    value = JSON.parse(decoder.decode(bytes));
  } catch {
    return undefined;
  }
  if (typeof value !== 'object' || value === null) return undefined;
  const { seq, at, changes } = value as Partial<JournalRecord>;
  if (!Number.isSafeInteger(seq) || typeof at !== 'string' || !Array.isArray(changes)) return undefined;
  const valid = changes.every(
    (change: unknown) =>
      typeof change === 'object' &&
      change !== null &&
      typeof (change as Change).collection === 'string' &&
      typeof (change as Change).key === 'string' &&
      ((change as Change).deleted === true || typeof (change as Change).value === 'object'),
  );
  return valid ? (value as JournalRecord) : undefined;
}

/** Appends to the newest segment; each append is on disk when it resolves, or undone when it fails. */
export class JournalWriter {
  readonly segment: Segment;
  readonly #handle: FileHandle;
  #end: number;
  /** A failed append may have left part of a record that could not be cut off yet; it is cut before the next. */
  #dirty = false;

  private constructor(segment: Segment, handle: FileHandle, end: number) {
    this.segment = segment;
    this.#handle = handle;
    this.#end = end;
  }

  /** Starts a new segment whose first record will be `firstSeq`. */
  static async create(dir: string, firstSeq: number): Promise<JournalWriter> {
    const segment = { name: segmentName(firstSeq), firstSeq };
    const handle = await open(join(dir, segment.name), 'wx', 0o600);
    try {
      await syncDirectory(dir);
    } catch (error) {
      await handle.close();
      throw error;
    }
    return new JournalWriter(segment, handle, 0);
  }

  /** Continues an existing segment after its last valid record, cutting off a torn one. */
  static async resume(dir: string, segment: Segment, validEnd: number): Promise<JournalWriter> {
    const handle = await open(join(dir, segment.name), 'r+');
    try {
      if ((await handle.stat()).size !== validEnd) {
        await handle.truncate(validEnd);
        await handle.sync();
      }
    } catch (error) {
      await handle.close();
      throw error;
    }
    return new JournalWriter(segment, handle, validEnd);
  }

  /** Bytes in this segment. */
  get size(): number {
    return this.#end;
  }

  async append(line: Buffer): Promise<void> {
    try {
      if (this.#dirty) {
        await this.#handle.truncate(this.#end);
        this.#dirty = false;
      }
      let written = 0;
      while (written < line.length) {
        const { bytesWritten } = await this.#handle.write(line, written, line.length - written, this.#end + written);
        written += bytesWritten;
      }
      await this.#handle.datasync();
      this.#end += line.length;
    } catch (error) {
      // A full disk can take part of a record: cut it off, so the segment ends with whole records only.
      await this.#handle.truncate(this.#end).catch(() => (this.#dirty = true));
      throw error;
    }
  }

  close(): Promise<void> {
    return this.#handle.close();
  }
}
