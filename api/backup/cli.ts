/**
 * The operator's backup commands (README: "Backups and restore", "Encryption at rest"):
 *   npm run backup                          a full backup now; the server takes it when one runs; prints its path last
 *   npm run restore -- <file>               restores a full backup
 *   npm run restore -- --at <ISO time>      restores the state at that moment
 *   npm run restore -- --check [<file>]     verifies one backup, or every one in BACKUP_DIR; changes nothing
 *   npm run rekey                           re-encrypts everything under NEW_DATA_KEY
 * Each prints what it did, with counts; on failure one line and exit code 1, never a stack trace.
 */
import { mkdir } from 'node:fs/promises';
import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { collections } from '../collections.ts';
import { ask } from '../control/index.ts';
import { readKey, readSettings, SettingsError, type Settings } from '../settings.ts';
import { sessions } from '../staff/sessions.ts';
import { keysOf, type Keys } from '../store/cipher.ts';
import { Store } from '../store/store.ts';
import { describeFull, writeFull } from './full.ts';
import { rekey } from './rekey.ts';
import { check, checkAll, restore, RestoreError } from './restore.ts';
import { queueDir } from './shipper.ts';

const usage = {
  backup: 'Usage: npm run backup',
  restore: 'Usage: npm run restore -- <file> | --at <ISO time> | --check [<file>]',
  rekey: 'Usage: DATA_KEY=<old key, or unset> NEW_DATA_KEY=<new key> npm run rekey',
};

const [command = '', ...args] = process.argv.slice(2);
try {
  if (!(command in usage)) throw new SettingsError(`unknown command "${command}"`);
  const settings = readSettings(process.env);
  let lines: string[];
  if (command === 'backup') lines = await backup(settings);
  else if (command === 'restore') lines = await restoreCommand(settings, args);
  else {
    const newKey = readKey(process.env, 'NEW_DATA_KEY');
    if (!newKey) throw new SettingsError('NEW_DATA_KEY is not set: make a key with `openssl rand -base64 32`');
    if (newKey.id === settings.dataKey?.id) throw new SettingsError('NEW_DATA_KEY is the same key as DATA_KEY');
    lines = await rekey({ dataDir: settings.dataDir, backupDir: settings.backupDir, oldKey: settings.dataKey, newKey, collections });
  }
  for (const line of lines) console.log(line);
} catch (error) {
  const help = error instanceof SettingsError && command in usage ? ` (${usage[command as keyof typeof usage]})` : '';
  console.error(`${command || 'backup'}: ${(error as Error).message}${help}`);
  process.exitCode = 1;
}

/** Through the server when one runs (it holds the data directory), else under the lock. The path comes last. */
async function backup(settings: Settings): Promise<string[]> {
  const reply = await ask(settings.dataDir, { command: 'backup' });
  if (reply) {
    if (!reply.ok) throw new Error(reply.error);
    return reply.lines;
  }
  const keys = keysOf(settings.dataKey);
  const store = await Store.open(settings.dataDir, collections, { keys, handOff: { dir: queueDir(settings.dataDir), notify: () => undefined }, log: () => undefined });
  try {
    const snapshot = store.capture();
    await mkdirBackups(settings.backupDir);
    const written = await writeFull(resolve(settings.backupDir), settings.dataDir, { snapshot }, keys, new Date());
    return describeFull(written);
  } finally {
    await store.close();
  }
}

async function mkdirBackups(dir: string): Promise<void> {
  await mkdir(dir, { mode: 0o700 }).catch((error: NodeJS.ErrnoException) => {
    if (error.code !== 'EEXIST') throw new RestoreError(`BACKUP_DIR ${dir} cannot be made (${error.code ?? 'unknown'})`);
  });
}

async function restoreCommand(settings: Settings, args: string[]): Promise<string[]> {
  const { values, positionals } = parseArgs({ args, allowPositionals: true, options: { at: { type: 'string' }, check: { type: 'boolean', default: false } } });
  // Backups from before DATA_KEY was set can still be read; what is restored is written with DATA_KEY.
  const keys: Keys = { ...keysOf(settings.dataKey), plain: true };
  const backupDir = resolve(settings.backupDir);
  if (values.check) {
    if (values.at !== undefined || positionals.length > 1) throw new SettingsError('--check takes one file, or none for every backup');
    const file = positionals[0];
    if (file !== undefined) return check(resolve(file), keys, collections);
    const { lines, damaged } = await checkAll(backupDir, keys, collections);
    if (damaged > 0) {
      for (const line of lines.slice(0, -1)) console.log(line);
      throw new RestoreError(lines.at(-1) as string);
    }
    return lines;
  }
  const options = { dataDir: settings.dataDir, backupDir, keys, collections, empty: [sessions.name], now: new Date() };
  if (values.at !== undefined) {
    if (positionals.length > 0) throw new SettingsError('give a file or --at, not both');
    const at = new Date(values.at);
    if (!/^\d{4}-\d{2}-\d{2}T/.test(values.at) || Number.isNaN(at.getTime())) throw new SettingsError('--at must be a moment such as 2026-11-26T06:00:00Z');
    return restore(options, { at });
  }
  const file = positionals[0];
  if (file === undefined || positionals.length > 1) throw new SettingsError('give one backup file');
  return restore(options, { file });
}
