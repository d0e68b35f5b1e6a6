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

/** [what is wrong, the body, the field, the Finnish message]: every field's own message, saying what to do. */
const fieldCases: [string, Record<string, unknown>, string, RegExp][] = [
  ['no name', { ...erasure, name: undefined }, 'name', /^Kirjoita nimesi\.$/],
  ['a blank name', { ...erasure, name: '   ' }, 'name', /^Kirjoita nimesi\.$/],
  ['a name that is a number', { ...erasure, name: 42 }, 'name', /^Kirjoita vastaus tekstinä\.$/],
  ['a 10,000-character name', { ...erasure, name: long }, 'name', /^Lyhennä tekstiä: enintään 200 merkkiä\.$/],
  ['a control character in the name', { ...erasure, name: 'Maija\u0007' }, 'name', /^Kirjoita teksti uudelleen: siinä on näkymättömiä ohjausmerkkejä/],
  ['a bidi override in the name', { ...erasure, name: 'Maija\u202eMeikä' }, 'name', /ohjausmerkkejä, joita ei voi käyttää/],
  ['no e-mail', { ...erasure, email: undefined }, 'email', /^Kirjoita sähköpostiosoitteesi\.$/],
  ['an empty e-mail', { ...erasure, email: '' }, 'email', /^Kirjoita sähköpostiosoitteesi\.$/],
  ['a bad e-mail', { ...erasure, email: 'maija(at)example' }, 'email', /^Kirjoita sähköpostiosoite muodossa nimi@esimerkki\.fi\.$/],
  ['a 10,000-character e-mail', { ...erasure, email: `${long}@example.fi` }, 'email', /^Lyhennä tekstiä: enintään 254 merkkiä\.$/],
  ['a phone with letters', { ...erasure, phone: 'soita minulle' }, 'phone', /^Kirjoita puhelinnumero muodossa 040 123 4567 tai \+358 40 123 4567\.$/],
  ['a ban with a phone that is no real number', { type: 'marketing_ban', email: 'm@example.fi', phone: '040 123' }, 'phone', /^Kirjoita puhelinnumero muodossa/],
  ['no relation', { ...erasure, relation: undefined }, 'relation', /^Valitse, käytätkö palvelua itse vai organisaation kautta\.$/],
  ['an unknown relation', { ...erasure, relation: 'naapuri' }, 'relation', /^Valitse, käytätkö palvelua itse vai organisaation kautta\.$/],
  ['an organisation user without the organisation', { ...erasure, relation: 'organisation' }, 'organisation', /^Kirjoita organisaation nimi, koska käytät palvelua organisaation kautta\.$/],
  ['a 10,000-character organisation', { ...erasure, relation: 'organisation', organisation: long }, 'organisation', /enintään 200 merkkiä/],
  ['a 10,000-character username', { ...erasure, username: long }, 'username', /^Lyhennä tekstiä: enintään 100 merkkiä\.$/],
  ['10,000 characters of details', { ...erasure, details: long }, 'details', /^Lyhennä tekstiä: enintään 5000 merkkiä\.$/],
  ['an objection without its reason', { ...erasure, type: 'objection' }, 'details', /^Kerro, mitä käsittelyä vastustat ja miksi/],
  ['a restriction without its reason', { ...erasure, type: 'restriction' }, 'details', /^Kerro, miksi käsittelyä pitää rajoittaa\.$/],
  ['a rectification without the wrong data', { ...rectification, wrong: '' }, 'wrong', /^Kerro, mikä tieto on väärin\.$/],
  ['a rectification without the right data', { ...rectification, correct: undefined }, 'correct', /^Kerro, mikä on oikea tieto\.$/],
  ['a portability request without a format', { ...erasure, type: 'portability' }, 'format', /^Valitse, haluatko tiedot JSON- vai CSV-muodossa\.$/],
  ['a portability request in PDF', { ...erasure, type: 'portability', format: 'pdf' }, 'format', /^Valitse, haluatko tiedot JSON- vai CSV-muodossa\.$/],
  ['10,000 characters of recipient', { ...erasure, type: 'portability', format: 'csv', recipient: long }, 'recipient', /enintään 500 merkkiä/],
  ['a checkbox that is neither on nor off', { ...erasure, restrictMeanwhile: 'ehkä' }, 'restrictMeanwhile', /^Valitse ruutu tai jätä se valitsematta\.$/],
  ['a filled honeypot', { ...erasure, website: 'http://spam.example' }, 'website', /^Jätä tämä kenttä tyhjäksi\.$/],
  ['an unknown type', { ...erasure, type: 'everything' }, 'type', /^Avaa lomake uudelleen oikeuden sivulta: pyynnön tyyppi/],
  ['a field of another type', { ...erasure, format: 'json' }, 'form', /kenttiä, joita emme tunne/],
  ['an unknown field', { ...erasure, shoeSize: 43 }, 'form', /kenttiä, joita emme tunne/],
  ['a __proto__ field', JSON.parse(`{"type":"erasure","name":"M","email":"m@example.fi","relation":"private","__proto__":{"admin":true}}`), 'form', /kenttiä, joita emme tunne/],
  ['a marketing ban with a name', { type: 'marketing_ban', email: 'm@example.fi', name: 'M' }, 'form', /kenttiä, joita emme tunne/],
];

describe('invalid requests are answered 422 with one Finnish message for the field, saying what to do', () => {
  for (const [what, body, field, message] of fieldCases) {
    test(`${what} (JSON)`, async () => {
      const res = await postJson(t.app, '/api/requests', body);
      assert.equal(res.status, 422);
      const { errors } = (await res.json()) as { errors: Record<string, string[]> };
      assert.equal(errors[field]?.length, 1, `${field}: ${JSON.stringify(errors)}`);
      assert.match(errors[field]?.[0] ?? '', message);
      await nothingStored();
    });
  }

  test('no message repeats what was sent; a plain post gets back only what it typed into the form\'s own fields', async () => {
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
      // The fields keep their values (escaped); nothing else on the page holds the marker.
      const page = (await form.text()).replace(/ value="[^"]*"/g, '').replace(/(<textarea[^>]*>)[^<]*/g, '$1');
      assert.doesNotMatch(page, new RegExp(marker));
    }
    await nothingStored();
  });

  test('a plain form post gets its form back: the values kept and escaped, one message beside each field, a linked summary', async () => {
    const sent = {
      ...erasure,
      name: '<script>"x"</script> & Maija',
      email: 'huono',
      relation: 'organisation',
      organisation: '',
      details: 'Poistakaa </textarea><b>kaikki</b>',
      restrictMeanwhile: 'on',
      website: '',
    };
    const res = await postForm(t.app, '/api/requests', sent);
    assert.equal(res.status, 422);
    assert.match(res.headers.get('content-type') ?? '', /text\/html/);
    assert.equal(res.headers.get('cache-control'), 'no-store');
    const page = await res.text();
    const tag = (id: string) => new RegExp(`<[a-z]+ [^>]*id="${id}"[^>]*>`).exec(page)?.[0] ?? '';
    const text = (id: string) => new RegExp(`id="${id}"[^>]*>([^<]*)<`).exec(page)?.[1];

    // The right's page in the shell, under a title that says what is wrong.
    assert.match(page, /<title>Lomakkeessa on korjattavaa – Poisto-oikeus – /);
    assert.match(page, /<h1>Lomakkeessa on korjattavaa – Poisto-oikeus<\/h1>/);
    assert.match(page, /<a href="\/oikeudet\/poisto-oikeus\/">Poisto-oikeus<\/a>/);
    // The summary comes first, takes focus without a script, and links each message to its field, in form order.
    assert.match(tag('virheet'), /tabindex="-1" autofocus/);
    const summary = /<div class="error-summary"[\s\S]*?<\/div>/.exec(page)?.[0] ?? '';
    assert.deepEqual([...summary.matchAll(/<a href="#([^"]+)">([^<]+)<\/a>/g)].map((m) => [m[1], m[2]]), [
      ['kentta-email', 'Kirjoita sähköpostiosoite muodossa nimi@esimerkki.fi.'],
      ['kentta-organisation', 'Kirjoita organisaation nimi, koska käytät palvelua organisaation kautta.'],
    ]);
    // Each message beside its field, which is marked invalid and described by it; the other fields are not.
    assert.equal(text('virhe-email'), 'Kirjoita sähköpostiosoite muodossa nimi@esimerkki.fi.');
    assert.doesNotMatch(tag('virhe-email'), /hidden/);
    assert.match(tag('kentta-email'), /aria-invalid="true"/);
    assert.match(tag('kentta-email'), /aria-describedby="ohje-email virhe-email"/);
    assert.match(tag('kentta-organisation'), /aria-invalid="true"/);
    assert.equal([...page.matchAll(/<p class="field-error" id="[^"]+">/g)].length, 2, 'one message a field, two fields');
    assert.doesNotMatch(tag('kentta-name'), /aria-invalid/);
    assert.match(tag('virhe-name'), /hidden/);
    // What was typed is kept, escaped; the choices stay chosen.
    assert.match(tag('kentta-name'), /value="&lt;script&gt;&quot;x&quot;&lt;\/script&gt; &amp; Maija"/);
    assert.ok(!page.includes('<script>"x"'), 'a value was not escaped');
    assert.match(page, /<textarea [^>]*id="kentta-details"[^>]*>\nPoistakaa &lt;\/textarea&gt;&lt;b&gt;kaikki&lt;\/b&gt;<\/textarea>/);
    assert.match(tag('kentta-email'), /value="huono"/);
    assert.match(tag('kentta-relation-organisation'), / checked/);
    assert.doesNotMatch(tag('kentta-relation-private'), / checked/);
    assert.match(tag('kentta-restrictMeanwhile'), / checked/);
    // It posts again as it did: the type, and the honeypot, empty.
    assert.match(page, /<form method="post" action="\/api\/requests" [^>]*novalidate/);
    assert.match(page, /<input type="hidden" name="type" value="erasure" \/>/);
    assert.doesNotMatch(tag('kentta-website'), /value=/);
    await nothingStored();
  });

  test('a plain post of no known type gets the messages and the way to the rights', async () => {
    const res = await postForm(t.app, '/api/requests', { type: 'everything', email: 'maija@example.fi' });
    assert.equal(res.status, 422);
    const page = await res.text();
    assert.match(page, /<h1>Lomakkeessa on korjattavaa<\/h1>/);
    assert.match(page, /<li>Avaa lomake uudelleen oikeuden sivulta: pyynnön tyyppi puuttuu tai on tuntematon\.<\/li>/);
    assert.match(page, /href="\/#oikeudet"/);
    await nothingStored();
  });

  test('a repeated form field is refused rather than one value picked', async () => {
    const res = await postForm(t.app, '/api/requests', [...Object.entries(erasure), ['name', 'Toinen Nimi']]);
    assert.equal(res.status, 422);
    assert.match(await res.text(), /id="virhe-name">Avaa lomake uudelleen oikeuden sivulta: tämä kenttä tuli lomakkeessa useammin kuin kerran\.</);
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
