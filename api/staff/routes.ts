/**
 * The staff area under /henkilosto (DESIGN §2): log-in and log-out, the request list and each request with
 * its actions, the marketing bans, the exports and the audit log. Every route but the log-in page sits behind
 * requireStaff, and every form behind Hono's csrf; what staff do is written to the audit log.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import { Hono, type Context, type MiddlewareHandler } from 'hono';
import { getCookie } from 'hono/cookie';
import { csrf } from 'hono/csrf';
import type { AuditLog } from '../audit/index.ts';
import type { BackupStatus } from '../backup/shipper.ts';
import { bodies, readBody, Refusal, type Upload } from '../body/index.ts';
import type { AnswerFileLimits, FileStore } from '../files/index.ts';
import { fileText } from '../files/messages.ts';
import { ownData, ownDataName } from '../files/own-data.ts';
import { discard, saveUploads } from '../files/upload.ts';
import { clientAddress } from '../client-address.ts';
import { rateLimit } from '../rate-limit/index.ts';
import type { Postman } from '../mail/postman.ts';
import { mailJobs, newJob } from '../mail/jobs.ts';
import { marketingBans, requests } from '../requests/collections.ts';
import { applyAction, staffActions, takesFiles, type ActionOutcome, type StaffAction } from '../requests/actions.ts';
import { statuses, type Status } from '../requests/record.ts';
import { isRequestType } from '../requests/types.ts';
import type { Shell } from '../shell/index.ts';
import type { Store } from '../store/store.ts';
import type { StaffAccounts } from './accounts.ts';
import { clearSessionCookie, loginPath, requireStaff, sessionCookie, setSessionCookie, type StaffEnv } from './auth.ts';
import { Backoff } from './backoff.ts';
import { toCsv } from './csv.ts';
import { staffText } from './messages.ts';
import { auditPage } from './pages/audit.ts';
import { bansPage } from './pages/bans.ts';
import { detailPage } from './pages/detail.ts';
import { listPage } from './pages/list.ts';
import { loginPage } from './pages/login.ts';
import { BusyError, HashQueue } from './hash-queue.ts';
import { hashPassword, verifyPassword } from './password.ts';
import { endSession, startSession } from './sessions.ts';

export type StaffRoutesOptions = {
  store: Store;
  accounts: StaffAccounts;
  audit: AuditLog;
  postman: Postman;
  shell: Shell;
  now: () => Date;
  origin: string;
  trustProxy: boolean;
  /** Backup health for the front page; unset, it says backups are not set up. */
  backups?: (() => BackupStatus) | undefined;
  /** The line of password hashes (tests give a small one); by default one running and eight waiting. */
  hashes?: HashQueue;
  /** How late a refused log-in try (flood guard, full line) is answered; 1 s by default. */
  refusalDelayMs?: number;
  /** Where the files of an answer go, and how large they may be. */
  files: FileStore;
  fileLimits: AnswerFileLimits;
};

const base = '/henkilosto';

export function staffRoutes(options: StaffRoutesOptions): Hono<StaffEnv> {
  const { store, accounts, audit, postman, shell, now, origin, trustProxy, backups, files, fileLimits } = options;
  const app = new Hono<StaffEnv>();
  const backoff = new Backoff();
  // Unknown names are checked against this, so they cost as much time as a wrong password.
  let decoy: Promise<string> | undefined;
  const hashes = options.hashes ?? new HashQueue();
  // A refused try is answered a second late, which costs the server nothing meanwhile: a flood's connections
  // each wait for their answers, so each then sends at most a try a second, and readers do not wait behind it.
  const refusalDelayMs = options.refusalDelayMs ?? 1000;
  // Only a flood reaches 30 tries a minute from one address (an office shares one): it is never a lock-out.
  const perAddress = rateLimit({ limit: 30, windowMs: 60_000, key: (c) => clientAddress(c, trustProxy), now: () => now().getTime() });
  const floodGuard: MiddlewareHandler = async (c, next) => {
    try {
      await perAddress(c, async () => undefined);
    } catch (error) {
      await sleep(refusalDelayMs);
      throw error;
    }
    await next();
  };
  const busy = async (c: Context, retryAfterSeconds: number) => {
    await sleep(refusalDelayMs);
    c.header('Retry-After', String(retryAfterSeconds));
    return loginPage(c, shell, 'busy');
  };
  const log = (actor: string, action: string, id?: string) => audit.append(id === undefined ? { actor, action } : { actor, action, id }, now());

  app.use(`${base}/*`, csrf({ origin }), requireStaff({ store, accounts, now }));
  app.get(base, (c) => c.redirect(`${base}/`, 301));

  app.get(`${base}/kirjaudu`, (c) => {
    const notice = c.req.query('ulos') !== undefined ? 'loggedOut' : c.req.query('istunto') !== undefined ? 'expired' : undefined;
    return loginPage(c, shell, notice);
  });

  // A full line of hashes answers at once, before the body is read or the accounts looked at: a flood then
  // costs the server little more than its connections.
  const notWhenBusy: MiddlewareHandler = async (c, next) => (hashes.full ? busy(c, hashes.retryAfterSeconds) : next());

  app.post(`${base}/kirjaudu`, floodGuard, notWhenBusy, async (c) => {
    const { fields: form } = await readBody(c, bodies.staffLogIn);
    const username = typeof form.username === 'string' ? form.username.trim().toLowerCase().slice(0, 64) : '';
    const password = typeof form.password === 'string' ? form.password.slice(0, 256) : '';
    const keys = [`user:${username}`, `address:${clientAddress(c, trustProxy)}`];
    const time = now().getTime();
    const account = await accounts.find(username);
    const waiting = backoff.waitMs(keys, time) > 0;
    let matches = false;
    // A try during a lock is refused unheard, before any hashing: it costs a flood nothing to be refused.
    if (!waiting) {
      decoy ??= hashPassword('tietosuoja: no such account');
      const hash = account?.passwordHash ?? (await decoy);
      try {
        matches = await hashes.run(() => verifyPassword(password, hash));
      } catch (error) {
        if (!(error instanceof BusyError)) throw error;
        return busy(c, error.retryAfterSeconds);
      }
    }
    if (waiting || !account || account.disabled || !matches) {
      // An attempt while locked is refused unheard: it neither counts nor extends the lock.
      if (!waiting) backoff.fail(keys, time);
      // Only a name that is an account goes into the log: a mistyped password in the name field must not.
      await log(account ? account.username : '(tuntematon)', 'login_failed');
      return loginPage(c, shell, 'failed');
    }
    backoff.succeed(keys[0] ?? '');
    const previous = getCookie(c, sessionCookie);
    const id = await store.update((tx) => {
      if (previous) endSession(tx, previous);
      return startSession(tx, account.username, now());
    });
    setSessionCookie(c, id);
    await log(account.username, 'login');
    return c.redirect('/henkilosto/', 303);
  });

  app.post(`${base}/ulos`, async (c) => {
    const id = c.get('sessionId');
    await store.update((tx) => endSession(tx, id));
    clearSessionCookie(c);
    await log(c.get('staff'), 'logout');
    return c.redirect(`${loginPath}?ulos`, 303);
  });

  app.get(`${base}/`, (c) => {
    const status = c.req.query('tila');
    const type = c.req.query('tyyppi');
    const reference = c.req.query('viite')?.trim().slice(0, 20);
    const filter = {
      ...(statuses.includes(status as Status) ? { status: status as Status } : {}),
      ...(isRequestType(type) ? { type } : {}),
      ...(reference ? { reference } : {}),
    };
    return listPage(c, shell, c.get('staff'), [...store.view(requests).values()], filter, now(), backups?.());
  });

  app.get(`${base}/pyynnot/:reference`, async (c) => {
    const record = store.view(requests).find('reference', c.req.param('reference'));
    if (!record) return c.notFound();
    await log(c.get('staff'), 'view_request', record.reference);
    const done = c.req.query('tallennettu') !== undefined;
    return detailPage(c, shell, c.get('staff'), record, now(), done ? { kind: 'done', message: staffText.done } : undefined, fileLimits);
  });

  // A completion may carry files (multipart); every other action is a plain form post within the usual limit.
  const actionBody = { ...bodies.staffAction, files: { maxFileBytes: fileLimits.maxFileBytes, maxBytes: fileLimits.maxAnswerBytes } };

  app.post(`${base}/pyynnot/:reference`, async (c) => {
    const reference = c.req.param('reference');
    const { fields: form, files: uploads = [] } = await readBody(c, actionBody);
    const action = String(form.action ?? '') as StaffAction;
    const find = () => store.view(requests).find('reference', reference);
    const found = find();
    if (!found || !staffActions.includes(action)) return c.notFound();
    const field = (name: string) => String(form[name] ?? '');
    const input = {
      action,
      text: field('text'),
      until: field('until'),
      recipientEmail: field('recipientEmail'),
      transfer: { to: field('transferTo'), on: field('transferOn'), what: field('transferWhat'), how: field('transferHow') },
    };
    const staff = c.get('staff');
    const time = now();
    const refuse = (message: string) => detailPage(c, shell, staff, found, time, { kind: 'error', message }, fileLimits);
    // The form sends its files in one field; the action is tried on a copy first, so a refusal writes no file.
    if (uploads.some((upload) => upload.field !== 'files')) throw new Refusal(400);
    if (uploads.length > 0 && !takesFiles(found, action)) return refuse(fileText.notHere);
    const trial = applyAction(structuredClone(found), input, staff, time);
    if (!trial.ok) return refuse(trial.message);
    // An access or portability answer also carries what this service holds about the subject.
    const own = takesFiles(found, action) && found.subject.email ? [ownDataUpload(found.subject.email, time)] : [];
    let organisationJob: string | undefined;
    const saved = await saveUploads(files, [...uploads, ...own], time, new Date(time.getTime() + fileLimits.downloadDays * 86_400_000));
    if (!saved.ok) return refuse(saved.message);
    const { outcome, jobId } = await store.update((tx): { outcome: ActionOutcome; jobId?: string } => {
      const table = tx.table(requests);
      const record = table.find('reference', reference);
      if (!record) return { outcome: { ok: false, message: staffText.detail.notFound } };
      const draft = structuredClone(record);
      const outcome = applyAction(draft, { ...input, files: saved.files }, staff, time);
      if (!outcome.ok) return { outcome };
      table.put(draft);
      // A forwarded request goes to the organisation too.
      if (action === 'forward') organisationJob = tx.table(mailJobs).put(newJob(record.id, 'organisation', time)).id;
      return outcome.mail ? { outcome, jobId: tx.table(mailJobs).put(newJob(record.id, outcome.mail, time)).id } : { outcome };
    }).catch(async (error: unknown) => {
      await discard(files, saved.files);
      throw error;
    });
    if (!outcome.ok) await discard(files, saved.files);
    const record = find();
    if (!record) return c.notFound();
    if (!outcome.ok) return detailPage(c, shell, staff, record, time, { kind: 'error', message: outcome.message }, fileLimits);
    await log(staff, action, reference);
    if (jobId) postman.send(jobId);
    if (organisationJob) postman.send(organisationJob);
    return c.redirect(`/henkilosto/pyynnot/${reference}?tallennettu`, 303);
  });

  function ownDataUpload(email: string, time: Date): Upload {
    const records = store.view(requests).group('email', email);
    return { field: 'files', name: ownDataName, bytes: ownData(email, records, store.view(marketingBans).get(email), time) };
  }

  app.get(`${base}/markkinointikiellot`, (c) => bansPage(c, shell, c.get('staff'), [...store.view(marketingBans).values()]));

  app.get(`${base}/markkinointikiellot.csv`, async (c) => {
    await log(c.get('staff'), 'export_bans');
    const rows = [['email', 'created_at'], ...Array.from(store.view(marketingBans).values(), (ban) => [ban.email, ban.createdAt])];
    return c.body(toCsv(rows), 200, csvHeaders('markkinointikiellot.csv'));
  });

  app.get(`${base}/pyynnot.csv`, async (c) => {
    await log(c.get('staff'), 'export_requests');
    const header = ['reference', 'type', 'status', 'created_at', 'confirmed_at', 'due_at', 'extended_until', 'decided_at', 'outcome', 'controller'];
    const rows = Array.from(store.view(requests).values(), (r) => [
      r.reference,
      r.type,
      r.status,
      r.createdAt,
      r.confirmedAt,
      r.dueAt,
      r.extension?.until,
      r.decision?.at,
      r.decision?.outcome,
      r.subject.relation,
    ]);
    return c.body(toCsv([header, ...rows]), 200, csvHeaders('pyynnot.csv'));
  });

  app.get(`${base}/loki`, async (c) => {
    const actor = c.req.query('tekija')?.trim() || undefined;
    const action = c.req.query('tapahtuma')?.trim() || undefined;
    const entries = await audit.read({ ...(actor ? { actor } : {}), ...(action ? { action } : {}) });
    return auditPage(c, shell, c.get('staff'), entries, { ...(actor ? { actor } : {}), ...(action ? { action } : {}) });
  });

  return app;
}

function csvHeaders(name: string): Record<string, string> {
  return { 'Content-Type': 'text/csv; charset=utf-8', 'Content-Disposition': `attachment; filename="${name}"`, 'Cache-Control': 'no-store' };
}
