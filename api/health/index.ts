/**
 * `GET /api/health`: 200 while the store takes writes and the data directory can be read and written, else 503.
 * To a live staff session the answer also carries the backups' health; backup trouble never makes it 503, since
 * intake goes on without them. The check only reads: it neither touches the session nor writes anything.
 */
import { constants } from 'node:fs';
import { access, stat } from 'node:fs/promises';
import { Hono, type Context } from 'hono';
import type { BackupStatus } from '../backup/shipper.ts';
import type { StaffAccounts } from '../staff/accounts.ts';
import { staffSession } from '../staff/auth.ts';
import type { Store } from '../store/store.ts';

export type HealthOptions = {
  dataDir: string;
  store: Pick<Store, 'healthy' | 'view'>;
  accounts: Pick<StaffAccounts, 'find'>;
  now: () => Date;
  /** Unset: backups are not set up, and staff are told so. */
  backups?: (() => BackupStatus) | undefined;
};

export function health({ dataDir, store, accounts, now, backups }: HealthOptions): Hono {
  return new Hono().get('/health', async (c) => {
    c.header('Cache-Control', 'no-store');
    const ok = store.healthy && (await usable(dataDir));
    if (!(await isStaff(c, store, accounts, now()))) return c.json({ ok }, ok ? 200 : 503);
    return c.json({ ok, backups: backups ? backupHealth(backups()) : { ok: false, configured: false } }, ok ? 200 : 503);
  });
}

function backupHealth({ newestFull, newestJournal, failure, waiting, fullOverdue }: BackupStatus) {
  return { ok: !failure && !fullOverdue, newestFull, newestJournal, failure, waiting, fullOverdue };
}

/** A live staff session (the test of requireStaff, without touching the session). */
async function isStaff(c: Context, store: Pick<Store, 'view'>, accounts: Pick<StaffAccounts, 'find'>, time: Date): Promise<boolean> {
  // A data directory that cannot be read is the 503 this route reports, not a reason to fail it.
  return (await staffSession(c, store, accounts, time).catch(() => undefined)) !== undefined;
}

async function usable(dir: string): Promise<boolean> {
  try {
    await access(dir, constants.R_OK | constants.W_OK | constants.X_OK);
    return (await stat(dir)).isDirectory();
  } catch {
    return false;
  }
}
