/**
 * Restore and check, for `npm run restore`: a full backup, or the state at a moment (the newest full backup
 * before it and the journal after it). Every file used is verified (checksum, then decryption and shape)
 * before anything changes; the restored data directory is built beside the old one and swapped in, and the
 * old one is kept aside as DATA_DIR.before-restore-<time>/. Refused while a server holds the data directory.
 *
 * Staff accounts and the audit log are not part of the store's history: the current ones stay when the data
 * directory has them, and come from the backup only when it does not. Staff sessions are not restored.
 */
import { mkdir, readdir, readFile, rename, rm, stat, unlink, writeFile } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import { AuditLog } from '../audit/index.ts';
import { KeyError, type Keys } from '../store/cipher.ts';
import type { AnyCollection } from '../store/collection.ts';
import { syncDirectory } from '../store/durable-file.ts';
import { acquireLock, StoreLockedError, type Lock } from '../store/lock.ts';
import { applyRecord, capture, snapshotFile, tablesOf } from '../store/snapshot.ts';
import type { Table } from '../store/table.ts';
import { listBackups, readBackup, type Backup } from './file.ts';
import { readFullStore, readSideFile, sideFiles, writeFull } from './full.ts';
import { readJournal } from './journal.ts';
import { queueDir } from './shipper.ts';

/** A restore or check that cannot go ahead; nothing was changed. */
export class RestoreError extends Error {
  override name = 'RestoreError';
}

export type RestoreOptions = {
  dataDir: string;
  backupDir: string;
  /** Reading: DATA_KEY (and unencrypted backups); writing the restored data: DATA_KEY. */
  keys: Keys;
  collections: AnyCollection[];
  /** Collections that start empty (staff sessions: everyone logs in again). */
  empty: string[];
  now: Date;
};

type State = { tables: Map<string, Table<unknown>>; seq: number; at: string; verified: number; notes: string[]; base: Backup | undefined };

/** Verifies one backup file through and through; the lines say what it holds. */
export async function check(path: string, keys: Keys, collections: AnyCollection[]): Promise<string[]> {
  const backup = await readBackup(path);
  const { header } = backup;
  if (header.kind === 'journal') {
    const records = readJournal(backup, keys);
    return [`OK: ${path}: journal records ${header.firstSeq}–${header.lastSeq} (${records.length}), ${header.firstAt} to ${header.lastAt}.`];
  }
  const { tables } = readFullStore(backup, collections, keys);
  for (const side of sideFiles) readSideFile(backup, side.name, keys);
  return [`OK: ${path}: full backup of ${header.at} (record ${header.seq}): ${counts(tables)}.`];
}

/** Verifies every backup in BACKUP_DIR; the lines name each damaged one. */
export async function checkAll(backupDir: string, keys: Keys, collections: AnyCollection[]): Promise<{ lines: string[]; damaged: number }> {
  const listed = await listBackups(backupDir).catch(() => {
    throw new RestoreError(`BACKUP_DIR ${backupDir} cannot be read`);
  });
  const lines: string[] = [];
  let damaged = 0;
  for (const entry of listed) {
    try {
      lines.push(...(await check(join(backupDir, entry.name), keys, collections)));
    } catch (error) {
      damaged += 1;
      lines.push(`${error instanceof KeyError ? 'NOT READ' : 'DAMAGED'}: ${(error as Error).message}`);
    }
  }
  lines.push(`${listed.length - damaged} of ${listed.length} backup files verified${damaged ? `, ${damaged} not` : ''}.`);
  return { lines, damaged };
}

/** Restores a full backup file, or the state at a moment; resolves with what it did, line by line. */
export async function restore(options: RestoreOptions, source: { file: string } | { at: Date }): Promise<string[]> {
  const dataDir = resolve(options.dataDir);
  const lock = await lockIfThere(dataDir);
  try {
    const state = 'file' in source ? await fromFile(source.file, options) : await fromMoment(source.at, options);
    for (const name of options.empty) {
      const table = state.tables.get(name);
      for (const key of [...(table?.keys() ?? [])]) table?.set(key, undefined);
    }
    // Records after the restore are numbered on from every record ever written, so no backup of the replaced
    // history shares a number with the new one; a restore to a later moment then starts from the full backup
    // taken below.
    state.seq = Math.max(state.seq, await highestRecord(dataDir, options.backupDir, options.keys));
    const stampText = options.now.toISOString().replace(/[-:.]/g, '');
    const building = `${dataDir}.restoring-${stampText}`;
    const aside = `${dataDir}.before-restore-${stampText}`;
    await mkdir(building, { mode: 0o700 });
    const { snapshot, kept } = await build(building, dataDir, state, options).catch(async (error: unknown) => {
      await rm(building, { recursive: true, force: true });
      throw error;
    });
    const replaced = await stat(dataDir).then(
      () => true,
      () => false,
    );
    if (replaced) await rename(dataDir, aside);
    await rename(building, dataDir);
    await syncDirectory(dirname(dataDir));
    if (replaced) await unlink(join(aside, 'db.lock')).catch(() => undefined);
    const lines = [
      `Verified ${state.verified} backup file${state.verified === 1 ? '' : 's'} (checksums and contents) before changing anything.`,
      ...state.notes,
      `Restored the state of ${state.at} into ${dataDir}: ${counts(state.tables)}.`,
    ];
    if (kept.length > 0) lines.push(`Kept the current ${kept.join(' and ')} (not part of the restored history).`);
    if (replaced) {
      lines.push(`The replaced data directory is kept at ${aside}.`);
      const waiting = await readdir(queueDir(aside)).catch(() => []);
      if (waiting.length > 0) lines.push(`${waiting.length} of its files had not reached BACKUP_DIR yet; they stay in ${queueDir(aside)}.`);
    }
    try {
      const full = await writeFull(options.backupDir, dataDir, { snapshot }, options.keys, options.now);
      lines.push(`Took a full backup of the restored state, for restores to later moments: ${full.path}`);
    } catch (error) {
      lines.push(`WARNING: no full backup of the restored state could be written to BACKUP_DIR (${(error as NodeJS.ErrnoException).code ?? 'unknown'}): take one with \`npm run backup\` once it takes writes.`);
    }
    return lines;
  } finally {
    await lock?.release();
  }
}

/** The restored data directory, beside the one it replaces: the snapshot, the side files and an audit line. */
async function build(building: string, dataDir: string, state: State, options: RestoreOptions) {
  const snapshot = capture(state.tables, state.seq, options.now);
  const low = snapshotFile(building, options.keys);
  low.data = snapshot;
  await low.write();
  const kept: string[] = [];
  for (const side of sideFiles) {
    const current = await readFile(join(dataDir, side.name)).catch(() => undefined);
    const bytes = current ?? (state.base && readSideFile(state.base, side.name, options.keys));
    if (current) kept.push(side.name);
    if (bytes) await writeFile(join(building, side.name), bytes, { mode: 0o600, flush: true });
  }
  const total = Object.fromEntries([...state.tables].map(([name, table]) => [name, table.size]));
  await new AuditLog(building).append({ actor: 'järjestelmä', action: 'restore', counts: total }, options.now);
  await syncDirectory(building);
  return { snapshot, kept };
}

/** Holds the data directory's lock while restoring, so no server starts on it; refuses when one holds it. */
async function lockIfThere(dataDir: string): Promise<Lock | undefined> {
  const exists = await stat(dataDir).then(
    () => true,
    () => false,
  );
  if (!exists) return undefined;
  try {
    return await acquireLock(dataDir);
  } catch (error) {
    if (error instanceof StoreLockedError) {
      throw new RestoreError(`a server holds the data directory ${dataDir} (db.lock): stop it first. Nothing was changed.`);
    }
    throw error;
  }
}

async function fromFile(file: string, options: RestoreOptions): Promise<State> {
  const base = await readBackup(resolve(file));
  if (base.header.kind !== 'full') throw new RestoreError(`${file} is a journal backup: restore a full backup, or use --at <time>`);
  const { tables, seq } = readFullStore(base, options.collections, options.keys);
  for (const side of sideFiles) readSideFile(base, side.name, options.keys);
  return { tables, seq, at: base.header.at, verified: 1, notes: [], base };
}

async function fromMoment(at: Date, options: RestoreOptions): Promise<State> {
  const moment = at.getTime();
  const listed = await listBackups(options.backupDir).catch(() => {
    throw new RestoreError(`BACKUP_DIR ${options.backupDir} cannot be read`);
  });
  // By the moment each holds: after a restore, a full backup of the new history may share a record number with one of the old.
  const fulls = listed.filter((entry) => entry.kind === 'full').sort((a, b) => Date.parse(a.at) - Date.parse(b.at));
  const baseEntry = fulls.filter((entry) => Date.parse(entry.at) <= moment).at(-1);
  // Without a full backup from before the moment, a journal from the very first record starts from the empty store.
  const fromStart = !baseEntry && listed.some((entry) => entry.kind === 'journal' && entry.firstSeq === 1);
  if (!baseEntry && !fromStart) {
    const oldest = fulls[0];
    throw new RestoreError(`BACKUP_DIR has no full backup from before ${at.toISOString()}${oldest ? `; the oldest is from ${oldest.at}` : ''}`);
  }
  const base = baseEntry && (await readBackup(join(options.backupDir, baseEntry.name)));
  const { tables, seq: baseSeq } = base ? readFullStore(base, options.collections, options.keys) : tablesOf({ version: 2, seq: 0 }, options.collections, 'the empty store');
  for (const side of sideFiles) if (base) readSideFile(base, side.name, options.keys);
  // Every journal after the base is verified before anything is applied.
  const records = new Map<number, { at: string; record: Parameters<typeof applyRecord>[1] }>();
  let verified = base ? 1 : 0;
  for (const entry of listed) {
    if (entry.kind !== 'journal' || entry.lastSeq <= baseSeq) continue;
    for (const record of readJournal(await readBackup(join(options.backupDir, entry.name)), options.keys)) records.set(record.seq, { at: record.at, record });
    verified += 1;
  }
  let seq = baseSeq;
  let stateAt = baseEntry?.at ?? 'the first record';
  for (let next = records.get(seq + 1); next && Date.parse(next.at) <= moment; next = records.get(seq + 1)) {
    try {
      applyRecord(tables, next.record);
    } catch (error) {
      throw new RestoreError(`journal record ${seq + 1} in BACKUP_DIR cannot be applied (${(error as Error).message}); nothing was changed`);
    }
    seq += 1;
    stateAt = next.at;
  }
  const after = baseEntry ? `the full backup ${baseEntry.name} (record ${baseSeq})` : 'the empty store (no full backup is older)';
  const notes = [`Applied ${seq - baseSeq} journal record${seq - baseSeq === 1 ? '' : 's'} after ${after}.`];
  if (!records.has(seq + 1)) {
    const later = [...records.keys()].filter((n) => n > seq);
    if (later.length > 0) {
      throw new RestoreError(
        `journal record ${seq + 1} is missing from BACKUP_DIR (the next there is ${Math.min(...later)}), so the state at ${at.toISOString()} cannot be rebuilt; ` +
          `the latest moment that can be is ${stateAt}. Nothing was changed.`,
      );
    }
    if (Date.parse(stateAt) < moment) notes.push(`The backups hold changes up to ${stateAt}; nothing later had reached BACKUP_DIR.`);
  }
  return { tables, seq, at: at.toISOString(), verified, notes, base };
}

/** The highest record number in the data directory (its journal and backup queue) and BACKUP_DIR. */
async function highestRecord(dataDir: string, backupDir: string, keys: Keys): Promise<number> {
  let highest = 0;
  for (const entry of await listBackups(backupDir).catch(() => [])) highest = Math.max(highest, entry.kind === 'full' ? entry.seq : entry.lastSeq);
  for (const dir of [dataDir, queueDir(dataDir)]) {
    for (const name of await readdir(dir).catch(() => [])) {
      const match = /^journal-(\d{12})\.jsonl$/.exec(name);
      if (!match) continue;
      const content = await readFile(join(dir, name));
      let lines = 0;
      for (let i = content.indexOf(0x0a); i !== -1; i = content.indexOf(0x0a, i + 1)) lines += 1;
      highest = Math.max(highest, Number(match[1]) + lines - 1);
    }
  }
  // Without a journal, the snapshot names its record; an unreadable one (the reason to restore) counts nothing.
  const snapshot = snapshotFile(dataDir, keys);
  await snapshot.read().catch(() => undefined);
  return Math.max(highest, snapshot.data.seq);
}

function counts(tables: Map<string, Table<unknown>>): string {
  return [...tables].map(([name, table]) => `${name} ${table.size}`).join(', ');
}
