/**
 * Forwarding tells the organisation: staff give its contact address (checked as the subject's is), the
 * organisation receives the reference, the type, who asked and how to reach them and what they asked, and
 * nothing more; the subject is told which organisation it went to. Through a real SMTP server.
 */
import assert from 'node:assert/strict';
import { afterEach, beforeEach, test } from 'node:test';
import { requests } from '../../../api/requests/collections.ts';
import { testApp, type TestApp } from '../../fixtures/app.ts';
import { linksIn } from '../../fixtures/outbox.ts';
import { postForm, postJson } from '../../fixtures/post.ts';
import { startSmtpServer, type SmtpServer } from '../../fixtures/smtp.ts';
import { act, addStaff, login } from '../../fixtures/staff.ts';

const subject = {
  type: 'erasure',
  name: 'Maija Meikäläinen',
  email: 'maija.meikalainen@example.fi',
  phone: '040 123 4567',
  relation: 'organisation',
  organisation: 'Esimerkkilän koulu',
  username: 'maija.m',
  details: 'Poistakaa kaikki tietoni Opinaikasta.',
};
const organisation = 'tietosuoja@esimerkkila.example';

let smtp: SmtpServer;
let t: TestApp;
let cookie: string;
let reference: string;
beforeEach(async () => {
  smtp = await startSmtpServer();
  t = await testApp({ smtpUrl: smtp.url });
  await addStaff(t);
  cookie = await login(t);
  reference = ((await (await postJson(t.app, '/api/requests', subject)).json()) as { reference: string }).reference;
  const confirm = await smtp.waitFor((mail) => mail.to === subject.email);
  const token = new URL(linksIn(confirm.text).find((link) => link.includes('/pyynto/vahvista/')) ?? '').pathname.split('/').at(-1) ?? '';
  assert.equal((await postForm(t.app, '/api/requests/confirm', { token })).status, 303);
});
afterEach(async () => {
  await t.close();
  await smtp.close();
});

test('the organisation receives who asked, how to reach them and what they asked, and the subject is told where it went', async () => {
  await act(t, cookie, reference, { action: 'note', text: 'Sisäinen muistiinpano: soitettu.' });
  const res = await act(t, cookie, reference, { action: 'forward', text: '', recipientEmail: `  ${organisation.toUpperCase()} ` });
  assert.equal(res.status, 303);
  assert.equal(t.store.view(requests).find('reference', reference)?.decision?.forwardedTo, organisation);

  const sent = await smtp.waitFor((mail) => mail.to === organisation);
  assert.match(sent.text, /poistopyyntö/i);
  for (const value of [reference, subject.name, subject.email, subject.phone, subject.organisation, subject.username, subject.details]) {
    assert.ok(sent.text.includes(value), `the organisation was not told ${value}`);
  }
  assert.ok(!sent.text.includes('Sisäinen muistiinpano'), 'a staff note went to the organisation');
  assert.ok(!/\/pyynto\/tila\/|\/henkilosto\//.test(sent.text), 'a link went to the organisation');

  const told = await smtp.waitFor((mail) => mail.to === subject.email && /välitetty/.test(mail.subject));
  assert.match(told.text, new RegExp(`${subject.organisation}.*${organisation}`, 's'));
});

test('a missing or malformed organisation address is refused in Finnish, and nothing is changed or sent', async () => {
  for (const address of ['', 'ei osoite', 'a@b', `${'x'.repeat(300)}@example.fi`]) {
    const res = await act(t, cookie, reference, { action: 'forward', text: '', recipientEmail: address });
    assert.equal(res.status, 422, address);
    assert.match(await res.text(), /Anna organisaation sähköpostiosoite/);
  }
  assert.equal(t.store.view(requests).find('reference', reference)?.status, 'received');
  await t.postman.idle();
  assert.ok(!smtp.received.some((mail) => mail.to !== subject.email), 'a mail went elsewhere than to the subject');
});
