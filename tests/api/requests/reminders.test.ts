/**
 * One reminder to confirm, two days after the request, while it is unconfirmed: with a fresh link (as a retry
 * mints one), never twice, not after confirmation or expiry, never for a ban, and within the address's daily limit.
 */
import assert from 'node:assert/strict';
import { afterEach, beforeEach, test } from 'node:test';
import { mailJobs, newJob } from '../../../api/mail/jobs.ts';
import { requests } from '../../../api/requests/collections.ts';
import { dropExpired, findByConfirmToken } from '../../../api/requests/intake.ts';
import { remindUnconfirmed } from '../../../api/requests/reminders.ts';
import { testApp, type TestApp } from '../../fixtures/app.ts';
import { linksIn } from '../../fixtures/outbox.ts';
import { erasure, postForm, postJson, type Fields } from '../../fixtures/post.ts';

let t: TestApp;
beforeEach(async () => {
  t = await testApp({ clock: { now: new Date('2026-03-02T08:00:00Z') } });
});
afterEach(() => t.close());

const hour = 3_600_000;
const later = (ms: number) => (t.clock.now = new Date(t.clock.now.getTime() + ms));
const remind = () => remindUnconfirmed(t.store, t.postman, new Date(t.clock.now));
const send = async (body: Fields) => ((await (await postJson(t.app, '/api/requests', body)).json()) as { reference: string }).reference;
const tokenIn = (text: string) => new URL(linksIn(text).find((l) => l.includes('/pyynto/vahvista/')) ?? '').pathname.split('/').at(-1) ?? '';
const stored = (reference: string) => t.store.view(requests).find('reference', reference);

test('one reminder on day two, not at 47 hours, once at 48, never again; its fresh link replaces the first', async () => {
  const reference = await send(erasure);
  const [first] = await t.mails();
  const firstToken = tokenIn(first?.text ?? '');
  later(47 * hour);
  assert.deepEqual(await remind(), []);
  assert.equal((await t.mails()).length, 1);
  later(hour);
  assert.deepEqual(await remind(), [reference]);
  const mails = await t.mails();
  assert.equal(mails.length, 2);
  const reminder = mails.find((m) => m.subject.startsWith('Muistutus'));
  assert.ok(reminder, 'no reminder');
  assert.equal(reminder.to, erasure.email);
  assert.match(reminder.text, new RegExp(reference));
  const token = tokenIn(reminder.text);
  assert.notEqual(token, firstToken);
  assert.equal(findByConfirmToken(t.store.view(requests), firstToken, t.clock.now), undefined, 'the first link still works');
  assert.equal(stored(reference)?.events.at(-1)?.action, 'reminded');
  assert.ok(stored(reference)?.reminder?.at);
  for (const step of [1, 24, 48]) {
    later(step * hour);
    assert.deepEqual(await remind(), []);
  }
  assert.equal((await t.mails()).length, 2);
  assert.equal((await postForm(t.app, '/api/requests/confirm', { token })).status, 303);
  assert.equal(stored(reference)?.status, 'received');
});

test('no reminder once the request is confirmed', async () => {
  await send(erasure);
  const token = tokenIn((await t.mails())[0]?.text ?? '');
  later(hour);
  assert.equal((await postForm(t.app, '/api/requests/confirm', { token })).status, 303);
  later(49 * hour);
  assert.deepEqual(await remind(), []);
  assert.equal((await t.mails()).filter((m) => m.subject.startsWith('Muistutus')).length, 0);
});

test('no reminder while the first confirmation mail is still queued (the mail server is down): it waits for that one to go', async () => {
  const reference = await send(erasure);
  await t.postman.idle();
  await t.store.update((tx) => tx.table(mailJobs).put(newJob(stored(reference)?.id ?? '', 'confirm', new Date(t.clock.now))));
  later(48 * hour);
  assert.deepEqual(await remind(), []);
  await t.postman.deliverDue();
  assert.deepEqual(await remind(), [reference]);
});

test('no reminder once the week to confirm is over, before or after the expired request is dropped', async () => {
  await send(erasure);
  later(7 * 24 * hour + 1);
  assert.deepEqual(await remind(), []);
  await t.store.update((tx) => dropExpired(tx, new Date(t.clock.now)));
  later(hour);
  assert.deepEqual(await remind(), []);
  assert.equal((await t.mails()).length, 1);
});

test('a marketing ban, which needs no confirmation, never gets a reminder', async () => {
  await send({ type: 'marketing_ban', email: 'kielto@example.fi' });
  for (const step of [48, 1, 72]) {
    later(step * hour);
    assert.deepEqual(await remind(), []);
  }
  const mails = await t.mails();
  assert.deepEqual(mails.map((m) => m.subject), ['Suoramarkkinointikielto on kirjattu']);
});

test('when the address has had its mails of the last 24 hours, the reminder is withheld and recorded, and never sent later', async () => {
  const reference = await send(erasure);
  later(30 * hour);
  const person = { name: erasure.name, email: erasure.email, relation: 'private' };
  const others = [
    await send({ type: 'access', ...person }),
    await send({ type: 'portability', ...person, format: 'json' }),
    await send({ type: 'objection', ...person, details: 'Vastustan käsittelyä.' }),
  ];
  assert.equal((await t.mails()).length, 4);
  later(18 * hour);
  assert.deepEqual(await remind(), []);
  assert.deepEqual(stored(reference)?.reminder, { at: t.clock.now.toISOString(), withheld: 'daily_limit' });
  assert.equal(stored(reference)?.events.at(-1)?.action, 'reminder_withheld');
  assert.equal((await t.mails()).length, 4);
  // Two days after the later three, the day's mails are free again: they are reminded, the first never.
  later(30 * hour);
  assert.deepEqual((await remind()).sort(), others.sort());
  assert.equal((await t.mails()).filter((m) => m.subject.startsWith('Muistutus')).length, 3);
});

test('a reminder counts against the daily limit of new submissions to the address', async () => {
  await send(erasure);
  await t.mails();
  later(48 * hour);
  await send({ type: 'access', name: erasure.name, email: erasure.email, relation: 'private' });
  await remind();
  await send({ type: 'objection', name: erasure.name, email: erasure.email, relation: 'private', details: 'Vastustan.' });
  const fourth = await send({ type: 'portability', name: erasure.name, email: erasure.email, relation: 'private', format: 'json' });
  assert.equal((await t.mails()).length, 4, 'first, access, the reminder and objection');
  assert.equal(stored(fourth)?.mailWithheld, 'daily_limit');
});

test('a mail server that is down delays the reminder: it goes once when the server returns, and its link works', async () => {
  await t.close();
  let down = false;
  const sent: { to: string; subject: string; text: string }[] = [];
  t = await testApp({
    clock: { now: new Date('2026-03-02T08:00:00Z') },
    mailer: {
      send: async (mail) => {
        if (down) throw new Error('connection refused');
        sent.push(mail);
      },
      close: () => {},
    },
  });
  const reference = await send(erasure);
  await t.postman.idle();
  assert.equal(sent.length, 1, 'the confirmation mail');
  down = true;
  later(48 * hour);
  assert.deepEqual(await remind(), [reference]);
  await t.postman.idle();
  // The server is down for a day: the reminder waits in the queue, and no second one is made meanwhile.
  for (let i = 0; i < 4; i++) {
    later(6 * hour);
    assert.deepEqual(await remind(), []);
    await t.postman.deliverDue();
  }
  assert.equal(sent.length, 1);
  assert.equal(t.store.view(mailJobs).size, 1);
  down = false;
  later(24 * hour);
  await t.postman.deliverDue();
  await t.postman.idle();
  const reminders = sent.filter((m) => m.subject.startsWith('Muistutus'));
  assert.equal(reminders.length, 1);
  assert.equal(t.store.view(mailJobs).size, 0);
  later(hour);
  await t.postman.deliverDue();
  assert.deepEqual(await remind(), []);
  assert.equal(sent.filter((m) => m.subject.startsWith('Muistutus')).length, 1, 'sent twice');
  assert.equal((await postForm(t.app, '/api/requests/confirm', { token: tokenIn(reminders[0]?.text ?? '') })).status, 303);
  assert.equal(stored(reference)?.status, 'received');
});
