/**
 * No mail bombing: a stranger cannot use the form to flood an address. A repeat while a request of the same
 * type awaits confirmation sends nothing; at most three mails a day go to one address; the answers never tell.
 */
import assert from 'node:assert/strict';
import { afterEach, beforeEach, describe, test } from 'node:test';
import { marketingBans, requests } from '../../../api/requests/collections.ts';
import { dropExpired } from '../../../api/requests/intake.ts';
import { testApp, type TestApp } from '../../fixtures/app.ts';
import { linksIn } from '../../fixtures/outbox.ts';
import { postForm, postJson, type Fields } from '../../fixtures/post.ts';

let t: TestApp;
beforeEach(async () => {
  t = await testApp();
});
afterEach(() => t.close());

const victim = 'uhri@example.fi';
const person = { name: 'Maija Meikäläinen', email: victim, relation: 'private' };
/** A valid request of each type, all for the same address. */
const ofType = {
  erasure: { type: 'erasure', ...person },
  access: { type: 'access', ...person },
  rectification: { type: 'rectification', ...person, wrong: 'Sukunimi on väärin.', correct: 'Meikäläinen' },
  restriction: { type: 'restriction', ...person, details: 'Tiedot ovat kiistanalaisia.' },
  objection: { type: 'objection', ...person, details: 'Vastustan käsittelyä.' },
  portability: { type: 'portability', ...person, format: 'json' },
  marketing_ban: { type: 'marketing_ban', email: victim },
} satisfies Record<string, Fields>;

/** Each submission from a client address of its own, as a flood from many machines would come. */
let clients = 0;
const client = () => `198.51.100.${(clients = (clients % 250) + 1)}`;
const send = (body: Fields) => postJson(t.app, '/api/requests', body, {}, client());
const sendForm = (body: Fields) => postForm(t.app, '/api/requests', body, {}, client());
const later = (ms: number) => (t.clock.now = new Date(t.clock.now.getTime() + ms));
const minute = 60_000;
const hour = 60 * minute;

/** Everything a client can see of an answer but the time it was sent. */
async function seen(res: Response) {
  const headers = [...res.headers].filter(([name]) => name !== 'date');
  return { status: res.status, headers, body: await res.text() };
}
const referenceOf = (answer: { body: string }) => (JSON.parse(answer.body) as { reference: string }).reference;
const stored = async () => (await t.disk()).list(requests);
const mailsTo = async (address: string) => (await t.mails()).filter((mail) => mail.to === address);
const confirmToken = (text: string) => new URL(linksIn(text).find((l) => l.includes('/pyynto/vahvista/')) ?? '').pathname.split('/').at(-1) ?? '';

describe('a flood of submissions for one address', () => {
  test('eight in one second from eight clients send one confirmation mail, and are answered as eight fresh ones', async () => {
    const answers = await Promise.all(Array.from({ length: 8 }, async () => seen(await send(ofType.erasure))));
    assert.deepEqual(new Set(answers.map((a) => a.status)), new Set([201]));
    assert.deepEqual(answers.map((a) => Object.keys(JSON.parse(a.body))), Array(8).fill(['reference']));
    assert.deepEqual(new Set(answers.map((a) => JSON.stringify(a.headers))).size, 1, 'the answers differ in their headers');
    assert.deepEqual(answers.map(referenceOf).sort(), Array.from({ length: 8 }, (_, i) => `TS-2026-0000${i + 1}`));
    const mails = await t.mails();
    assert.equal(mails.length, 1);
    assert.equal(mails[0]?.to, victim);
    // All are kept, as any unconfirmed request is, for staff to see: the repeats without a link, so none can be confirmed.
    const all = await stored();
    assert.equal(all.length, 8);
    assert.deepEqual(all.map((r) => r.mailWithheld ?? 'mailed').sort(), ['mailed', ...Array(7).fill('repeat')]);
    assert.equal(all.filter((r) => r.confirmTokenHash).length, 1);
    assert.ok(all.filter((r) => r.mailWithheld).every((r) => r.events.some((e) => e.action === 'mail_withheld')));
  });

  test('sent with the plain form, all eight go to the same receipt page and one mail is sent', async () => {
    const locations = [];
    for (let i = 0; i < 8; i++) {
      const res = await sendForm(ofType.erasure);
      assert.equal(res.status, 303);
      locations.push(res.headers.get('location'));
      later(100);
    }
    // Each its own reference, as in JSON; otherwise the same receipt, mailed or not.
    assert.deepEqual(locations, Array.from({ length: 8 }, (_, i) => `/pyynto/vastaanotettu/?tyyppi=erasure&suhde=private&viite=TS-2026-0000${i + 1}`));
    assert.equal((await mailsTo(victim)).length, 1);
  });

  test('of every type, send at most three mails a day: a different type counts toward the same cap', async () => {
    const references = [];
    for (const body of Object.values(ofType)) {
      const res = await send(body);
      assert.equal(res.status, 201);
      references.push(((await res.json()) as { reference: string }).reference);
      later(minute);
    }
    assert.deepEqual(references, Array.from({ length: 7 }, (_, i) => `TS-2026-0000${i + 1}`));
    const mails = await mailsTo(victim);
    assert.deepEqual(mails.map((m) => m.subject), Array(3).fill('Vahvista tietosuojapyyntösi'));
    const all = await stored();
    assert.deepEqual(all.filter((r) => !r.mailWithheld).map((r) => r.type).sort(), ['access', 'erasure', 'rectification']);
    assert.deepEqual(all.filter((r) => r.mailWithheld).map((r) => r.mailWithheld), Array(4).fill('daily_limit'));
    assert.deepEqual((await t.disk()).list(marketingBans).map((ban) => ban.email), [victim], 'the ban past the cap is not in force');
  });

  test('a marketing ban past the cap is still in force, without a receipt', async () => {
    for (const body of [ofType.erasure, ofType.access, ofType.rectification]) await send(body);
    for (let i = 0; i < 3; i++) assert.equal((await send(ofType.marketing_ban)).status, 201);
    const disk = await t.disk();
    assert.deepEqual(disk.list(marketingBans).map((ban) => ban.email), [victim]);
    assert.deepEqual(disk.list(requests).filter((r) => r.type === 'marketing_ban').map((r) => r.mailWithheld), Array(3).fill('daily_limit'));
    assert.equal((await mailsTo(victim)).length, 3);
  });

  test('ban receipts count toward the cap as confirmation mails do', async () => {
    for (let i = 0; i < 3; i++) await send(ofType.marketing_ban);
    assert.equal((await send(ofType.erasure)).status, 201);
    assert.equal((await send(ofType.marketing_ban)).status, 201);
    const mails = await mailsTo(victim);
    assert.deepEqual(mails.map((m) => m.subject), Array(3).fill('Suoramarkkinointikielto on kirjattu'));
    assert.deepEqual(
      (await stored()).map((r) => [r.type, r.mailWithheld ?? 'mailed']),
      [...Array(3).fill(['marketing_ban', 'mailed']), ['erasure', 'daily_limit'], ['marketing_ban', 'daily_limit']],
    );
  });
});

describe('the daily cap', () => {
  test('lets the address get mail again 24 hours after the first of its three, not sooner', async () => {
    for (const body of [ofType.erasure, ofType.access, ofType.rectification]) {
      await send(body);
      later(hour);
    }
    later(20 * hour + 59 * minute);
    await send(ofType.restriction);
    assert.equal((await mailsTo(victim)).length, 3, 'a fourth mail within 24 hours');
    later(2 * minute);
    await send(ofType.restriction);
    assert.equal((await mailsTo(victim)).length, 4);
    later(30 * minute);
    await send(ofType.objection);
    assert.equal((await mailsTo(victim)).length, 4, 'the second mail of yesterday no longer counted');
  });

  test('is kept over a restart', async () => {
    const answered = [];
    for (const body of [ofType.erasure, ofType.access, ofType.rectification, ofType.restriction, ofType.erasure]) {
      answered.push(referenceOf(await seen(await send(body))));
    }
    await t.postman.idle();
    await t.store.close();
    t = await testApp({ site: { root: t.root, distDir: t.distDir, dataDir: t.dataDir, remove: t.remove }, clock: t.clock });

    later(hour);
    assert.equal((await send(ofType.objection)).status, 201);
    assert.equal((await mailsTo(victim)).length, 3);
    const next = referenceOf(await seen(await send({ ...ofType.erasure, email: 'toinen@example.fi' })));
    assert.deepEqual(answered, ['TS-2026-00001', 'TS-2026-00002', 'TS-2026-00003', 'TS-2026-00004', 'TS-2026-00005']);
    assert.equal(next, 'TS-2026-00007');
  });

  test('goes with the requests: once unconfirmed ones are forgotten after their week, nothing of the address is kept', async () => {
    for (const body of [ofType.erasure, ofType.access, ofType.rectification, ofType.restriction]) await send(body);
    assert.equal((await mailsTo(victim)).length, 3);
    later(8 * 24 * hour);
    assert.equal(await t.store.update((tx) => dropExpired(tx, t.clock.now)), 4);
    assert.ok(!JSON.stringify((await t.disk()).list(requests)).includes(victim));
    await send(ofType.erasure);
    assert.equal((await mailsTo(victim)).length, 4);
  });
});

describe('a repeated request', () => {
  test('while the first awaits confirmation leaves its link working, and once confirmed the address may ask again', async () => {
    await send(ofType.erasure);
    for (let i = 0; i < 3; i++) await send(ofType.erasure);
    const [first] = await mailsTo(victim);
    assert.equal((await postForm(t.app, '/api/requests/confirm', { token: confirmToken(first?.text ?? '') })).status, 303);

    later(hour);
    assert.equal((await send(ofType.erasure)).status, 201);
    const mails = await mailsTo(victim);
    assert.deepEqual(mails.map((m) => m.subject), ['Vahvista tietosuojapyyntösi', 'Pyyntösi TS-2026-00001 on vahvistettu', 'Vahvista tietosuojapyyntösi']);
    assert.equal((await postForm(t.app, '/api/requests/confirm', { token: confirmToken(mails[2]?.text ?? '') })).status, 303);
    assert.deepEqual(
      (await stored()).map((r) => [r.reference, r.status, r.mailWithheld ?? 'mailed']),
      [
        ['TS-2026-00001', 'received', 'mailed'],
        ...[2, 3, 4].map((n) => [`TS-2026-0000${n}`, 'awaiting_confirmation', 'repeat']),
        ['TS-2026-00005', 'received', 'mailed'],
      ],
    );
  });

  test('once the first has expired is a new request with a mail of its own', async () => {
    await send(ofType.erasure);
    later(7 * 24 * hour + minute);
    await send(ofType.erasure);
    assert.equal((await mailsTo(victim)).length, 2);
  });
});

describe('the answers', () => {
  test('to a fresh, a repeated and a capped submission look alike and reveal nothing of the address', async () => {
    const fresh = await seen(await send(ofType.erasure));
    const repeated = await seen(await send(ofType.erasure));
    await send(ofType.access);
    await send(ofType.rectification);
    const capped = await seen(await send(ofType.restriction));
    const other = await seen(await send({ ...ofType.erasure, email: 'toinen@example.fi' }));
    for (const answer of [repeated, capped, other]) {
      assert.equal(answer.status, fresh.status);
      assert.deepEqual(answer.headers, fresh.headers);
      assert.deepEqual(Object.keys(JSON.parse(answer.body)), ['reference']);
      assert.ok(!answer.body.includes('uhri'));
    }
    // Every submission is a request of its own with its own number, whatever was mailed.
    assert.deepEqual([fresh, repeated, capped, other].map(referenceOf), ['TS-2026-00001', 'TS-2026-00002', 'TS-2026-00005', 'TS-2026-00006']);

    // A plain post's receipt address differs only by its own reference.
    const unnumbered = (answer: Awaited<ReturnType<typeof seen>>) => ({
      ...answer,
      headers: answer.headers.map(([name, value]) => [name, name === 'location' ? value.replace(/&viite=TS-2026-\d{5}$/, '') : value]),
    });
    for (const type of ['erasure', 'objection'] as const) {
      const elsewhere = await seen(await sendForm({ ...ofType[type], email: `${type}@example.fi` }));
      const here = await seen(await sendForm(ofType[type]));
      assert.equal(elsewhere.status, 303);
      assert.deepEqual(unnumbered(here), unnumbered(elsewhere), `the ${type} answer differs`);
    }
    assert.equal((await mailsTo(victim)).length, 3);
  });

  test('the per-client limit still applies on top: the 21st post of one client in 15 minutes is refused', async () => {
    for (let i = 0; i < 20; i++) {
      assert.equal((await postJson(t.app, '/api/requests', { ...ofType.erasure, email: `henkilo${i}@example.fi` }, {}, '192.0.2.50')).status, 201);
    }
    assert.equal((await postJson(t.app, '/api/requests', ofType.erasure, {}, '192.0.2.50')).status, 429);
    assert.equal((await t.mails()).length, 20);
    assert.equal((await send(ofType.erasure)).status, 201, 'another client was limited too');
  });
});
