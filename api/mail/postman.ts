/**
 * Delivers the mails queued in the store. A job leaves the queue only once the mail server has taken the
 * message; a failure keeps it for a later attempt. Links need a token, and only token hashes are stored,
 * so a retry mints a fresh token (the earlier link never arrived) and stores its hash first.
 */
import { hashToken, newToken } from '../requests/tokens.ts';
import type { RequestRecord } from '../requests/record.ts';
import type { Db } from '../store/db.ts';
import type { Store } from '../store/store.ts';
import { maxAttempts, retryDelayMs, type MailJob } from './jobs.ts';
import { banReceiptMail, confirmedMail, confirmMail, decisionMail, extendedMail, staffNotifyMail, type MailText } from './templates.ts';
import type { Mailer } from './transport.ts';

export type Postman = {
  /** Sends one queued job now; `token` is the link's token when the caller still holds it. */
  deliver(jobId: string, token?: string): Promise<void>;
  /** Sends every job whose next attempt is due. */
  deliverDue(): Promise<void>;
};

export type PostmanOptions = {
  store: Store<Db>;
  mailer: Mailer;
  publicUrl: string;
  /** Where new confirmed requests are announced (STAFF_NOTIFY_TO); unset, nobody is. */
  staffNotifyTo?: string | undefined;
  now: () => Date;
  log?: (line: string) => void;
};

export function createPostman({ store, mailer, publicUrl, staffNotifyTo, now, log = console.error }: PostmanOptions): Postman {
  const inFlight = new Set<string>();
  const link = (path: string, token: string) => new URL(`${path}${token}`, publicUrl).href;

  /** The mail for a job, or undefined when it is no longer owed (the request is gone or already confirmed). */
  async function compose(job: MailJob, token: string | undefined): Promise<{ to: string; mail: MailText } | undefined> {
    const record = store.data.requests.find((r) => r.id === job.requestId);
    if (!record) return undefined;
    const to = record.subject.email;
    switch (job.kind) {
      case 'ban_receipt':
        return { to, mail: banReceiptMail(record) };
      case 'confirm': {
        if (record.confirmedAt) return undefined;
        const fresh = token ?? (await rekey(record.id, 'confirmTokenHash'));
        return { to, mail: confirmMail(record, link('/pyynto/vahvista/', fresh)) };
      }
      case 'confirmed': {
        const fresh = token ?? (await rekey(record.id, 'statusTokenHash'));
        return { to, mail: confirmedMail(record, link('/pyynto/tila/', fresh)) };
      }
      case 'extended':
        return { to, mail: extendedMail(record) };
      case 'decided':
        return { to, mail: decisionMail(record) };
      case 'staff_notify':
        return staffNotifyTo ? { to: staffNotifyTo, mail: staffNotifyMail(record, link('/henkilosto/pyynnot/', record.reference)) } : undefined;
    }
  }

  async function rekey(requestId: string, field: 'confirmTokenHash' | 'statusTokenHash'): Promise<string> {
    const token = newToken();
    await store.update((db) => {
      const record: RequestRecord | undefined = db.requests.find((r) => r.id === requestId);
      if (record) record[field] = hashToken(token);
    });
    return token;
  }

  async function deliver(jobId: string, token?: string): Promise<void> {
    const job = store.data.mailQueue.find((j) => j.id === jobId);
    if (!job || inFlight.has(jobId)) return;
    inFlight.add(jobId);
    try {
      const message = await compose(job, token);
      if (message) await mailer.send({ to: message.to, ...message.mail });
      await store.update((db) => {
        db.mailQueue = db.mailQueue.filter((j) => j.id !== jobId);
      });
    } catch (error) {
      const attempts = job.attempts + 1;
      log(`mail: job ${jobId} (${job.kind}) failed, attempt ${attempts}: ${(error as Error).name}`);
      await store
        .update((db) => {
          const queued = db.mailQueue.find((j) => j.id === jobId);
          if (!queued) return;
          queued.attempts = attempts;
          queued.nextAttemptAt = new Date(now().getTime() + retryDelayMs(attempts)).toISOString();
        })
        .catch(() => undefined);
    } finally {
      inFlight.delete(jobId);
    }
  }

  async function deliverDue(): Promise<void> {
    const time = now().getTime();
    const due = store.data.mailQueue.filter((j) => j.attempts < maxAttempts && Date.parse(j.nextAttemptAt) <= time);
    for (const job of due) await deliver(job.id);
  }

  return { deliver, deliverDue };
}
