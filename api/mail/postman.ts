/**
 * Delivers the mails queued in the store, in the background: no answer waits for the mail server. A job leaves the queue only once the mail server has taken the
 * message; a failure keeps it for a later attempt. Links need a token, and only token hashes are stored,
 * so a retry mints a fresh token (the earlier link never arrived) and stores its hash first. Mails to a
 * subject or an organisation carry the controller's contact, as the built site has it (see templates.ts).
 */
import { builtController, type Controller } from '../requests/art15.ts';
import { requests } from '../requests/collections.ts';
import { dueSummary, isEmpty } from '../requests/digest.ts';
import { isExpired } from '../requests/record.ts';
import { hashToken, newToken } from '../requests/tokens.ts';
import type { Store } from '../store/store.ts';
import { mailJobs, maxAttempts, retryDelayMs, type MailJob } from './jobs.ts';
import { banReceiptMail, confirmedMail, confirmMail, confirmReminderMail, decisionMail, extendedMail, organisationMail, staffDigestMail, staffNotifyMail, transferMail, type MailText } from './templates.ts';
import type { Mailer } from './transport.ts';

export type Postman = {
  /**
   * Delivers a queued job in the background; nobody waits for it. `token` is the link's token when the caller
   * still holds it (the first attempt); it stays in memory only.
   */
  send(jobId: string, token?: string): void;
  /** Sends every job whose next attempt is due; resolves once they have been tried. */
  deliverDue(): Promise<void>;
  /** Resolves once no delivery is waiting or under way. */
  idle(): Promise<void>;
  /** Drops the deliveries still waiting (they stay in the durable queue) and resolves once those under way end. */
  stop(): Promise<void>;
};

export type PostmanOptions = {
  store: Store;
  mailer: Mailer;
  publicUrl: string;
  /** Where new confirmed requests are announced (STAFF_NOTIFY_TO); unset, nobody is. */
  staffNotifyTo?: string | undefined;
  now: () => Date;
  /** Who signs the mails and gets the answers; by default the controller of the served site's notice. */
  controller?: () => Controller;
  log?: (line: string) => void;
};

/** Mails handed to the mail server at once. */
const concurrency = 2;
/**
 * Mails started a second at most. Far above what the service needs (1.7 million a day), it keeps a burst of
 * submissions, or the backlog after a mail server outage, from taking the server's time from the people
 * using it, and from flooding the mail server: the mails wait in the durable queue and leave at this pace.
 */
export const mailsPerSecond = 20;
/**
 * Deliveries waiting in memory at most. Past it a job simply stays in the durable queue for the next round of
 * deliverDue (with a fresh token), so a flood of submissions cannot grow the server's memory.
 */
const maxWaiting = 1_000;

export function createPostman({ store, mailer, publicUrl, staffNotifyTo, now, controller = builtController, log = console.error }: PostmanOptions): Postman {
  const waiting: { jobId: string; token: string | undefined }[] = [];
  /** Jobs waiting or under way, so none is sent twice at once. */
  const queued = new Set<string>();
  let running = 0;
  /** When the next delivery may start (performance.now()), and the timer that waits for it. */
  let nextStart = 0;
  let paced: NodeJS.Timeout | undefined;
  const idlers: (() => void)[] = [];
  const link = (path: string, token: string) => new URL(`${path}${token}`, publicUrl).href;

  /** The mail for a job, or undefined when it is no longer owed (the request is gone or already confirmed). */
  async function compose(job: MailJob, token: string | undefined): Promise<{ to: string; mail: MailText } | undefined> {
    if (job.kind === 'staff_digest') {
      // What is due when it goes, so a digest delayed by a mail server outage is not stale; nothing due, no mail.
      const summary = dueSummary(store.view(requests), now());
      return staffNotifyTo && !isEmpty(summary) ? { to: staffNotifyTo, mail: staffDigestMail(summary, (reference) => link('/henkilosto/pyynnot/', reference)) } : undefined;
    }
    const record = store.view(requests).get(job.requestId);
    if (!record) return undefined;
    const to = record.subject.email;
    const from = controller();
    switch (job.kind) {
      case 'ban_receipt':
        return { to, mail: banReceiptMail(record, from) };
      case 'confirm': {
        if (record.confirmedAt) return undefined;
        const fresh = token ?? (await rekey(record.id, 'confirmTokenHash'));
        return { to, mail: confirmMail(record, link('/pyynto/vahvista/', fresh), from) };
      }
      case 'confirm_reminder': {
        if (record.confirmedAt || isExpired(record, now())) return undefined;
        // A fresh token, as a retry mints: the link of the first mail stops working.
        const fresh = token ?? (await rekey(record.id, 'confirmTokenHash'));
        return { to, mail: confirmReminderMail(record, link('/pyynto/vahvista/', fresh), from) };
      }
      case 'confirmed': {
        const fresh = token ?? (await rekey(record.id, 'statusTokenHash'));
        return { to, mail: confirmedMail(record, link('/pyynto/tila/', fresh), from) };
      }
      case 'extended':
        return { to, mail: extendedMail(record, from) };
      case 'decided':
        return { to, mail: decisionMail(record, from) };
      case 'staff_notify':
        return staffNotifyTo ? { to: staffNotifyTo, mail: staffNotifyMail(record, link('/henkilosto/pyynnot/', record.reference)) } : undefined;
      case 'transferred':
        return { to, mail: transferMail(record, from) };
      case 'organisation': {
        const organisation = record.decision?.forwardedTo;
        return organisation ? { to: organisation, mail: organisationMail(record, from) } : undefined;
      }
    }
  }

  async function rekey(requestId: string, field: 'confirmTokenHash' | 'statusTokenHash'): Promise<string> {
    const token = newToken();
    await store.update((tx) => tx.table(requests).change(requestId, (record) => (record[field] = hashToken(token))));
    return token;
  }

  async function deliver(jobId: string, token: string | undefined): Promise<void> {
    const job = store.view(mailJobs).get(jobId);
    if (!job) return;
    try {
      const message = await compose(job, token);
      if (message) await mailer.send({ to: message.to, ...message.mail });
      await store.update((tx) => tx.table(mailJobs).delete(jobId));
    } catch (error) {
      const attempts = job.attempts + 1;
      log(`mail: job ${jobId} (${job.kind}) failed, attempt ${attempts}: ${(error as Error).name}`);
      const nextAttemptAt = new Date(now().getTime() + retryDelayMs(attempts)).toISOString();
      await store
        .update((tx) => tx.table(mailJobs).change(jobId, (queued) => Object.assign(queued, { attempts, nextAttemptAt })))
        .catch(() => undefined);
    }
  }

  function pump(): void {
    while (running < concurrency && waiting.length > 0) {
      const wait = nextStart - performance.now();
      if (wait > 0) {
        paced ??= setTimeout(() => {
          paced = undefined;
          pump();
        }, wait);
        return;
      }
      nextStart = Math.max(nextStart, performance.now()) + 1000 / mailsPerSecond;
      const { jobId, token } = waiting.shift() as (typeof waiting)[number];
      running += 1;
      void deliver(jobId, token).finally(() => {
        running -= 1;
        queued.delete(jobId);
        pump();
        if (running === 0 && waiting.length === 0) for (const wake of idlers.splice(0)) wake();
      });
    }
  }

  function send(jobId: string, token?: string): void {
    if (queued.has(jobId) || waiting.length >= maxWaiting) return;
    queued.add(jobId);
    waiting.push({ jobId, token });
    pump();
  }

  function idle(): Promise<void> {
    if (running === 0 && waiting.length === 0) return Promise.resolve();
    return new Promise((resolve) => idlers.push(resolve));
  }

  async function deliverDue(): Promise<void> {
    const time = now().getTime();
    for (const job of store.view(mailJobs).values()) {
      if (job.attempts < maxAttempts && Date.parse(job.nextAttemptAt) <= time) send(job.id);
    }
    await idle();
  }

  function stop(): Promise<void> {
    clearTimeout(paced);
    paced = undefined;
    for (const { jobId } of waiting.splice(0)) queued.delete(jobId);
    if (running === 0) for (const wake of idlers.splice(0)) wake();
    return idle();
  }

  return { send, deliverDue, idle, stop };
}
