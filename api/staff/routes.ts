/**
 * The staff area under /henkilosto (DESIGN §2): log-in and log-out (login.ts), the request list and each request
 * with its actions, the marketing bans, the exports, the statistics, the audit log, one's own account and the
 * access review (account-routes.ts). Every route but the log-in pages sits behind requireStaff (a live session, and a role
 * that may use the route: roles.ts), and every form behind Hono's csrf; what staff do is written to the audit
 * log.
 */
import { Hono, type Context } from 'hono';
import { csrf } from 'hono/csrf';
import { html } from 'hono/html';
import { requestAuditActions, type AuditLog } from '../audit/index.ts';
import { boundedAppender } from '../audit/bounded.ts';
import type { BackupStatus } from '../backup/shipper.ts';
import { bodies, readBody, Refusal, type Upload } from '../body/index.ts';
import type { AnswerFileLimits, FileStore } from '../files/index.ts';
import { fileText } from '../files/messages.ts';
import { ownData, ownDataName } from '../files/own-data.ts';
import { discard, saveUploads } from '../files/upload.ts';
import { clientAddress } from '../client-address.ts';
import type { Postman } from '../mail/postman.ts';
import { mailJobs, newJob } from '../mail/jobs.ts';
import { marketingBans, requests, unconfirmedTallies } from '../requests/collections.ts';
import { applyAction, staffActions, takesFiles, type ActionOutcome, type StaffAction } from '../requests/actions.ts';
import { dueSummary, isEmpty } from '../requests/digest.ts';
import { formatInstantDay } from '../requests/messages.ts';
import type { Shell } from '../shell/index.ts';
import type { Store } from '../store/store.ts';
import type { StaffAccounts } from './accounts.ts';
import { accountRoutes } from './account-routes.ts';
import { requireStaff, type StaffEnv } from './auth.ts';
import { exportBans, exportRequests } from './exports.ts';
import { HashQueue } from './hash-queue.ts';
import { loginRoutes } from './login.ts';
import { staffText } from './messages.ts';
import { auditPage } from './pages/audit.ts';
import { bansPage } from './pages/bans.ts';
import { detailPage } from './pages/detail.ts';
import type { Viewer } from './pages/frame.ts';
import { listPage } from './pages/list.ts';
import { pageOf, pageSize } from './pages/paging.ts';
import { statisticsCsv, statisticsPage } from './pages/statistics.ts';

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
/** How often admins are reminded to review the accounts (the notice's "säännöllinen auditointi"). */
const reviewEveryDays = 90;

export function staffRoutes(options: StaffRoutesOptions): Hono<StaffEnv> {
  const { store, accounts, audit, postman, shell, now, origin, trustProxy, backups, files, fileLimits } = options;
  const app = new Hono<StaffEnv>();
  const hashes = options.hashes ?? new HashQueue();
  const address = (c: Context) => clientAddress(c, trustProxy);
  // Refusals are caused by strangers: their audit lines are bounded (a flood costs a bounded number of fsyncs).
  const refusals = boundedAppender(audit, { now });
  const log = (c: Context<StaffEnv>, action: string, id?: string) =>
    audit.append({ actor: c.get('staff'), action, ...(id === undefined ? {} : { id }), address: address(c) }, now());
  const viewer = (c: Context<StaffEnv>): Viewer => ({ username: c.get('staff'), role: c.get('role') });

  app.use(`${base}/*`, csrf({ origin }), requireStaff({ store, accounts, shell, now, refusals, address }));
  app.get(base, (c) => c.redirect(`${base}/`, 301));
  app.route('/', loginRoutes({ store, accounts, audit, refusals, shell, now, address, hashes, refusalDelayMs: options.refusalDelayMs ?? 1000 }));
  app.route('/', accountRoutes({ store, accounts, audit, shell, now, address, hashes }));

  app.get(`${base}/`, async (c) => {
    // A marketing account's work is the bans list.
    if (c.get('role') === 'marketing') return c.redirect(`${base}/markkinointikiellot`, 303);
    const notices = html`${dueNotice()}${c.get('role') === 'admin' ? await reviewReminder() : ''}`;
    return listPage(c, shell, viewer(c), store.view(requests), now(), backups?.(), notices);
  });

  /** What the daily deadline mail to staff says (api/requests/digest.ts), at the top of the front page too. */
  function dueNotice() {
    const due = dueSummary(store.view(requests), now());
    if (isEmpty(due)) return '';
    const d = staffText.due;
    // The most pressing ten of each kind: the list below has them all, overdue first.
    const group = (label: string, references: string[]) =>
      references.length === 0
        ? ''
        : html`<li>${label}: <strong>${references.length}</strong> – ${references
            .slice(0, 10)
            .map((reference, i) => html`${i > 0 ? ', ' : ''}<a href="/henkilosto/pyynnot/${reference}" class="nowrap">${reference}</a>`)}${references.length > 10 ? d.more(references.length - 10) : ''}</li>`;
    return html`<section class="due" aria-labelledby="maaraajat"><h2 id="maaraajat">${d.title}</h2><ul>
      ${group(d.overdue, due.overdue)}${group(d.dueSoon, due.dueSoon)}${group(d.extended, due.extended)}
    </ul></section>`;
  }

  /** For admins, when the last access review is more than 90 days old (or was never done). */
  async function reviewReminder() {
    const reviewedAt = await accounts.reviewedAt();
    if (reviewedAt && now().getTime() - Date.parse(reviewedAt) <= reviewEveryDays * 86_400_000) return undefined;
    return html`<p class="error"><a href="/henkilosto/kayttajat">${staffText.users.reminder(reviewedAt ? formatInstantDay(reviewedAt) : undefined)}</a></p>`;
  }

  app.get(`${base}/pyynnot/:reference`, async (c) => {
    const record = store.view(requests).find('reference', c.req.param('reference'));
    if (!record) return c.notFound();
    await log(c, 'view_request', record.reference);
    const done = c.req.query('tallennettu') !== undefined;
    return detailPage(c, shell, viewer(c), record, now(), done ? { kind: 'done', message: staffText.done } : undefined, fileLimits);
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
    const who = viewer(c);
    const time = now();
    const refuse = (message: string) => detailPage(c, shell, who, found, time, { kind: 'error', message }, fileLimits);
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
    if (!outcome.ok) return detailPage(c, shell, who, record, time, { kind: 'error', message: outcome.message }, fileLimits);
    await log(c, action, reference);
    if (jobId) postman.send(jobId);
    if (organisationJob) postman.send(organisationJob);
    return c.redirect(`/henkilosto/pyynnot/${reference}?tallennettu`, 303);
  });

  function ownDataUpload(email: string, time: Date): Upload {
    const records = store.view(requests).group('email', email);
    return { field: 'files', name: ownDataName, bytes: ownData(email, records, store.view(marketingBans).get(email), time) };
  }

  app.get(`${base}/markkinointikiellot`, async (c) => {
    // Who looked at the list of addresses is on record (the search itself is not: it may be an address).
    await log(c, 'view_bans');
    return bansPage(c, shell, viewer(c), store.view(marketingBans));
  });

  app.get(`${base}/markkinointikiellot.csv`, async (c) => {
    await log(c, 'export_bans');
    return exportBans(c, store.view(marketingBans));
  });

  app.get(`${base}/pyynnot.csv`, async (c) => {
    await log(c, 'export_requests');
    return exportRequests(c, store.view(requests));
  });

  // Counts only, no personal data: reading them is not an audit event.
  const statisticsViews = () => ({ requests: store.view(requests), bans: store.view(marketingBans), tallies: store.view(unconfirmedTallies) });
  app.get(`${base}/tilastot`, (c) => statisticsPage(c, shell, viewer(c), statisticsViews(), now()));
  app.get(`${base}/tilastot.csv`, (c) => statisticsCsv(c, statisticsViews(), now()));

  app.get(`${base}/loki`, async (c) => {
    const actor = c.req.query('tekija')?.trim().slice(0, 64) || undefined;
    const action = c.req.query('tapahtuma')?.trim().slice(0, 64) || undefined;
    const filter = { ...(actor ? { actor } : {}), ...(action ? { action } : {}) };
    // A handler sees the audit of requests and bans; the admin sees everything, log-ins and accounts too.
    const only = c.get('role') === 'admin' ? {} : { actions: requestAuditActions };
    const { total } = await audit.page({ ...filter, ...only, offset: 0, limit: 0 });
    const page = pageOf(c.req.query('sivu'), total);
    const result = await audit.page({ ...filter, ...only, offset: page.offset, limit: pageSize });
    return auditPage(c, shell, viewer(c), result, page, filter, await audit.verify());
  });

  return app;
}
