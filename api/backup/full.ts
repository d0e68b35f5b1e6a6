/**
 * Full backups: the store's snapshot at one record (as db.json holds it), with the staff accounts and the audit
 * log beside it, sealed with DATA_KEY when it is set; and how one is read back into tables.
 */
import { createReadStream } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { openFile, sealFile, type Keys } from '../store/cipher.ts';
import type { AnyCollection } from '../store/collection.ts';
import { encodeJSON, StoreCorruptError } from '../store/durable-file.ts';
import { tablesOf, type Snapshot } from '../store/snapshot.ts';
import type { Table } from '../store/table.ts';
import { BackupDamagedError, writeBackup, type Backup, type FullHeader, type PartSource } from './file.ts';

/** The files beside the store that a full backup keeps; they are not encrypted in the data directory. */
export const sideFiles = [
  { name: 'staff.json', kind: 'staff' },
  { name: 'audit.jsonl', kind: 'audit' },
] as const;

/**
 * Writes a full backup into backupDir: `snapshot` (captured by the store) or the bytes of a snapshot file
 * the store handed off (record `seq`, taken at `at`), and the side files as dataDir holds them now.
 */
export async function writeFull(
  backupDir: string,
  dataDir: string,
  source: { snapshot: Snapshot & { at: string } } | { file: string; seq: number; at: string },
  keys: Keys,
  now: Date,
): Promise<{ path: string; bytes: number; header: FullHeader }> {
  const [seq, at] = 'snapshot' in source ? [source.snapshot.seq, source.snapshot.at] : [source.seq, source.at];
  const header: FullHeader = { format: 'tietosuoja-backup', version: 1, kind: 'full', createdAt: now.toISOString(), keyId: keys.write?.id ?? null, seq, at };
  // Streamed either way: a snapshot can be tens of megabytes, and the server is serving meanwhile.
  const db = 'snapshot' in source ? encodeJSON(source.snapshot, { keys, kind: 'snapshot' }) : (createReadStream(source.file) as AsyncIterable<Buffer>);
  const parts: PartSource[] = [{ name: 'db.json', content: db }];
  for (const side of sideFiles) {
    const bytes = await readFile(join(dataDir, side.name)).catch((error: NodeJS.ErrnoException) => {
      if (error.code === 'ENOENT') return undefined;
      throw error;
    });
    if (bytes) parts.push({ name: side.name, content: keys.write ? sealFile(keys.write, side.kind, bytes) : bytes });
  }
  return { ...(await writeBackup(backupDir, header, parts)), header };
}

/** What a command prints for a full backup it took: the path comes last, for scripts. */
export function describeFull(written: { path: string; bytes: number; header: FullHeader }): string[] {
  return [`Full backup of the state at ${written.header.at} (record ${written.header.seq}), ${written.bytes} bytes, checksum inside:`, written.path];
}

/** A full backup's store, as tables, with the record it ends at. */
export function readFullStore(backup: Backup, collections: AnyCollection[], keys: Keys): { tables: Map<string, Table<unknown>>; seq: number } {
  const db = backup.parts.get('db.json');
  if (backup.header.kind !== 'full' || !db) throw new BackupDamagedError(backup.path, 'is not a full backup');
  const damaged = (problem: string) => new BackupDamagedError(backup.path, `holds a store that ${problem}`);
  const plain = openFile(db, keys, 'snapshot', `The store in ${backup.path}`, damaged);
  let data: unknown;
  try {
    data = JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(plain));
  } catch {
    throw damaged('is not valid JSON');
  }
  try {
    return tablesOf(data, collections, backup.path);
  } catch (error) {
    if (error instanceof StoreCorruptError) throw damaged('cannot be read');
    throw error;
  }
}

/** A side file's plain bytes from a full backup, or undefined when the backup has none. */
export function readSideFile(backup: Backup, name: (typeof sideFiles)[number]['name'], keys: Keys): Buffer | undefined {
  const side = sideFiles.find((s) => s.name === name) as (typeof sideFiles)[number];
  const bytes = backup.parts.get(name);
  return bytes && openFile(bytes, keys, side.kind, `${name} in ${backup.path}`, (problem) => new BackupDamagedError(backup.path, `holds ${name} that ${problem}`));
}
