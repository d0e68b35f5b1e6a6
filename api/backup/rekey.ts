/**
 * `npm run rekey`: everything encrypted at rest re-encrypted under NEW_DATA_KEY — the store (its journal is
 * folded into a new snapshot), the answer files, the files waiting for the backups, and every backup in BACKUP_DIR. DATA_KEY is
 * the key it was encrypted with (unset: the data is plain and gets encrypted). Each file is replaced whole, so
 * a rekey cut short by a crash can be run again with the same two keys: files already under the new key are
 * read with it and left as they are. Refused while a server holds the data directory.
 */
import { readdir, readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { isEncrypted, keysOf, openFile, sealFile, sealLine, type DataKey, type Keys } from '../store/cipher.ts';
import type { AnyCollection } from '../store/collection.ts';
import { StoreCorruptError, writeFileDurably } from '../store/durable-file.ts';
import { Store } from '../store/store.ts';
import { BackupDamagedError, listBackups, readBackup, writeBackup, type Backup } from './file.ts';
import { sideFiles } from './full.ts';
import { recordsOf } from './journal.ts';
import { queueDir } from './shipper.ts';

export type RekeyOptions = { dataDir: string; backupDir: string; oldKey: DataKey | undefined; newKey: DataKey; collections: AnyCollection[] };

export async function rekey({ dataDir, backupDir, oldKey, newKey, collections }: RekeyOptions): Promise<string[]> {
  const keys: Keys = { write: newKey, read: oldKey ? [oldKey, newKey] : [newKey], plain: !oldKey };
  const fresh = keysOf(newKey);
  const lines: string[] = [];
  // The store: opened (refused if a server holds it), folded into one snapshot written with the new key.
  if (await stat(dataDir).catch(() => undefined)) {
    const store = await Store.open(dataDir, collections, { keys, handOff: { dir: queueDir(dataDir), notify: () => undefined }, log: () => undefined });
    let records = 0;
    try {
      for (const collection of collections) records += store.view(collection).size;
      await store.compact();
    } finally {
      await store.close();
    }
    lines.push(`Re-encrypted the store in ${dataDir} (${records} records) under key id ${newKey.id}.`);
  }

  let waiting = 0;
  const queue = queueDir(dataDir);
  for (const name of (await readdir(queue).catch(() => [])).sort()) {
    const path = join(queue, name);
    const content = await readFile(path);
    const damaged = (problem: string) => new StoreCorruptError(path, problem);
    if (/^journal-\d{12}\.jsonl$/.test(name)) {
      const lines = recordsOf(content, keys, path, (offset) => damaged(`has a damaged record at byte offset ${offset}`));
      await writeFileDurably(path, Buffer.from(lines.map((record) => `${sealLine(fresh, JSON.stringify(record))}\n`).join('')));
    } else if (/^db-\d{12}-\d+\.json$/.test(name)) {
      await writeFileDurably(path, sealFile(newKey, 'snapshot', openFile(content, keys, 'snapshot', path, damaged)));
    } else continue;
    waiting += 1;
  }
  if (waiting > 0) lines.push(`Re-encrypted ${waiting} file${waiting === 1 ? '' : 's'} waiting for BACKUP_DIR.`);

  // The answer files (api/files): each replaced whole, so a rekey cut short is simply run again.
  let answerFiles = 0;
  const filesDir = join(dataDir, 'files');
  for (const name of await readdir(filesDir).catch(() => [])) {
    if (!/^[A-Za-z0-9_-]{24}$/.test(name)) continue;
    const path = join(filesDir, name);
    const content = await readFile(path);
    if (isEncrypted(content) && keyIdOf(content) === newKey.id) continue;
    const plain = openFile(content, keys, 'answer-file', path, (problem) => new StoreCorruptError(path, problem));
    await writeFileDurably(path, sealFile(newKey, 'answer-file', plain));
    answerFiles += 1;
  }
  if (answerFiles > 0) lines.push(`Re-encrypted ${answerFiles} answer file${answerFiles === 1 ? '' : 's'} in ${filesDir}.`);

  let done = 0;
  let already = 0;
  for (const entry of await listBackups(backupDir).catch(() => [])) {
    const backup = await readBackup(join(backupDir, entry.name));
    if (backup.header.keyId === newKey.id) {
      already += 1;
      continue;
    }
    await writeBackup(backupDir, { ...backup.header, keyId: newKey.id }, reencrypt(backup, keys, fresh));
    done += 1;
  }
  lines.push(`Re-encrypted ${done} backup file${done === 1 ? '' : 's'} in ${backupDir}${already ? ` (${already} already were)` : ''}.`);
  lines.push('Now set DATA_KEY to the value of NEW_DATA_KEY. Copies of backups made elsewhere before now still need the old key.');
  return lines;
}

/** A backup's parts under the new key; each is verified on the way. */
function reencrypt(backup: Backup, keys: Keys, fresh: Keys): { name: string; content: Buffer }[] {
  const damaged = (problem: string) => new BackupDamagedError(backup.path, problem);
  return [...backup.parts].map(([name, bytes]) => {
    if (name === 'journal.jsonl') {
      const records = recordsOf(bytes, keys, backup.path, (offset) => damaged(`has a damaged record at byte offset ${offset}`));
      return { name, content: Buffer.from(records.map((record) => `${sealLine(fresh, JSON.stringify(record))}\n`).join('')) };
    }
    const kind = name === 'db.json' ? 'snapshot' : sideFiles.find((side) => side.name === name)?.kind;
    if (!kind) throw damaged(`holds an unknown part ${name}`);
    return { name, content: sealFile(fresh.write as DataKey, kind, openFile(bytes, keys, kind, `${name} in ${backup.path}`, damaged)) };
  });
}

/** The key id an encrypted file's header names. */
function keyIdOf(content: Buffer): unknown {
  try {
    return (JSON.parse(content.subarray(0, content.indexOf(0x0a)).toString('utf8')) as { keyId?: unknown }).keyId;
  } catch {
    return undefined;
  }
}
