/**
 * The staff's daily deadline digest: the references overdue, due within a week and extended awaiting a decision,
 * with links to the staff pages and nothing personal; at most once a Finnish day, and none when nothing is due.
 */
import assert from 'node:assert/strict';
import { afterEach, test } from 'node:test';
import { requests } from '../../../api/requests/collections.ts';
import { dueSummary, queueDigest, staffDigests } from '../../../api/requests/digest.ts';
import type { RequestRecord } from '../../../api/requests/record.ts';
import { publicUrl, testApp, type TestApp } from '../../fixtures/app.ts';
import { addStaff, asStaff, login } from '../../fixtures/staff.ts';

const staffNotifyTo = 'henkilosto@example.fi';
let t: TestApp;
afterEach(() => t.close());

const open = (reference: string, extra: Partial<RequestRecord> = {}): RequestRecord => ({
  id: crypto.randomUUID(),
  reference,
  type: 'erasure',
  status: 'received',
  subject: { name: `Nimi ${reference}`, email: `${reference.toLowerCase()}@example.fi`, phone: '+358401234567' },
  details: `Vapaata tekstiä ${reference}`,
  createdAt: '2026-01-05T10:00:00.000Z',
  confirmedAt: '2026-01-05T11:00:00.000Z',
  dueAt: '2026-02-05',
  events: [],
  ...extra,
});

/** On 10 February 2026 (12:00 in Helsinki). */
const records = [
  open('TS-2026-00001', { dueAt: '2026-02-09' }), // overdue
  open('TS-2026-00002', { status: 'in_progress', dueAt: '2026-02-17' }), // due in 7 days
  open('TS-2026-00003', { dueAt: '2026-02-10' }), // due today
  open('TS-2026-00004', { dueAt: '2026-02-05', extension: { until: '2026-04-05', reason: 'Paljon pyyntöjä.' } }), // extended
  open('TS-2026-00005', { dueAt: '2026-02-05', extension: { until: '2026-02-12', reason: 'Paljon pyyntöjä.' } }), // extended, due soon
  open('TS-2026-00006', { dueAt: '2026-02-18' }), // 8 days: not yet
  open('TS-2026-00007', { status: 'completed', dueAt: '2026-02-01' }), // decided
];

async function withRecords(list: RequestRecord[], notify: string | undefined = staffNotifyTo) {
  t = await testApp({ clock: { now: new Date('2026-02-10T10:00:00Z') }, ...(notify ? { staffNotifyTo: notify } : {}) });
  await t.store.update((tx) => {
    for (const record of list) tx.table(requests).put(record);
  });
}
const digest = (notify: string | undefined = staffNotifyTo) => queueDigest(t.store, t.postman, new Date(t.clock.now), notify);
const digestUnset = () => queueDigest(t.store, t.postman, new Date(t.clock.now), undefined);
const staffMails = async () => (await t.mails()).filter((m) => m.to === staffNotifyTo);

test('lists the overdue, the due soon and the extended by reference with staff links, and nothing personal', async () => {
  await withRecords(records);
  assert.deepEqual(dueSummary(t.store.view(requests), new Date(t.clock.now)), {
    overdue: ['TS-2026-00001'],
    dueSoon: ['TS-2026-00003', 'TS-2026-00005', 'TS-2026-00002'],
    extended: ['TS-2026-00004'],
  });
  assert.ok(await digest());
  const [mail, ...more] = await staffMails();
  assert.ok(mail);
  assert.equal(more.length, 0);
  assert.equal((await t.mails()).length, 1, 'a subject was mailed');
  for (const reference of ['TS-2026-00001', 'TS-2026-00002', 'TS-2026-00003', 'TS-2026-00004', 'TS-2026-00005']) {
    assert.ok(mail.text.includes(`${publicUrl}/henkilosto/pyynnot/${reference}`), `no link to ${reference}:\n${mail.text}`);
  }
  for (const reference of ['TS-2026-00006', 'TS-2026-00007']) assert.ok(!mail.text.includes(reference), `${reference} is listed`);
  assert.match(mail.text, /Myöhässä: 1/);
  assert.match(mail.text, /7 päivän kuluessa: 3/);
  assert.match(mail.text, /pidennetty.*: 1/i);
  for (const record of records) {
    for (const personal of [record.subject.name, record.subject.email, record.subject.phone, record.details, 'Paljon pyyntöjä']) {
      assert.ok(!mail.text.includes(personal ?? '') && !mail.subject.includes(personal ?? ''), `the digest has ${personal}`);
    }
  }
});

test('goes once a Finnish calendar day, the day kept in the store; the next day again', async () => {
  await withRecords(records);
  assert.ok(await digest());
  // 23:30 in Helsinki, the same day.
  t.clock.now = new Date('2026-02-10T21:30:00Z');
  assert.equal(await digest(), undefined);
  assert.equal((await staffMails()).length, 1);
  assert.deepEqual((await t.disk()).list(staffDigests).map((d) => d.date), ['2026-02-10'], 'the day is not stored');
  // 00:30 in Helsinki, the next day.
  t.clock.now = new Date('2026-02-10T22:30:00Z');
  assert.ok(await digest());
  assert.equal(await digest(), undefined);
  assert.equal((await staffMails()).length, 2);
});

test('nothing is sent when nothing is due, or when STAFF_NOTIFY_TO is unset', async () => {
  await withRecords([records[5] as RequestRecord, records[6] as RequestRecord]);
  assert.deepEqual(dueSummary(t.store.view(requests), new Date(t.clock.now)), { overdue: [], dueSoon: [], extended: [] });
  assert.equal(await digest(), undefined);
  assert.equal(await digestUnset(), undefined);
  assert.equal((await t.mails()).length, 0);
  assert.equal(t.store.view(staffDigests).get('2026-02-10'), undefined);
  // Something falls due: the day's digest goes after all.
  t.clock.now = new Date('2026-02-11T10:00:00Z');
  assert.ok(await digest());
  assert.equal((await staffMails()).length, 1);
});

test('unset STAFF_NOTIFY_TO: no digest is queued even when much is due', async () => {
  await withRecords(records, undefined);
  assert.equal(await digestUnset(), undefined);
  assert.equal((await t.mails()).length, 0);
});

test('the staff front page shows the same at the top, with links to the requests', async () => {
  await withRecords(records);
  await addStaff(t);
  const cookie = await login(t);
  const page = await (await asStaff(t, cookie, '/henkilosto/')).text();
  const due = page.match(/<section class="due"[\s\S]*?<\/section>/)?.[0] ?? '';
  assert.match(due, /Myöhässä: <strong>1<\/strong> – <a href="\/henkilosto\/pyynnot\/TS-2026-00001"/);
  assert.match(due, /Määräaika päättyy 7 päivän kuluessa: <strong>3<\/strong>/);
  assert.match(due, /Määräaikaa pidennetty, ratkaisua odottaa: <strong>1<\/strong> – <a href="\/henkilosto\/pyynnot\/TS-2026-00004"/);
  assert.ok(!due.includes('TS-2026-00006') && !due.includes('TS-2026-00007'));
});
