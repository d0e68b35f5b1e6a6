/** Composes the one Hono app: security headers, compression, the API, the subject's pages, the staff area and the static site. */
import { resolve } from 'node:path';
import { Hono } from 'hono';
import { compress } from 'hono/compress';
import { etag } from 'hono/etag';
import { secureHeaders } from 'hono/secure-headers';
import { clientAddress } from './client-address.ts';
import { errorHandler } from './errors.ts';
import { health } from './health/index.ts';
import type { Postman } from './mail/postman.ts';
import { rateLimit } from './rate-limit/index.ts';
import { subjectPages } from './requests/pages.ts';
import { requestRoutes } from './requests/routes.ts';
import { loadShell } from './shell/index.ts';
import { notFound } from './site/not-found.ts';
import { searchRoutes } from './search/routes.ts';
import { staticSite } from './site/static.ts';
import { StaffAccounts } from './staff/accounts.ts';
import type { HashQueue } from './staff/hash-queue.ts';
import { staffRoutes } from './staff/routes.ts';
import { AuditLog } from './audit/index.ts';
import type { BackupStatus } from './backup/shipper.ts';
import { discardUnread } from './body/index.ts';
import { defaultLimits, FileStore, type AnswerFileLimits } from './files/index.ts';
import { downloadRoutes } from './requests/downloads.ts';
import { isInside } from './settings.ts';
import { noKeys, type Keys } from './store/cipher.ts';
import type { Store } from './store/store.ts';

export type AppOptions = {
  /** The built site (dist/). */
  distDir: string;
  /** The data directory; it must not lie inside distDir, or the site would serve it. */
  dataDir: string;
  store: Store;
  postman: Postman;
  /** The site's origin (PUBLIC_URL): the only one allowed to post forms. */
  publicUrl: string;
  trustProxy: boolean;
  now?: () => Date;
  /** Backup health, from the shipper; unset, the staff pages and health detail say backups are not set up. */
  backups?: (() => BackupStatus) | undefined;
  /** The line of staff password hashes (tests give their own). */
  hashes?: HashQueue | undefined;
  /** DATA_KEY's keys: the answer files are encrypted with them as the store is; unset, stored plain. */
  keys?: Keys | undefined;
  /** How large an answer's files may be and how long they can be downloaded; unset, the settings' defaults. */
  fileLimits?: AnswerFileLimits | undefined;
};

const minutes = 60_000;

export function createApp(options: AppOptions): Hono {
  const { distDir, dataDir, store, postman, publicUrl, trustProxy, now = () => new Date(), backups, hashes } = options;
  const { keys = noKeys, fileLimits = defaultLimits } = options;
  if (isInside(resolve(dataDir), resolve(distDir))) {
    throw new Error(`DATA_DIR (${dataDir}) must not be inside the site directory (${distDir}).`);
  }
  const shell = loadShell(distDir);
  const byAddress = { key: (c: Parameters<typeof clientAddress>[0]) => clientAddress(c, trustProxy), now: () => now().getTime() };
  const limits = {
    submit: rateLimit({ limit: 20, windowMs: 15 * minutes, ...byAddress }),
    confirm: rateLimit({ limit: 30, windowMs: 15 * minutes, ...byAddress }),
  };

  const app = new Hono();
  // First: a body that an answer did not read (a 404, a redirect to the log-in) is thrown away, or the
  // connection is announced closed, so a client still sending it gets the answer.
  app.use(discardUnread());
  app.use(
    secureHeaders({
      contentSecurityPolicy: {
        defaultSrc: ["'self'"],
        scriptSrc: ["'self'"],
        styleSrc: ["'self'"],
        imgSrc: ["'self'", 'data:'],
        fontSrc: ["'self'"],
        connectSrc: ["'self'"],
        formAction: ["'self'"],
        frameAncestors: ["'none'"],
        baseUri: ["'none'"],
        objectSrc: ["'none'"],
      },
      xFrameOptions: 'DENY',
      // A year, not Hono's 180 days: what preload lists and most audits ask for.
      strictTransportSecurity: 'max-age=31536000; includeSubDomains',
      referrerPolicy: 'same-origin',
      permissionsPolicy: { camera: [], microphone: [], geolocation: [], payment: [] },
      // A page may tighten a header (the token pages send no referrer at all).
      overwrite: false,
    }),
  );
  app.use(compress());
  const accounts = new StaffAccounts(dataDir);
  app.route('/api', health({ dataDir, store, accounts, now, backups }));
  app.route('/api', requestRoutes({ store, postman, shell, now, origin: publicUrl, limits }));
  const audit = new AuditLog(dataDir);
  const files = new FileStore(dataDir, keys);
  app.route('/pyynto', subjectPages({ store, shell, now }));
  app.route('/pyynto', downloadRoutes({ store, files, audit, shell, now }));
  // The site's addresses end in a slash; one typed without it keeps its query.
  app.get('/haku', (c) => c.redirect(`/haku/${new URL(c.req.url).search}`, 301));
  app.route('/haku/', searchRoutes({ shell, distDir }));
  app.route('/', staffRoutes({ store, accounts, audit, postman, shell, now, origin: publicUrl, trustProxy, backups, ...(hashes ? { hashes } : {}), files, fileLimits }));
  app.use(etag(), staticSite(distDir));
  app.notFound(notFound(distDir));
  app.onError(errorHandler(shell));
  return app;
}
