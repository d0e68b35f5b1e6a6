import assert from 'node:assert/strict';
import { afterEach, beforeEach, describe, test } from 'node:test';
import { mailJobs } from '../../../api/mail/jobs.ts';
import { marketingBans, requests } from '../../../api/requests/collections.ts';
import { confirm, dropExpired, maxPhonesPerBan } from '../../../api/requests/intake.ts';
import { newToken } from '../../../api/requests/tokens.ts';
import { linksIn } from '../../fixtures/outbox.ts';
import { startSmtpServer } from '../../fixtures/smtp.ts';
import { testApp, type TestApp } from '../../fixtures/app.ts';
import { erasure, postForm, postJson } from '../../fixtures/post.ts';

let t: TestApp;
beforeEach(async () => {
  t = await testApp();
});
afterEach(() => t.close());

/** The store as a restarted server would read it from disk. */
const db = async () => {
  const disk = await t.disk();
  return { requests: disk.list(requests), marketingBans: disk.list(marketingBans), mailQueue: disk.list(mailJobs) };
};
const confirmLink = async () => {
  const [mail] = await t.mails();
  const link = linksIn(mail?.text ?? '').find((l) => l.includes('/pyynto/vahvista/'));
  assert.ok(link, 'no confirmation link was mailed');
  return new URL(link);
};

describe('a request sent with the form script (JSON)', () => {
  test('is stored on disk awaiting confirmation and answered 201 with its reference', async () => {
    const res = await postJson(t.app, '/api/requests', { ...erasure, restrictMeanwhile: true, details: ' Poistakaa  kaikki.\r\nKiitos. ' });
    assert.equal(res.status, 201);
    assert.deepEqual(await res.json(), { reference: 'TS-2026-00001' });
    const [stored] = (await db()).requests;
    assert.equal(stored?.status, 'awaiting_confirmation');
    assert.deepEqual(stored?.subject, { name: 'Maija Meikäläinen', email: 'maija.meikalainen@example.fi', relation: 'private' });
    assert.equal(stored?.details, 'Poistakaa  kaikki.\nKiitos.');
    assert.equal(stored?.restrictMeanwhile, true);
    assert.equal(stored?.confirmBy, '2026-02-07T10:00:00.000Z');
  });

  test('mails a confirmation link whose token is stored only as a hash', async () => {
    await postJson(t.app, '/api/requests', erasure);
    const mails = await t.mails();
    assert.equal(mails.length, 1);
    assert.equal(mails[0]?.to, erasure.email);
    assert.equal(mails[0]?.subject, 'Vahvista tietosuojapyyntösi');
    const token = (await confirmLink()).pathname.split('/').at(-1) ?? '';
    assert.ok(token.length >= 43, 'the token has fewer than 256 bits');
    assert.ok(!(await t.storeText()).includes(token));
  });

  test('numbers references per year in sequence', async () => {
    const refs = [];
    for (let i = 0; i < 3; i++) refs.push(((await (await postJson(t.app, '/api/requests', erasure)).json()) as { reference: string }).reference);
    assert.deepEqual(refs, ['TS-2026-00001', 'TS-2026-00002', 'TS-2026-00003']);
    t.clock.now = new Date('2027-01-01T00:30:00+02:00');
    assert.deepEqual(await (await postJson(t.app, '/api/requests', erasure)).json(), { reference: 'TS-2027-00001' });
  });
});

describe('a request sent as a plain form', () => {
  test('redirects to the receipt page, which asks for the confirmation and shows the reference', async () => {
    const res = await postForm(t.app, '/api/requests', { ...erasure, restrictMeanwhile: 'on', website: '' });
    assert.equal(res.status, 303);
    assert.equal(res.headers.get('location'), '/pyynto/vastaanotettu/?tyyppi=erasure&suhde=private&viite=TS-2026-00001');
    const page = await (await t.app.request(res.headers.get('location') ?? '')).text();
    assert.match(page, /Pyyntösi on vastaanotettu/);
    assert.match(page, /vahvistuslinkin/);
    assert.match(page, /<p>Viitenumero: TS-2026-00001<\/p>/);
    assert.doesNotMatch(page, /rekisterinpitäjä on tuo organisaatio/);
    assert.equal((await db()).requests[0]?.restrictMeanwhile, true);
  });

  test('from an organisation user tells them the organisation is the controller', async () => {
    const res = await postForm(t.app, '/api/requests', { ...erasure, relation: 'organisation', organisation: 'Oulun kaupunki' });
    assert.equal(res.headers.get('location'), '/pyynto/vastaanotettu/?tyyppi=erasure&suhde=organisation&viite=TS-2026-00001');
    const page = await (await t.app.request(res.headers.get('location') ?? '')).text();
    assert.match(page, /rekisterinpitäjä on tuo organisaatio/);
    assert.match(page, /Välitämme pyyntösi organisaatiolle ja autamme sitä vastaamaan/);
    assert.equal((await db()).requests[0]?.subject.organisation, 'Oulun kaupunki');
  });
});

describe('a marketing ban', () => {
  test('is in force at once, one entry per address however often it is sent, with a receipt mail each time', async () => {
    assert.equal((await postJson(t.app, '/api/requests', { type: 'marketing_ban', email: 'Maija@Example.fi' })).status, 201);
    assert.equal((await postForm(t.app, '/api/requests', { type: 'marketing_ban', email: ' maija@example.FI ' })).status, 303);
    const data = await db();
    assert.equal(data.marketingBans.length, 1);
    assert.equal(data.marketingBans[0]?.email, 'maija@example.fi');
    assert.ok(data.requests.every((r: { status: string }) => r.status === 'completed'));
    const mails = await t.mails();
    assert.deepEqual(mails.map((m) => m.subject), ['Suoramarkkinointikielto on kirjattu', 'Suoramarkkinointikielto on kirjattu']);
    assert.ok(mails.every((m) => linksIn(m.text).length === 0), 'a ban needs no confirmation link');
  });

  test('gets its own receipt page, naming only the address, without repeating it', async () => {
    const res = await postForm(t.app, '/api/requests', { type: 'marketing_ban', email: 'maija@example.fi', phone: '' });
    assert.equal(res.headers.get('location'), '/pyynto/vastaanotettu/?tyyppi=marketing_ban&viite=TS-2026-00001');
    const page = await (await t.app.request(res.headers.get('location') ?? '')).text();
    assert.match(page, /Kielto on kirjattu sähköpostiosoitteellesi: emme käytä sitä suoramarkkinointiin sähköpostilla\./);
    assert.match(page, /Kielto on voimassa heti/);
    assert.match(page, /Viitenumero: TS-2026-00001/);
    assert.doesNotMatch(page, /puhelinnumerollesi|puhelimella/);
    assert.ok(!page.includes('maija@example.fi'));
    const [stored] = (await db()).requests;
    assert.deepEqual(stored?.subject, { email: 'maija@example.fi' });
  });

  test('with a phone number records it in international form, on the request and the ban, and the receipt says so', async () => {
    const res = await postForm(t.app, '/api/requests', { type: 'marketing_ban', email: 'maija@example.fi', phone: ' 040 123 4567 ' });
    assert.equal(res.headers.get('location'), '/pyynto/vastaanotettu/?tyyppi=marketing_ban&puhelin=1&viite=TS-2026-00001');
    const page = await (await t.app.request(res.headers.get('location') ?? '')).text();
    assert.match(
      page,
      /Kielto on kirjattu sähköpostiosoitteellesi ja puhelinnumerollesi: emme käytä niitä suoramarkkinointiin sähköpostilla, puhelimella emmekä tekstiviestillä\./,
    );
    assert.ok(!page.includes('+358401234567') && !page.includes('040 123 4567'), 'the receipt repeats the number');
    const data = await db();
    assert.deepEqual(data.requests[0]?.subject, { email: 'maija@example.fi', phone: '+358401234567' });
    assert.deepEqual(data.marketingBans, [{ email: 'maija@example.fi', phones: ['+358401234567'], createdAt: '2026-01-31T10:00:00.000Z', requestId: data.requests[0]?.id }]);
  });

  test('reads a number with its country code as that country\'s, and one without as Finnish', async () => {
    for (const [phone, number] of [['+358 40 123 4567', '+358401234567'], ['0046 70 123 45 67', '+46701234567'], ['(09) 123 4567', '+35891234567']] as const) {
      const email = `${number.slice(1)}@example.fi`;
      assert.equal((await postJson(t.app, '/api/requests', { type: 'marketing_ban', email, phone })).status, 201, phone);
      assert.deepEqual((await db()).marketingBans.find((ban: { email: string }) => ban.email === email)?.phones, [number], phone);
    }
  });

  test('sent again for the same address with a phone adds the phone to the one ban, and a second number adds, never replaces', async () => {
    await postJson(t.app, '/api/requests', { type: 'marketing_ban', email: 'maija@example.fi' });
    t.clock.now = new Date('2026-02-02T10:00:00Z');
    await postJson(t.app, '/api/requests', { type: 'marketing_ban', email: 'Maija@example.fi', phone: '+358 40 123 4567' });
    await postJson(t.app, '/api/requests', { type: 'marketing_ban', email: 'maija@example.fi', phone: '050 765 4321' });
    await postJson(t.app, '/api/requests', { type: 'marketing_ban', email: 'maija@example.fi', phone: '040 123 4567' });
    const data = await db();
    assert.equal(data.marketingBans.length, 1);
    assert.deepEqual(data.marketingBans[0]?.phones, ['+358401234567', '+358507654321']);
    assert.equal(data.marketingBans[0]?.createdAt, '2026-01-31T10:00:00.000Z', 'the ban is in force from the first time');
    assert.equal(data.marketingBans[0]?.requestId, data.requests[0]?.id);
  });

  test('holds at most ten numbers, however many are sent for one address', async () => {
    for (let i = 0; i < 12; i++) {
      assert.equal((await postJson(t.app, '/api/requests', { type: 'marketing_ban', email: 'maija@example.fi', phone: `040 123 45${String(i).padStart(2, '0')}` }, {}, `192.0.2.${i + 10}`)).status, 201);
    }
    const phones = (await db()).marketingBans[0]?.phones ?? [];
    assert.equal(phones.length, maxPhonesPerBan);
    assert.equal(phones[0], '+358401234500');
  });

  test('with a phone that is no real number is refused, and nothing is recorded', async () => {
    for (const phone of ['040 123', '+358 00 000 0000', 'soita minulle']) {
      const res = await postJson(t.app, '/api/requests', { type: 'marketing_ban', email: 'maija@example.fi', phone });
      assert.equal(res.status, 422, phone);
      assert.deepEqual(await res.json(), { errors: { phone: ['Kirjoita puhelinnumero muodossa 040 123 4567 tai +358 40 123 4567.'] } });
    }
    const form = await postForm(t.app, '/api/requests', { type: 'marketing_ban', email: 'maija@example.fi', phone: '040 123' });
    assert.equal(form.status, 422);
    assert.match(await form.text(), /<input type="tel" [^>]*id="kentta-phone"[^>]*aria-invalid="true"[^>]*value="040 123"/);
    const data = await db();
    assert.deepEqual([data.requests, data.marketingBans], [[], []]);
  });
});

describe('confirming by e-mail', () => {
  test('the link opens a page with a button, and opening it changes nothing', async () => {
    await postJson(t.app, '/api/requests', erasure);
    const link = await confirmLink();
    const page = await t.app.request(link.pathname);
    assert.equal(page.status, 200);
    assert.equal(page.headers.get('cache-control'), 'no-store');
    assert.equal(page.headers.get('referrer-policy'), 'no-referrer');
    const html = await page.text();
    assert.match(html, /<form method="post" action="\/api\/requests\/confirm">/);
    assert.match(html, /Vahvista pyyntö/);
    assert.equal((await db()).requests[0]?.status, 'awaiting_confirmation');
  });

  test('the button confirms: the clock starts, the status link is mailed and shows type, reference, status and deadline', async () => {
    await postJson(t.app, '/api/requests', erasure);
    const token = (await confirmLink()).pathname.split('/').at(-1) ?? '';
    const res = await postForm(t.app, '/api/requests/confirm', { token });
    assert.equal(res.status, 303);
    const status = res.headers.get('location') ?? '';
    assert.match(status, /^\/pyynto\/tila\/[\w-]{43}$/);
    const [stored] = (await db()).requests;
    assert.equal(stored?.status, 'received');
    assert.equal(stored?.confirmedAt, '2026-01-31T10:00:00.000Z');
    assert.equal(stored?.dueAt, '2026-02-28');

    const mails = await t.mails();
    assert.equal(mails[1]?.subject, 'Pyyntösi TS-2026-00001 on vahvistettu');
    assert.match(mails[1]?.text ?? '', /Vastaamme viimeistään 28\.2\.2026/);
    const mailed = new URL(linksIn(mails[1]?.text ?? '')[0] ?? '');
    assert.equal(mailed.pathname, status);

    const page = await (await t.app.request(status)).text();
    for (const fact of ['TS-2026-00001', 'Poistopyyntö', 'Vastaanotettu', '28.2.2026']) assert.match(page, new RegExp(fact));
  });

  test('a second confirmation says it is already confirmed', async () => {
    await postJson(t.app, '/api/requests', erasure);
    const token = (await confirmLink()).pathname.split('/').at(-1) ?? '';
    await postForm(t.app, '/api/requests/confirm', { token });
    const again = await postForm(t.app, '/api/requests/confirm', { token });
    assert.equal(again.status, 200);
    assert.match(await again.text(), /on jo vahvistettu/);
  });

  test('expires after 7 days, with a 410 page in Finnish', async () => {
    await postJson(t.app, '/api/requests', erasure);
    const link = await confirmLink();
    t.clock.now = new Date('2026-02-07T10:00:01Z');
    assert.equal((await t.app.request(link.pathname)).status, 410);
    const res = await postForm(t.app, '/api/requests/confirm', { token: link.pathname.split('/').at(-1) ?? '' });
    assert.equal(res.status, 410);
    assert.match(await res.text(), /Linkki ei ole voimassa/);
    // The confirmation itself checks too, not only the route's look-up before it: a click at the last moment.
    const late = await t.store.update((tx) => confirm(tx, link.pathname.split('/').at(-1) ?? '', t.clock.now, newToken()));
    assert.equal(late.outcome, 'expired');
    assert.equal((await db()).requests[0]?.status, 'awaiting_confirmation');
  });

  test('an unknown or malformed token gets the 410 page', async () => {
    for (const token of ['x'.repeat(43), 'lyhyt', '../../etc/passwd']) {
      assert.equal((await postForm(t.app, '/api/requests/confirm', { token })).status, 410, token);
    }
    assert.equal((await t.app.request(`/pyynto/tila/${'A'.repeat(43)}`)).status, 410);
  });
});

describe('a mail server that fails', () => {
  test('never loses the request: it is stored and the mail is retried with a fresh link', async () => {
    await t.close();
    const sent: { to: string; text: string }[] = [];
    let failures = 2;
    t = await testApp({
      mailer: {
        send: async (mail) => {
          if (failures-- > 0) throw new Error('connection refused');
          sent.push(mail);
        },
        close: () => {},
      },
    });
    const res = await postJson(t.app, '/api/requests', erasure);
    assert.equal(res.status, 201);
    assert.equal((await db()).requests.length, 1);
    assert.equal((await db()).mailQueue[0]?.attempts, 1);

    await t.postman.deliverDue();
    assert.equal(sent.length, 0, 'retried before its time');
    for (let i = 0; i < 2; i++) {
      t.clock.now = new Date(t.clock.now.getTime() + 6 * 3_600_000);
      await t.postman.deliverDue();
    }
    assert.equal(sent.length, 1);
    assert.deepEqual((await db()).mailQueue, []);
    const token = new URL(linksIn(sent[0]?.text ?? '')[0] ?? '').pathname.split('/').at(-1) ?? '';
    assert.equal((await postForm(t.app, '/api/requests/confirm', { token })).status, 303);
  });
});

test('unconfirmed requests are forgotten once their week is over; confirmed ones stay', async () => {
  await postJson(t.app, '/api/requests', erasure);
  await postJson(t.app, '/api/requests', { ...erasure, email: 'toinen@example.fi' });
  const token = (await confirmLink()).pathname.split('/').at(-1) ?? '';
  await postForm(t.app, '/api/requests/confirm', { token });
  t.clock.now = new Date('2026-02-08T00:00:00Z');
  assert.equal(await t.store.update((tx) => dropExpired(tx, t.clock.now)), 1);
  const left = (await db()).requests;
  assert.deepEqual(left.map((r: { subject: { email: string } }) => r.subject.email), [erasure.email]);
  assert.ok(!JSON.stringify(await db()).includes('toinen@example.fi'));
});

test('over real SMTP, the mail server receives the confirmation e-mail', async () => {
  await t.close();
  const smtp = await startSmtpServer();
  try {
    t = await testApp({ smtpUrl: smtp.url });
    assert.equal((await postJson(t.app, '/api/requests', erasure)).status, 201);
    const mail = await smtp.waitFor((m) => m.to === erasure.email);
    assert.equal(mail.subject, 'Vahvista tietosuojapyyntösi');
    assert.match(linksIn(mail.text)[0] ?? '', /^http:\/\/localhost:4321\/pyynto\/vahvista\/[\w-]{43}$/);
    assert.deepEqual((await db()).mailQueue, []);
  } finally {
    await smtp.close();
  }
});
