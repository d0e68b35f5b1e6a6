/** The node entry: settings, the store, mail, then serve the app on HOST:PORT until told to stop. */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { serve } from '@hono/node-server';
import { createApp } from './app.ts';
import { createPostman } from './mail/postman.ts';
import { collections } from './collections.ts';
import { requests } from './requests/collections.ts';
import { dropExpired, expiredRequests } from './requests/intake.ts';
import { createMailer } from './mail/transport.ts';
import { readSettings, SettingsError } from './settings.ts';
import { StaffAccounts } from './staff/accounts.ts';
import { Store, StoreCorruptError, StoreLockedError } from './store/store.ts';

const distDir = fileURLToPath(new URL('../dist', import.meta.url));
/** How often queued mails are retried and expired unconfirmed requests dropped. */
const maintenanceMs = 30_000;

try {
  const settings = readSettings(process.env);
  if (!existsSync(join(distDir, 'index.html'))) {
    throw new SettingsError('The site is not built: run `npm run build` (or `npm start`, which builds it).');
  }
  const store = await Store.open(settings.dataDir, collections);
  const mailer = createMailer({ smtpUrl: settings.smtpUrl, outboxDir: join(settings.dataDir, 'outbox'), from: settings.mailFrom });
  const now = () => new Date();
  const postman = createPostman({ store, mailer, publicUrl: settings.publicUrl, staffNotifyTo: settings.staffNotifyTo, now });
  const app = createApp({ distDir, dataDir: settings.dataDir, store, postman, publicUrl: settings.publicUrl, trustProxy: settings.trustProxy, now });

  const maintain = async () => {
    if (expiredRequests(store.view(requests), now()).length > 0) {
      await store.update((tx) => dropExpired(tx, now())).catch(() => console.error('tietosuoja: dropping expired requests failed'));
    }
    await postman.deliverDue();
  };
  const timer = setInterval(() => void maintain(), maintenanceMs);
  void maintain();
  const server = serve({ fetch: app.fetch, hostname: settings.host, port: settings.port }, (info) => {
    const host = info.family === 'IPv6' ? `[${info.address}]` : info.address;
    console.log(`tietosuoja: listening on http://${host}:${info.port}/`);
    if (!settings.smtpUrl) console.log(`tietosuoja: no SMTP_URL, so mail is written to ${join(settings.dataDir, 'outbox')}/`);
    void new StaffAccounts(settings.dataDir).all().then((accounts) => {
      if (!accounts.some((a) => !a.disabled)) {
        console.log('tietosuoja: no staff account yet; create one with: npm run staff -- add <username>');
      }
    });
  });
  const stop = () => {
    clearInterval(timer);
    server.close(async () => {
      await postman.stop();
      await store.close();
      mailer.close();
      process.exit(0);
    });
  };
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
} catch (error) {
  const code = (error as NodeJS.ErrnoException).code;
  if (error instanceof SettingsError || error instanceof StoreCorruptError || error instanceof StoreLockedError) {
    console.error(`tietosuoja: ${error.message}`);
  } else if (typeof code === 'string' && code.startsWith('E')) {
    // The data directory cannot be made, locked or read (a read-only or full disk, no permission).
    console.error(`tietosuoja: the data directory cannot be used (${code}): check DATA_DIR and its disk`);
  } else {
    throw error;
  }
  process.exit(1);
}
