/**
 * The deadline of Art. 12(3): a month from the day the request arrived (not from its confirmation), with the
 * month's end where the date does not exist, and both days and the deadline shown to the subject and staff.
 */
import assert from 'node:assert/strict';
import { afterEach, describe, test } from 'node:test';
import { requests } from '../../../api/requests/collections.ts';
import { addMonths, daysLeft, dueDate, finnishDate, finnishMonth, latestExtension } from '../../../api/requests/deadline.ts';
import { testApp, type TestApp } from '../../fixtures/app.ts';
import { linksIn } from '../../fixtures/outbox.ts';
import { erasure, postForm, postJson } from '../../fixtures/post.ts';
import { addStaff, asStaff, login } from '../../fixtures/staff.ts';

test('one month from receipt is the same date next month', () => {
  assert.equal(dueDate(new Date('2026-03-15T09:00:00Z')), '2026-04-15');
  assert.equal(dueDate(new Date('2026-12-10T09:00:00Z')), '2027-01-10');
});

test('31 January gives the last day of February: the 28th, or the 29th in a leap year', () => {
  assert.equal(dueDate(new Date('2026-01-31T10:00:00Z')), '2026-02-28');
  assert.equal(dueDate(new Date('2028-01-31T10:00:00Z')), '2028-02-29');
  assert.equal(addMonths('2026-03-31', 1), '2026-04-30');
  assert.equal(addMonths('2026-08-31', 1), '2026-09-30');
});

test('the date counts in Finland: a request at 23.30 UTC on 31 January arrived on 1 February there', () => {
  assert.equal(finnishDate(new Date('2026-01-31T23:30:00Z')), '2026-02-01');
  assert.equal(dueDate(new Date('2026-01-31T23:30:00Z')), '2026-03-01');
  assert.equal(finnishDate(new Date('2026-07-31T21:30:00Z')), '2026-08-01', 'summer time is UTC+3');
});

test('the quick Finnish date and month (read from the UTC time where they cannot differ) agree with the time zone database every half hour for three years', () => {
  const zone = new Intl.DateTimeFormat('en-CA', { timeZone: 'Europe/Helsinki', year: 'numeric', month: '2-digit', day: '2-digit' });
  for (let at = Date.parse('2025-01-01T00:15:00Z'); at < Date.parse('2028-01-01T00:00:00Z'); at += 30 * 60_000) {
    const instant = new Date(at);
    const expected = zone.format(instant);
    assert.equal(finnishDate(instant), expected, instant.toISOString());
    assert.equal(finnishMonth(instant.toISOString()), expected.slice(0, 7), instant.toISOString());
  }
  // Not the store's own form: the time zone database decides.
  assert.equal(finnishMonth('2026-03-31T23:30:00+00:00'), '2026-04');
  assert.equal(finnishMonth('2026-03-31T22:00:00.000Z'), '2026-04');
  assert.equal(finnishMonth('2026-03-31T20:59:59.999Z'), '2026-03');
});

test('an extension reaches at most two months past the first deadline', () => {
  assert.equal(latestExtension('2026-02-28'), '2026-04-28');
  assert.equal(latestExtension('2026-12-31'), '2027-02-28');
});

test('days left count Finnish calendar days, zero on the day, negative when overdue', () => {
  assert.equal(daysLeft('2026-02-28', new Date('2026-02-20T12:00:00Z')), 8);
  assert.equal(daysLeft('2026-02-28', new Date('2026-02-28T21:59:00Z')), 0);
  assert.equal(daysLeft('2026-02-28', new Date('2026-02-28T22:01:00Z')), -1);
});

let t: TestApp | undefined;
afterEach(async () => {
  await t?.close();
  t = undefined;
});

/** Submits at `received`, confirms at `confirmed` through the form, and returns the stored request and its status page. */
async function receivedAndConfirmed(received: string, confirmed: string) {
  t = await testApp({ clock: { now: new Date(received) } });
  const app = t;
  const { reference } = (await (await postJson(app.app, '/api/requests', erasure)).json()) as { reference: string };
  const link = linksIn((await app.mails())[0]?.text ?? '').find((l) => l.includes('/pyynto/vahvista/')) ?? '';
  app.clock.now = new Date(confirmed);
  const res = await postForm(app.app, '/api/requests/confirm', { token: new URL(link).pathname.split('/').at(-1) ?? '' });
  assert.equal(res.status, 303);
  const record = app.store.view(requests).find('reference', reference);
  assert.ok(record);
  return { app, record, statusPath: res.headers.get('location') ?? '' };
}

describe('the deadline runs from the day the request arrived, however late it was confirmed', () => {
  const cases: [received: string, confirmed: string, due: string][] = [
    ['2026-01-31T10:00:00Z', '2026-02-02T10:00:00Z', '2026-02-28'],
    ['2028-01-31T10:00:00Z', '2028-02-02T10:00:00Z', '2028-02-29'],
    ['2026-04-30T10:00:00Z', '2026-05-06T10:00:00Z', '2026-05-30'],
    ['2026-03-31T10:00:00Z', '2026-04-01T10:00:00Z', '2026-04-30'],
    ['2026-05-31T10:00:00Z', '2026-06-01T10:00:00Z', '2026-06-30'],
    ['2026-12-31T10:00:00Z', '2027-01-02T10:00:00Z', '2027-01-31'],
    ['2026-01-31T23:30:00Z', '2026-02-03T10:00:00Z', '2026-03-01'],
  ];
  for (const [received, confirmed, due] of cases) {
    test(`received ${received.slice(0, 16)}, confirmed ${confirmed.slice(0, 10)}: due ${due}`, async () => {
      const { record } = await receivedAndConfirmed(received, confirmed);
      assert.equal(record.createdAt, new Date(received).toISOString());
      assert.equal(record.confirmedAt, new Date(confirmed).toISOString());
      assert.equal(record.dueAt, due);
    });
  }
});

describe('the subject and staff see when it arrived, when it was confirmed, and the deadline', () => {
  test('on the status page and in the confirmation mail', async () => {
    const { app, statusPath } = await receivedAndConfirmed('2026-01-31T10:00:00Z', '2026-02-02T10:00:00Z');
    const page = await (await app.app.request(statusPath)).text();
    assert.match(page, /<li><strong>Pyyntö saapui<\/strong> <time datetime="2026-01-31">31\.1\.2026<\/time><\/li>/);
    assert.match(page, /<li><strong>Vahvistettu<\/strong> <time datetime="2026-02-02">2\.2\.2026<\/time><\/li>/);
    assert.match(page, /<dt>Vastaamme viimeistään<\/dt><dd>28\.2\.2026<\/dd>/);
    assert.match(page, /Vastaamme viimeistään 28\.2\.2026, eli kuukauden kuluessa siitä, kun pyyntösi saapui\./);
    const mail = (await app.mails()).find((m) => m.subject.endsWith('on vahvistettu'));
    assert.match(mail?.text ?? '', /Pyyntö saapui: 31\.1\.2026\nVahvistettu: 2\.2\.2026\n\nVastaamme viimeistään 28\.2\.2026, eli kuukauden kuluessa siitä, kun pyyntösi saapui\./);
  });

  test('on the request\'s staff page, with what the deadline counts from', async () => {
    const { app, record } = await receivedAndConfirmed('2026-01-31T10:00:00Z', '2026-02-02T10:00:00Z');
    await addStaff(app);
    const page = await (await asStaff(app, await login(app), `/henkilosto/pyynnot/${record.reference}`)).text();
    assert.match(page, /<dt>Lähetetty<\/dt><dd class="text">31\.1\.2026<\/dd>/);
    assert.match(page, /<dt>Vahvistettu<\/dt><dd class="text">2\.2\.2026<\/dd>/);
    assert.match(page, /Määräaika: <strong>28\.2\.2026<\/strong> \(kuukausi pyynnön saapumisesta 31\.1\.2026\)/);
  });
});
