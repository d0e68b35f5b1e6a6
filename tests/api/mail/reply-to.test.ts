/**
 * Every mail to a subject or an organisation is answered to the controller's contact address from the notice
 * (Reply-To), not to MAIL_FROM, and signed with the controller's name, address and phone; the staff notice is not.
 * Each template goes through the postman and the transport to the outbox, as the server sends it.
 */
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, test } from 'node:test';
import { simpleParser } from 'mailparser';
import { mailJobs, newJob, type MailKind } from '../../../api/mail/jobs.ts';
import { createPostman } from '../../../api/mail/postman.ts';
import { createMailer } from '../../../api/mail/transport.ts';
import { builtController, type Controller } from '../../../api/requests/art15.ts';
import { requests } from '../../../api/requests/collections.ts';
import type { RequestRecord } from '../../../api/requests/record.ts';
import { publicUrl, testApp, type TestApp } from '../../fixtures/app.ts';
import { readOutbox } from '../../fixtures/outbox.ts';
import { erasure, postJson } from '../../fixtures/post.ts';

const controller: Controller = { name: 'Esimerkki Oy', email: 'tietosuoja-vastaukset@example.fi', phone: '09 123 4567' };
const staffNotifyTo = 'henkilosto@example.fi';

let t: TestApp;
afterEach(() => t.close());

/** The outbox's mails with their Reply-To address, which the outbox fixture leaves out. */
async function mailsWithReplyTo(outboxDir: string) {
  return Promise.all(
    (await readOutbox(outboxDir)).map(async (mail) => {
      const parsed = await simpleParser(await readFile(join(outboxDir, mail.file)));
      return { ...mail, replyTo: parsed.replyTo?.value.map((address) => address.address).join(', ') };
    }),
  );
}

const at = '2026-02-10T10:00:00.000Z';
const confirmed = (reference: string, extra: Partial<RequestRecord> = {}): RequestRecord => ({
  id: crypto.randomUUID(),
  reference,
  type: 'erasure',
  status: 'received',
  subject: { name: 'Maija Meikäläinen', email: `${reference.toLowerCase()}@example.fi`, relation: 'organisation', organisation: 'Oulun kaupunki' },
  createdAt: '2026-01-31T10:00:00.000Z',
  confirmedAt: '2026-02-02T10:00:00.000Z',
  dueAt: '2026-02-28',
  events: [],
  ...extra,
});

/** A request for each mail kind (three for the decisions' outcomes), and the jobs that owe the mails. */
const owed: Record<MailKind, RequestRecord[]> = {
  confirm: [(({ confirmedAt: _c, dueAt: _d, ...record }) => ({ ...record, status: 'awaiting_confirmation' as const, confirmBy: '2026-02-17T10:00:00.000Z' }))(confirmed('TS-2026-00001'))],
  confirm_reminder: [(({ confirmedAt: _c, dueAt: _d, ...record }) => ({ ...record, status: 'awaiting_confirmation' as const, confirmBy: '2026-02-17T10:00:00.000Z' }))(confirmed('TS-2026-00009'))],
  confirmed: [confirmed('TS-2026-00002')],
  ban_receipt: [confirmed('TS-2026-00003', { type: 'marketing_ban', status: 'completed', subject: { email: 'kielto@example.fi', phone: '+358401234567' } })],
  extended: [confirmed('TS-2026-00004', { extension: { until: '2026-04-28', reason: 'Pyyntöjä on paljon.' } })],
  decided: (['completed', 'rejected', 'forwarded'] as const).map((outcome, i) =>
    confirmed(`TS-2026-0001${i}`, { status: outcome, decision: { outcome, reason: 'Perustelu.', by: 'maija', at, forwardedTo: 'tietosuoja@koulu.example' } }),
  ),
  staff_notify: [confirmed('TS-2026-00005')],
  // The digest lists what is due, whatever request its job names: this one is due in two days.
  staff_digest: [confirmed('TS-2026-00008', { dueAt: '2026-02-12' })],
  transferred: [confirmed('TS-2026-00006', { type: 'portability', transfers: [{ to: 'Toinen Oy', on: '2026-02-09', what: 'Tehtävät', how: 'Suojattu siirto', by: 'maija', at }] })],
  organisation: [confirmed('TS-2026-00007', { status: 'forwarded', decision: { outcome: 'forwarded', reason: '', by: 'maija', at, forwardedTo: 'tietosuoja@koulu.example' } })],
};

test('every mail to a subject or an organisation answers to the controller and is signed by it; the staff notice neither', async () => {
  t = await testApp();
  const jobs = Object.entries(owed).flatMap(([kind, records]) => records.map((record) => ({ kind: kind as MailKind, record })));
  await t.store.update((tx) => {
    for (const { kind, record } of jobs) {
      tx.table(requests).put(record);
      tx.table(mailJobs).put(newJob(record.id, kind, new Date(at)));
    }
  });
  const outboxDir = join(t.dataDir, 'own-outbox');
  const mailer = createMailer({ outboxDir, from: 'Opinaika tietosuoja <tietosuoja@example.fi>', log: () => {} });
  const postman = createPostman({ store: t.store, mailer, publicUrl, staffNotifyTo, now: () => new Date(at), controller: () => controller, log: assert.fail });
  await postman.deliverDue();
  mailer.close();

  const mails = await mailsWithReplyTo(outboxDir);
  assert.equal(mails.length, jobs.length, 'a job was not sent');
  for (const { kind, record } of jobs) {
    const toStaff = kind === 'staff_notify' || kind === 'staff_digest';
    const to = toStaff ? staffNotifyTo : kind === 'organisation' ? 'tietosuoja@koulu.example' : record.subject.email;
    const mail = mails.find((m) => m.to === to && m.text.includes(record.reference));
    assert.ok(mail, `no ${kind} mail for ${record.reference}`);
    if (toStaff) {
      assert.equal(mail.replyTo, undefined, 'the staff notice answers to the controller');
      assert.ok(!mail.text.includes(controller.email));
      continue;
    }
    assert.equal(mail.replyTo, controller.email, `${kind} ${record.reference}`);
    assert.ok(
      mail.text.endsWith(`Ystävällisin terveisin\n${controller.name}, Opinaika\n${controller.email}\npuh. ${controller.phone}`),
      `${kind} ${record.reference} is not signed by the controller:\n${mail.text}`,
    );
    assert.ok(!mail.text.includes('info@alfasoft.fi'), `${kind} names an address of its own`);
  }
});

test('by default the controller is the one the built site took from the notice\'s frontmatter; a ban names the phone recorded', async () => {
  t = await testApp();
  await postJson(t.app, '/api/requests', erasure);
  await postJson(t.app, '/api/requests', { type: 'marketing_ban', email: 'kielto@example.fi', phone: '040 123 4567' });
  const notice = await readFile(new URL('../../../content/tietosuojaseloste.mdx', import.meta.url), 'utf8');
  const email = /^ {2}email: *(\S+)$/m.exec(notice)?.[1];
  const phone = /^ {2}phone: *(.+)$/m.exec(notice)?.[1];
  assert.ok(email && phone);
  assert.equal(builtController().email, email);
  await t.postman.idle();
  const mails = await mailsWithReplyTo(t.outboxDir);
  assert.equal(mails.length, 2);
  assert.match(mails.find((mail) => mail.to === 'kielto@example.fi')?.text ?? '', /\nPuhelinnumero: \+358401234567\n\nKielto koskee sähköpostia, puheluita ja tekstiviestejä\./);
  for (const mail of mails) {
    assert.equal(mail.replyTo, email);
    assert.ok(mail.text.endsWith(`${email}\npuh. ${phone}`), mail.text);
  }
});
