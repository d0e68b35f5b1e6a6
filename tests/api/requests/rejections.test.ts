import assert from 'node:assert/strict';
import { readdir } from 'node:fs/promises';
import { afterEach, beforeEach, describe, test } from 'node:test';
import { testApp, type TestApp } from '../../fixtures/app.ts';
import { erasure, from, postForm, postJson } from '../../fixtures/post.ts';

let t: TestApp;
let before: string;
beforeEach(async () => {
  t = await testApp();
  before = await t.storeText();
});
afterEach(() => t.close());

/** After a rejection nothing may be stored and nothing mailed. */
async function nothingStored(): Promise<void> {
  assert.equal(await t.storeText(), before, 'the store changed');
  await t.postman.idle();
  assert.deepEqual(await readdir(t.outboxDir).catch(() => []), [], 'a mail was sent');
}

const rectification = { ...erasure, type: 'rectification', wrong: 'Sukunimi', correct: 'Meikäläinen' };
const long = 'ä'.repeat(10_000);

/** [what is wrong, the body, the field, the Finnish message]: every field's own message. */
const fieldCases: [string, Record<string, unknown>, string, RegExp][] = [
  ['no name', { ...erasure, name: undefined }, 'name', /^Nimi: tämä tieto tarvitaan\.$/],
  ['a blank name', { ...erasure, name: '   ' }, 'name', /^Nimi: tämä tieto tarvitaan\.$/],
  ['a name that is a number', { ...erasure, name: 42 }, 'name', /^Nimi: anna vastaus tekstinä\.$/],
  ['a 10,000-character name', { ...erasure, name: long }, 'name', /^Nimi: enintään 200 merkkiä\.$/],
  ['a control character in the name', { ...erasure, name: 'Maija\u0007' }, 'name', /^Nimi: kentässä on merkkejä, joita ei voi käyttää\.$/],
  ['a bidi override in the name', { ...erasure, name: 'Maija\u202eMeikä' }, 'name', /merkkejä, joita ei voi käyttää/],
  ['no e-mail', { ...erasure, email: undefined }, 'email', /^Sähköpostiosoite: tämä tieto tarvitaan\.$/],
  ['a bad e-mail', { ...erasure, email: 'maija(at)example' }, 'email', /^Sähköpostiosoite: tarkista osoite/],
  ['a 10,000-character e-mail', { ...erasure, email: `${long}@example.fi` }, 'email', /enintään 254 merkkiä/],
  ['a phone with letters', { ...erasure, phone: 'soita minulle' }, 'phone', /^Puhelinnumero: anna numero numeroina/],
  ['no relation', { ...erasure, relation: undefined }, 'relation', /^Miten käytät Opinaika-palvelua: tämä tieto tarvitaan\.$/],
  ['an unknown relation', { ...erasure, relation: 'naapuri' }, 'relation', /valitse toinen vaihtoehdoista/],
  ['an organisation user without the organisation', { ...erasure, relation: 'organisation' }, 'organisation', /^Organisaation nimi: tämä tieto tarvitaan\.$/],
  ['a 10,000-character organisation', { ...erasure, relation: 'organisation', organisation: long }, 'organisation', /enintään 200 merkkiä/],
  ['a 10,000-character username', { ...erasure, username: long }, 'username', /^Käyttäjätunnus: enintään 100 merkkiä\.$/],
  ['10,000 characters of details', { ...erasure, details: long }, 'details', /^Lisätiedot: enintään 5000 merkkiä\.$/],
  ['an objection without its reason', { ...erasure, type: 'objection' }, 'details', /^Lisätiedot: tämä tieto tarvitaan\.$/],
  ['a restriction without its reason', { ...erasure, type: 'restriction' }, 'details', /^Lisätiedot: tämä tieto tarvitaan\.$/],
  ['a rectification without the wrong data', { ...rectification, wrong: '' }, 'wrong', /^Mikä tieto on väärin: tämä tieto tarvitaan\.$/],
  ['a rectification without the right data', { ...rectification, correct: undefined }, 'correct', /^Mikä on oikea tieto: tämä tieto tarvitaan\.$/],
  ['a portability request without a format', { ...erasure, type: 'portability' }, 'format', /tämä tieto tarvitaan/],
  ['a portability request in PDF', { ...erasure, type: 'portability', format: 'pdf' }, 'format', /valitse JSON tai CSV/],
  ['10,000 characters of recipient', { ...erasure, type: 'portability', format: 'csv', recipient: long }, 'recipient', /enintään 500 merkkiä/],
  ['a checkbox that is neither on nor off', { ...erasure, restrictMeanwhile: 'ehkä' }, 'restrictMeanwhile', /valitse tai jätä valitsematta/],
  ['a filled honeypot', { ...erasure, website: 'http://spam.example' }, 'website', /^Jätä tämä kenttä tyhjäksi\.$/],
  ['an unknown type', { ...erasure, type: 'everything' }, 'type', /Pyynnön tyyppi puuttuu tai on tuntematon/],
  ['a field of another type', { ...erasure, format: 'json' }, 'form', /kenttiä, joita emme tunne/],
  ['an unknown field', { ...erasure, shoeSize: 43 }, 'form', /kenttiä, joita emme tunne/],
  ['a __proto__ field', JSON.parse(`{"type":"erasure","name":"M","email":"m@example.fi","relation":"private","__proto__":{"admin":true}}`), 'form', /kenttiä, joita emme tunne/],
  ['a marketing ban with a name', { type: 'marketing_ban', email: 'm@example.fi', name: 'M' }, 'form', /kenttiä, joita emme tunne/],
];

describe('invalid requests are answered 422 with Finnish messages naming the field', () => {
  for (const [what, body, field, message] of fieldCases) {
    test(`${what} (JSON)`, async () => {
      const res = await postJson(t.app, '/api/requests', body);
      assert.equal(res.status, 422);
      const { errors } = (await res.json()) as { errors: Record<string, string[]> };
      assert.ok(errors[field]?.some((m) => message.test(m)), `${field}: ${JSON.stringify(errors)}`);
      await nothingStored();
    });
  }

  test('no message repeats what was sent', async () => {
    const marker = 'XYZZY-SECRET';
    const bodies = [
      { ...erasure, name: `${marker}\u0000`, email: `${marker}@`, phone: marker, relation: marker, organisation: marker.repeat(100), [marker]: marker },
      { type: marker, email: marker },
    ];
    for (const body of bodies) {
      const res = await postJson(t.app, '/api/requests', body);
      assert.equal(res.status, 422);
      assert.doesNotMatch(await res.text(), new RegExp(marker));
      const form = await postForm(t.app, '/api/requests', Object.fromEntries(Object.entries(body).map(([k, v]) => [k, String(v)])));
      assert.equal(form.status, 422);
      assert.doesNotMatch(await form.text(), new RegExp(marker));
    }
    await nothingStored();
  });

  test('a plain form post gets a Finnish page listing the mistakes and the way back', async () => {
    const res = await postForm(t.app, '/api/requests', { ...erasure, email: 'huono' });
    assert.equal(res.status, 422);
    assert.match(res.headers.get('content-type') ?? '', /text\/html/);
    const page = await res.text();
    assert.match(page, /Lomakkeessa on korjattavaa/);
    assert.match(page, /Sähköpostiosoite: tarkista osoite/);
    assert.match(page, /href="\/oikeudet\/poisto-oikeus\/#lomake"/);
    await nothingStored();
  });

  test('a repeated form field is refused rather than one value picked', async () => {
    const res = await postForm(t.app, '/api/requests', [...Object.entries(erasure), ['name', 'Toinen Nimi']], { Accept: 'application/json' });
    assert.equal(res.status, 422);
    assert.match(await res.text(), /Nimi: kenttä tuli useammin kuin kerran/);
    await nothingStored();
  });

  test('a __proto__ field pollutes nothing, in a form post or in JSON', async () => {
    const res = await postForm(t.app, '/api/requests', [...Object.entries(erasure), ['__proto__[admin]', 'true'], ['__proto__', 'x']]);
    assert.equal(res.status, 422);
    assert.equal(({} as Record<string, unknown>).admin, undefined);
    // A JSON "__proto__" holding a whole valid request stays one field: none of its values is read as the request's.
    const inherited = await postJson(t.app, '/api/requests', JSON.parse(`{"__proto__":${JSON.stringify(erasure)}}`));
    assert.equal(inherited.status, 422);
    assert.ok('type' in ((await inherited.json()) as { errors: Record<string, string[]> }).errors, 'the type was read from __proto__');
    await nothingStored();
  });
});

describe('other refusals', () => {
  test('a body that is not a form or JSON is 415', async () => {
    for (const type of ['text/plain', 'multipart/form-data; boundary=x', 'application/xml']) {
      const res = await t.app.request('/api/requests', { method: 'POST', headers: { Origin: 'http://localhost:4321', 'Content-Type': type, Accept: 'application/json' }, body: 'type=erasure' }, from('192.0.2.1'));
      assert.equal(res.status, 415, type);
      assert.match(((await res.json()) as { error: string }).error, /muodossa, jota emme ota vastaan/);
    }
    await nothingStored();
  });

  test('broken JSON is 400', async () => {
    const res = await t.app.request('/api/requests', { method: 'POST', headers: { Origin: 'http://localhost:4321', 'Content-Type': 'application/json' }, body: '{"type":' }, from('192.0.2.1'));
    assert.equal(res.status, 400);
    await nothingStored();
  });

  test('a body over the limit is 413, also when it comes chunked without a length', async () => {
    const big = JSON.stringify({ ...erasure, details: 'a'.repeat(70_000) });
    assert.equal((await postJson(t.app, '/api/requests', JSON.parse(big))).status, 413);
    const chunks = new ReadableStream({
      start(controller) {
        for (let i = 0; i < 20; i++) controller.enqueue(new TextEncoder().encode('a'.repeat(8_192)));
        controller.close();
      },
    });
    const res = await t.app.request(
      '/api/requests',
      { method: 'POST', headers: { Origin: 'http://localhost:4321', 'Content-Type': 'application/x-www-form-urlencoded', 'Transfer-Encoding': 'chunked' }, body: chunks, duplex: 'half' } as RequestInit,
      from('192.0.2.1'),
    );
    assert.equal(res.status, 413);
    assert.match(await res.text(), /Liian paljon tekstiä/);
    await nothingStored();
  });

  test('a form posted from another site is 403; from this site it goes through', async () => {
    for (const headers of [{ Origin: 'https://evil.example' }, { Origin: 'null' }, { Origin: '' }]) {
      const res = await postForm(t.app, '/api/requests', erasure, headers);
      assert.equal(res.status, 403, JSON.stringify(headers));
      assert.match(await res.text(), /Lähetys estettiin/);
    }
    const noOrigin = await t.app.request('/api/requests', { method: 'POST', headers: { 'Content-Type': 'application/x-www-form-urlencoded' }, body: new URLSearchParams(erasure).toString() }, from('192.0.2.1'));
    assert.equal(noOrigin.status, 403);
    const jsonElsewhere = await postJson(t.app, '/api/requests', erasure, { Origin: 'https://evil.example' });
    assert.equal(jsonElsewhere.status, 403);
    await nothingStored();
    assert.equal((await postForm(t.app, '/api/requests', erasure)).status, 303);
    const fetchMetadata = await t.app.request('/api/requests', { method: 'POST', headers: { 'Sec-Fetch-Site': 'same-origin', 'Content-Type': 'application/x-www-form-urlencoded' }, body: new URLSearchParams(erasure).toString() }, from('192.0.2.1'));
    assert.equal(fetchMetadata.status, 303);
  });

  test('the same address may post 20 times in 15 minutes; then 429 until the window ends', async () => {
    const bad = { ...erasure, email: 'huono' };
    for (let i = 0; i < 20; i++) assert.equal((await postJson(t.app, '/api/requests', bad)).status, 422);
    const limited = await postJson(t.app, '/api/requests', erasure);
    assert.equal(limited.status, 429);
    assert.equal(limited.headers.get('retry-after'), '900');
    assert.match(((await limited.json()) as { error: string }).error, /liian monta lähetystä/);
    await nothingStored();
    assert.equal((await postJson(t.app, '/api/requests', erasure, {}, '192.0.2.99')).status, 201, 'another address is not limited');
    t.clock.now = new Date(t.clock.now.getTime() + 15 * 60_000);
    assert.equal((await postJson(t.app, '/api/requests', erasure)).status, 201);
  });

  test('a spoofed X-Forwarded-For does not escape the limit unless TRUST_PROXY is set', async () => {
    for (let i = 0; i < 21; i++) {
      const res = await postJson(t.app, '/api/requests', { ...erasure, email: 'huono' }, { 'X-Forwarded-For': `198.51.100.${i}` });
      assert.equal(res.status, i < 20 ? 422 : 429);
    }
    await t.close();
    t = await testApp({ trustProxy: true });
    // Behind our proxy the last entry is the one it wrote; what the client put before it counts for nothing.
    for (let i = 0; i < 21; i++) {
      const res = await postJson(t.app, '/api/requests', { ...erasure, email: 'huono' }, { 'X-Forwarded-For': `203.0.113.${i}, 198.51.100.7` }, '10.0.0.2');
      assert.equal(res.status, i < 20 ? 422 : 429);
    }
    const other = await postJson(t.app, '/api/requests', { ...erasure, email: 'huono' }, { 'X-Forwarded-For': '198.51.100.8' }, '10.0.0.2');
    assert.equal(other.status, 422);
  });
});
