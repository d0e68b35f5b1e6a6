/** Journal backups: a sealed segment shipped as it is, with the range of records and times it holds. */
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

/** Writes a sealed segment's bytes as a journal backup; undefined for a segment without records. */
export async function writeJournal(backupDir: string, segment: Buffer, records: JournalRecord[], keys: Keys, now: Date) {
  const first = records[0];
  const last = records.at(-1);
  if (!first || !last) return undefined;
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
  return { ...(await writeBackup(backupDir, header, [{ name: 'journal.jsonl', content: segment }])), header };
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
