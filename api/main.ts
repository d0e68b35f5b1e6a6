/**
 * The node entry: settings, the store, mail, backups, then serve the app on HOST:PORT until told to stop; and
 * the background work: mail retries, reminders to confirm, the staff's daily deadline digest and unconfirmed
 * requests dropped every 30 s, the retention purge daily,
 * and operators' commands (npm run backup, npm run purge) on the control socket.
 */
import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { serve } from '@hono/node-server';
import { createApp } from './app.ts';
import { AuditLog } from './audit/index.ts';
import { describeFull } from './backup/full.ts';
import { queueDir, Shipper } from './backup/shipper.ts';
import { close as closeControl, listen } from './control/index.ts';
import { FileStore } from './files/index.ts';
import { expireFiles } from './requests/downloads.ts';
import { runPurge } from './retention/run.ts';
import { megabyte } from './files/limits.ts';
import { keysOf } from './store/cipher.ts';
import { createPostman } from './mail/postman.ts';
import { collections } from './collections.ts';
import { requests } from './requests/collections.ts';
import { queueDigest } from './requests/digest.ts';
import { dropExpired, expiredRequests } from './requests/intake.ts';
import { remindUnconfirmed } from './requests/reminders.ts';
import { createMailer } from './mail/transport.ts';
import { readSettings, SettingsError } from './settings.ts';
import { StaffAccounts } from './staff/accounts.ts';
import { KeyError, Store, StoreCorruptError, StoreLockedError } from './store/store.ts';

const distDir = fileURLToPath(new URL('../dist', import.meta.url));
/** How often queued mails are retried, reminders and the day's digest queued, and expired unconfirmed requests dropped. */
const maintenanceMs = 30_000;
const purgeEveryMs = 86_400_000;
/** A sealed journal segment reaches BACKUP_DIR within about this long of its first record: the recovery point. */
const sealAfterMs = 60_000;

try {
  const settings = readSettings(process.env);
  if (!existsSync(join(distDir, 'index.html'))) {
    throw new SettingsError('The site is not built: run `npm run build` (or `npm start`, which builds it).');
  }
  const keys = keysOf(settings.dataKey);
  let shipper: Shipper | undefined;
  const store = await Store.open(settings.dataDir, collections, {
    keys,
    handOff: { dir: queueDir(settings.dataDir), notify: () => shipper?.notify() },
    sealAfterMs,
  });
  if (!settings.dataKey) console.warn('tietosuoja: DATA_KEY is not set, so requests are stored unencrypted in DATA_DIR and BACKUP_DIR (see the README)');
  shipper = new Shipper({
    dataDir: settings.dataDir,
    backupDir: resolve(settings.backupDir),
    keys,
    keepDays: settings.backupKeepDays,
    capture: () => store.capture(),
  });
  shipper.start();
  const backups = shipper;
  const audit = new AuditLog(settings.dataDir);
  // Accounts from before roles become admin, once, each with an audit line (the staff command does the same).
  for (const username of await new StaffAccounts(settings.dataDir).upgrade()) {
    await audit.append({ actor: 'järjestelmä', action: 'staff_role_upgrade', id: username }, new Date());
  }
  const files = new FileStore(settings.dataDir, keys);
  const purge = (dryRun: boolean, actor: string) =>
    runPurge({ store, audit, now: now(), months: settings.retentionMonths, dryRun, actor, auditNothing: actor !== 'järjestelmä', files });
  const mailer = createMailer({ smtpUrl: settings.smtpUrl, outboxDir: join(settings.dataDir, 'outbox'), from: settings.mailFrom });
  const now = () => new Date();
  const postman = createPostman({ store, mailer, publicUrl: settings.publicUrl, staffNotifyTo: settings.staffNotifyTo, now });
  const app = createApp({
    distDir,
    dataDir: settings.dataDir,
    store,
    postman,
    publicUrl: settings.publicUrl,
    trustProxy: settings.trustProxy,
    now,
    backups: () => backups.status(),
    keys,
    fileLimits: { maxFileBytes: settings.fileMaxMb * megabyte, maxAnswerBytes: settings.answerMaxMb * megabyte, downloadDays: settings.downloadDays },
  });
  const control = await listen(
    settings.dataDir,
    async (command) => (command.command === 'backup' ? describeFull(await backups.takeFull()) : (await purge(command.dryRun, 'npm run purge')).lines),
    console.error,
  );
  const dailyPurge = async () => {
    try {
      await purge(false, 'järjestelmä');
    } catch (error) {
      console.error(`tietosuoja: the daily purge failed (${(error as Error).name}); it is tried again tomorrow`);
    }
  };
  void dailyPurge();
  const purgeTimer = setInterval(() => void dailyPurge(), purgeEveryMs).unref();

  const maintain = async () => {
    if (expiredRequests(store.view(requests), now()).length > 0) {
      await store.update((tx) => dropExpired(tx, now())).catch(() => console.error('tietosuoja: dropping expired requests failed'));
    }
    await remindUnconfirmed(store, postman, now()).catch(() => console.error('tietosuoja: queueing reminders to confirm failed; tried again later'));
    await queueDigest(store, postman, now(), settings.staffNotifyTo).catch(() => console.error('tietosuoja: queueing the staff digest failed; tried again later'));
    await postman.deliverDue();
    await expireFiles(store, files, now()).catch(() => console.error('tietosuoja: deleting expired answer files failed; tried again later'));
  };
  const timer = setInterval(() => void maintain(), maintenanceMs);
  void maintain();
  const server = serve({ fetch: app.fetch, hostname: settings.host, port: settings.port }, (info) => {
    const host = info.family === 'IPv6' ? `[${info.address}]` : info.address;
    console.log(`tietosuoja: listening on http://${host}:${info.port}/`);
    if (!settings.smtpUrl) console.log(`tietosuoja: no SMTP_URL, so mail is written to ${join(settings.dataDir, 'outbox')}/`);
    void new StaffAccounts(settings.dataDir).all().then((accounts) => {
      if (!accounts.some((a) => !a.disabled)) {
        console.log('tietosuoja: no staff account yet; create one with: npm run staff -- add <username> --role admin');
      }
    });
  });
  const stop = () => {
    clearInterval(timer);
    clearInterval(purgeTimer);
    server.close(async () => {
      await closeControl(control, settings.dataDir);
      await postman.stop();
      await backups.stop();
      await store.close();
      mailer.close();
      process.exit(0);
    });
  };
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
} catch (error) {
  const code = (error as NodeJS.ErrnoException).code;
  if (error instanceof SettingsError || error instanceof StoreCorruptError || error instanceof StoreLockedError || error instanceof KeyError) {
    console.error(`tietosuoja: ${error.message}`);
  } else if (typeof code === 'string' && code.startsWith('E')) {
    // The data directory cannot be made, locked or read (a read-only or full disk, no permission).
    console.error(`tietosuoja: the data directory cannot be used (${code}): check DATA_DIR and its disk`);
  } else {
    throw error;
  }
  process.exit(1);
}
