/** Journal backups: a sealed segment shipped as it is, with the range of records and times it holds. */
import { createReadStream } from 'node:fs';
import type { Keys } from '../store/cipher.ts';
import { parse, type JournalRecord } from '../store/journal.ts';
import { BackupDamagedError, writeBackup, type Backup, type JournalHeader } from './file.ts';

/** The records of a segment's bytes, in order; a line that does not verify is `damaged(offset)`. */
export function recordsOf(segment: Buffer, keys: Keys, where: string, damaged: (offset: number) => Error): JournalRecord[] {
  const records: JournalRecord[] = [];
  let offset = 0;
  while (offset < segment.length) {
    const newline = segment.indexOf(0x0a, offset);
    if (newline === -1) throw damaged(offset);
    const record = parse(segment.subarray(offset, newline), keys, where);
    if (!record || (records.length > 0 && record.seq !== (records.at(-1) as JournalRecord).seq + 1)) throw damaged(offset);
    records.push(record);
    offset = newline + 1;
  }
  return records;
}

/**
 * A sealed segment's first and last records and its number of lines, read as a stream (a segment can be large
 * and the server is serving): what its backup's header names. Every line is verified when the backup is
 * checked or restored. Undefined for a segment without records.
 */
export async function endsOf(path: string, keys: Keys): Promise<{ first: JournalRecord; last: JournalRecord } | undefined> {
  let firstLine: Buffer | undefined;
  let lastLine: Buffer | undefined;
  let lines = 0;
  let tail: Buffer[] = [];
  for await (const chunk of createReadStream(path, { highWaterMark: 1 << 20 }) as AsyncIterable<Buffer>) {
    let offset = 0;
    for (let newline = chunk.indexOf(0x0a); newline !== -1; newline = chunk.indexOf(0x0a, offset)) {
      const piece = chunk.subarray(offset, newline);
      const line = tail.length > 0 ? Buffer.concat([...tail, piece]) : piece;
      tail = [];
      lines += 1;
      firstLine ??= Buffer.from(line);
      lastLine = line;
      offset = newline + 1;
    }
    if (offset < chunk.length) tail.push(chunk.subarray(offset));
  }
  if (!firstLine || !lastLine) return undefined;
  const first = parse(firstLine, keys, path);
  const last = parse(lastLine, keys, path);
  if (tail.length > 0 || !first || !last || last.seq !== first.seq + lines - 1) throw new Error(`${path} is not a whole journal segment`);
  return { first, last };
}

/** Copies a sealed segment into BACKUP_DIR as a journal backup; undefined for a segment without records. */
export async function writeJournal(backupDir: string, path: string, keys: Keys, now: Date) {
  const ends = await endsOf(path, keys);
  if (!ends) return undefined;
  const { first, last } = ends;
  const header: JournalHeader = {
    format: 'tietosuoja-backup',
    version: 1,
    kind: 'journal',
    createdAt: now.toISOString(),
    keyId: keys.write?.id ?? null,
    firstSeq: first.seq,
    lastSeq: last.seq,
    firstAt: first.at,
    lastAt: last.at,
  };
  return { ...(await writeBackup(backupDir, header, [{ name: 'journal.jsonl', content: createReadStream(path) }])), header };
}

/** A journal backup's records, verified line by line. */
export function readJournal(backup: Backup, keys: Keys): JournalRecord[] {
  const segment = backup.parts.get('journal.jsonl');
  if (backup.header.kind !== 'journal' || !segment) throw new BackupDamagedError(backup.path, 'is not a journal backup');
  const { firstSeq, lastSeq } = backup.header;
  const records = recordsOf(segment, keys, `The journal in ${backup.path}`, (offset) => new BackupDamagedError(backup.path, `has a damaged record at byte offset ${offset} of its journal`));
  if (records[0]?.seq !== firstSeq || records.at(-1)?.seq !== lastSeq) throw new BackupDamagedError(backup.path, 'does not hold the records its header names');
  return records;
}
