/** A transfer to another provider (portability): staff record to whom, when, what and how; the subject sees it in a mail and on the status page. */
import assert from 'node:assert/strict';
import { afterEach, beforeEach, test } from 'node:test';
import { allowedActions } from '../../../api/requests/actions.ts';
import { requests } from '../../../api/requests/collections.ts';
import type { TestApp } from '../../fixtures/app.ts';
import { linksIn } from '../../fixtures/outbox.ts';
import { erasure } from '../../fixtures/post.ts';
import { act, confirmedRequest, staffApp } from '../../fixtures/staff.ts';

const portability = { ...erasure, type: 'portability', format: 'json', recipient: 'Toinen Oppimisalusta Oy' };
const transfer = { transferTo: 'Toinen Oppimisalusta Oy', transferOn: '2026-01-30', transferWhat: 'Kurssisuoritukset ja tehtävät JSON-tiedostona', transferHow: 'Suojattu siirtopalvelu' };

let t: TestApp;
let cookie: string;
beforeEach(async () => {
  ({ t, cookie } = await staffApp());
});
afterEach(() => t.close());

test('staff record a transfer; the subject is mailed its details and sees it on the status page', async () => {
  const reference = await confirmedRequest(t, portability);
  const res = await act(t, cookie, reference, { action: 'transfer', ...transfer });
  assert.equal(res.status, 303);
  const [recorded] = t.store.view(requests).find('reference', reference)?.transfers ?? [];
  assert.deepEqual({ ...recorded, at: undefined }, { to: transfer.transferTo, on: '2026-01-30', what: transfer.transferWhat, how: transfer.transferHow, by: 'maija', at: undefined });
  const mails = await t.mails();
  const mail = mails.find((m) => m.subject === `Tietosi on siirretty (${reference})`);
  assert.ok(mail, 'the subject was not told of the transfer');
  for (const value of [transfer.transferTo, '30.1.2026', transfer.transferWhat, transfer.transferHow]) assert.ok(mail.text.includes(value), value);
  const statusLink = linksIn(mails.find((m) => /vahvistettu/.test(m.subject))?.text ?? '').find((link) => link.includes('/pyynto/tila/')) ?? '';
  const page = await (await t.app.request(new URL(statusLink).pathname)).text();
  assert.match(page, /Tietojen siirto/);
  assert.match(page, /30\.1\.2026: Toinen Oppimisalusta Oy/);
});

test('refuses a transfer without its details, dated in the future, or of a request that is not for portability', async () => {
  const reference = await confirmedRequest(t, portability);
  for (const [fields, message] of [
    [{ ...transfer, transferTo: '' }, /kenelle tiedot siirrettiin/],
    [{ ...transfer, transferOn: '2026-02-01' }, /ei voi olla tulevaisuudessa/],
    [{ ...transfer, transferOn: 'eilen' }, /Anna siirron päivä/],
    [{ ...transfer, transferWhat: ' ' }, /mitkä tiedot siirrettiin/],
    [{ ...transfer, transferHow: '' }, /miten tiedot siirrettiin/],
  ] as const) {
    const res = await act(t, cookie, reference, { action: 'transfer', ...fields });
    assert.equal(res.status, 422);
    assert.match(await res.text(), message);
  }
  assert.equal(t.store.view(requests).find('reference', reference)?.transfers, undefined);
  const other = await confirmedRequest(t, { ...erasure, email: 'toinen@example.fi' });
  assert.equal((await act(t, cookie, other, { action: 'transfer', ...transfer })).status, 422);
});

test('is not offered once a request was forwarded (the organisation, the controller, transfers) or pseudonymised', () => {
  const base = { id: 'id', reference: 'TS-2026-00001', type: 'portability' as const, subject: { email: 'm@example.fi' }, createdAt: '2026-01-31T10:00:00Z', events: [] };
  const now = new Date('2026-02-10T10:00:00Z');
  assert.ok(allowedActions({ ...base, status: 'completed' }, now).includes('transfer'));
  assert.ok(!allowedActions({ ...base, status: 'forwarded' }, now).includes('transfer'));
  assert.ok(!allowedActions({ ...base, status: 'completed', pseudonymisedAt: '2028-02-01T00:00:00Z' }, now).includes('transfer'));
  assert.ok(!allowedActions({ ...base, type: 'access', status: 'completed' }, now).includes('transfer'));
});
