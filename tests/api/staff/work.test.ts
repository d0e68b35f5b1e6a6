/** Staff at work: the list, a request's page, decisions the subject hears about, exports, and the audit log. */
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, test } from 'node:test';
import { requests } from '../../../api/requests/collections.ts';
import { testApp, type TestApp } from '../../fixtures/app.ts';
import { erasure, postForm, postJson } from '../../fixtures/post.ts';
import { act, asStaff, confirmedRequest, login, password, staffApp } from '../../fixtures/staff.ts';

let t: TestApp;
let cookie: string;
beforeEach(async () => {
  ({ t, cookie } = await staffApp());
});
afterEach(() => t.close());

const audit = async () =>
  (await readFile(join(t.dataDir, 'audit.jsonl'), 'utf8'))
    .trim()
    .split('\n')
    .map((line) => JSON.parse(line) as { at: string; actor: string; action: string; id?: string });
const lastMail = async () => (await t.mails()).at(-1);

describe('the request list', () => {
  test('shows counts, overdue requests first and marked in words, and unconfirmed ones apart', async () => {
    const late = await confirmedRequest(t);
    t.clock.now = new Date('2026-02-20T10:00:00Z');
    const fresh = await confirmedRequest(t, { ...erasure, email: 'toinen@example.fi' });
    await postJson(t.app, '/api/requests', { ...erasure, email: 'vahvistamaton@example.fi' });
    t.clock.now = new Date('2026-03-02T10:00:00Z');
    cookie = await login(t);
    const page = await (await asStaff(t, cookie, '/henkilosto/')).text();
    assert.ok(page.indexOf(late) < page.indexOf(fresh), 'the overdue request is not first');
    assert.match(page, /<tr class="overdue">[\s\S]*?Myöhässä 2 päivää/);
    assert.match(page, /Myöhässä: <strong>1<\/strong>/);
    assert.match(page, /Vastaanotettu: <strong>2<\/strong>/);
    const unconfirmed = page.slice(page.indexOf('Vahvistamattomat pyynnöt'));
    assert.match(unconfirmed, /TS-2026-00003/);
    assert.doesNotMatch(page.slice(0, page.indexOf('Vahvistamattomat pyynnöt')), /TS-2026-00003/);
  });

  test('filters by status and type and finds a reference', async () => {
    const reference = await confirmedRequest(t);
    await confirmedRequest(t, { ...erasure, type: 'access', email: 'b@example.fi' });
    await act(t, cookie, reference, { action: 'start' });
    const inProgress = await (await asStaff(t, cookie, '/henkilosto/?tila=in_progress')).text();
    assert.match(inProgress, new RegExp(reference));
    assert.doesNotMatch(inProgress, /TS-2026-00002/);
    const access = await (await asStaff(t, cookie, '/henkilosto/?tyyppi=access')).text();
    assert.match(access, /TS-2026-00002/);
    assert.doesNotMatch(access, new RegExp(`${reference}<`));
    const found = await (await asStaff(t, cookie, '/henkilosto/?viite=00002')).text();
    assert.match(found, /TS-2026-00002/);
  });
});

describe('a request', () => {
  test('shows every field the subject gave, the controller, the deadline with days left and the history', async () => {
    const reference = await confirmedRequest(t, { ...erasure, relation: 'organisation', organisation: 'Oulun kaupunki', phone: '040 123 4567', username: 'maija.m', details: 'Kaikki tiedot.', restrictMeanwhile: true });
    t.clock.now = new Date('2026-02-20T10:00:00Z');
    cookie = await login(t);
    const page = await (await asStaff(t, cookie, `/henkilosto/pyynnot/${reference}`)).text();
    for (const text of ['Maija Meikäläinen', erasure.email, '040 123 4567', 'maija.m', 'Kaikki tiedot.', 'Oulun kaupunki (asiakasorganisaatio', '28.2.2026', '8 päivää', 'Vahvistettu sähköpostilla', 'Kyllä']) {
      assert.ok(page.includes(text), `missing ${text}`);
    }
    for (const button of ['Aloita käsittely', 'Pidennä määräaikaa', 'Merkitse valmiiksi', 'Hylkää ja lähetä perustelu', 'Välitä pyyntö organisaatiolle', 'Tallenna muistiinpano']) {
      assert.ok(page.includes(button), `no ${button}`);
    }
  });

  test('an action that does not fit is refused with a clear message, changing nothing', async () => {
    const reference = await confirmedRequest(t);
    await act(t, cookie, reference, { action: 'complete', text: 'Tiedot poistettu.' });
    const res = await act(t, cookie, reference, { action: 'reject', text: 'Ei käy.' });
    assert.equal(res.status, 422);
    assert.match(await res.text(), /Toiminto ei sovi pyynnölle, jonka tila on &quot;Valmis&quot;\./);
    assert.equal([...t.store.view(requests).values()][0]?.status, 'completed');
  });

  test('a rejection e-mails the justification and names the right to complain to the Ombudsman', async () => {
    const reference = await confirmedRequest(t);
    const res = await act(t, cookie, reference, { action: 'reject', text: 'Kirjanpitolaki velvoittaa säilyttämään laskut kuusi vuotta.' });
    assert.equal(res.status, 303);
    assert.equal(res.headers.get('location'), `/henkilosto/pyynnot/${reference}?tallennettu`);
    const mail = await lastMail();
    assert.equal(mail?.to, erasure.email);
    assert.equal(mail?.subject, `Pyyntöäsi ${reference} ei voitu toteuttaa`);
    assert.match(mail?.text ?? '', /Kirjanpitolaki velvoittaa/);
    assert.match(mail?.text ?? '', /tietosuojavaltuutetulle/);
    assert.match(mail?.text ?? '', /https:\/\/tietosuoja\.fi/);
  });

  test('an extension e-mails the new deadline and its reason; completion e-mails the answer', async () => {
    const reference = await confirmedRequest(t);
    assert.equal((await act(t, cookie, reference, { action: 'extend', until: '2026-04-28', text: 'Pyyntöjä on poikkeuksellisen paljon.' })).status, 303);
    let mail = await lastMail();
    assert.equal(mail?.subject, `Pyyntösi ${reference} käsittelyaikaa on pidennetty`);
    assert.match(mail?.text ?? '', /viimeistään 28\.4\.2026/);
    assert.match(mail?.text ?? '', /Pyyntöjä on poikkeuksellisen paljon\./);
    assert.equal((await act(t, cookie, reference, { action: 'complete', text: 'Tietosi on poistettu.' })).status, 303);
    mail = await lastMail();
    assert.equal(mail?.subject, `Pyyntösi ${reference} on käsitelty`);
    assert.match(mail?.text ?? '', /Tietosi on poistettu\./);
  });

  test('a new confirmed request is announced to STAFF_NOTIFY_TO with its reference and link only', async () => {
    await t.close();
    t = await testApp({ staffNotifyTo: 'tietosuoja@alfasoft.fi' });
    const reference = await confirmedRequest(t, { ...erasure, details: 'Salainen lisätieto.' });
    const notice = (await t.mails()).find((m) => m.to === 'tietosuoja@alfasoft.fi');
    assert.ok(notice, 'staff were not told');
    assert.equal(notice.subject, `Uusi tietosuojapyyntö ${reference}`);
    assert.match(notice.text, new RegExp(`http://localhost:4321/henkilosto/pyynnot/${reference}`));
    for (const personal of [erasure.name, erasure.email, 'Salainen lisätieto']) assert.ok(!notice.text.includes(personal), personal);
  });
});

describe('the marketing bans page', () => {
  test('lists every ban in force with its phone, if any, and its date, and links the CSV', async () => {
    await postJson(t.app, '/api/requests', { type: 'marketing_ban', email: 'maija@example.fi' });
    await postJson(t.app, '/api/requests', { type: 'marketing_ban', email: 'pekka@example.fi', phone: '040 123 4567' });
    const page = await (await asStaff(t, cookie, '/henkilosto/markkinointikiellot')).text();
    assert.match(page, /<th scope="col">Sähköpostiosoite<\/th><th scope="col">Puhelin<\/th><th scope="col">Voimassa alkaen<\/th>/);
    assert.match(page, /<td>maija@example\.fi<\/td><td><\/td><td>31\.1\.2026<\/td>/);
    assert.match(page, /<td>pekka@example\.fi<\/td><td>\+358401234567<\/td><td>31\.1\.2026<\/td>/);
    assert.match(page, /href="\/henkilosto\/markkinointikiellot\.csv"/);
  });
});

describe('exports', () => {
  test('the ban list as CSV for the marketing tools, with formula-looking addresses made harmless', async () => {
    // Valid addresses that a spreadsheet would run as formulas (=-2+3, =+cmd) unless the cell starts with '.
    for (const email of ['maija@example.fi', '-2+3@example.fi', '+cmd@example.fi']) {
      assert.equal((await postJson(t.app, '/api/requests', { type: 'marketing_ban', email })).status, 201, email);
    }
    const res = await asStaff(t, cookie, '/henkilosto/markkinointikiellot.csv');
    assert.equal(res.status, 200);
    assert.match(res.headers.get('content-type') ?? '', /^text\/csv/);
    assert.match(res.headers.get('content-disposition') ?? '', /attachment; filename="markkinointikiellot\.csv"/);
    assert.equal(res.headers.get('cache-control'), 'no-store');
    const [header, ...rows] = (await res.text()).split('\r\n');
    assert.equal(header, 'email,phone,created_at');
    assert.deepEqual(rows.sort(), [
      '',
      "'+cmd@example.fi,,2026-01-31T10:00:00.000Z",
      "'-2+3@example.fi,,2026-01-31T10:00:00.000Z",
      'maija@example.fi,,2026-01-31T10:00:00.000Z',
    ]);
  });

  test('the ban list as CSV names each phone a ban was recorded for, in international form, a line each', async () => {
    await postJson(t.app, '/api/requests', { type: 'marketing_ban', email: 'maija@example.fi', phone: '040 123 4567' });
    await postJson(t.app, '/api/requests', { type: 'marketing_ban', email: 'maija@example.fi', phone: '+358 50 765 4321' });
    const [header, ...rows] = (await (await asStaff(t, cookie, '/henkilosto/markkinointikiellot.csv')).text()).split('\r\n');
    assert.equal(header, 'email,phone,created_at');
    // A number in international form goes out as it is: it is no formula, and the tools must read it.
    assert.deepEqual(rows, ['maija@example.fi,+358401234567,2026-01-31T10:00:00.000Z', 'maija@example.fi,+358507654321,2026-01-31T10:00:00.000Z', '']);
  });

  test('the request list as CSV, without the subjects\' personal data', async () => {
    const reference = await confirmedRequest(t);
    const csv = await (await asStaff(t, cookie, '/henkilosto/pyynnot.csv')).text();
    assert.match(csv, new RegExp(`^reference,type,status,.*\\r\\n${reference},erasure,received,`));
    assert.ok(!csv.includes(erasure.email) && !csv.includes(erasure.name));
  });
});

describe('the audit log', () => {
  test('has a line for each audited event, with usernames and ids but never a subject\'s name or e-mail', async () => {
    const reference = await confirmedRequest(t);
    await asStaff(t, cookie, `/henkilosto/pyynnot/${reference}`);
    await act(t, cookie, reference, { action: 'note', text: `Soitettu: ${erasure.name}` });
    await asStaff(t, cookie, '/henkilosto/markkinointikiellot.csv');
    await asStaff(t, cookie, '/henkilosto/pyynnot.csv');
    await postForm(t.app, '/henkilosto/kirjaudu', { username: 'maija', password: 'väärin' });
    await postForm(t.app, '/henkilosto/kirjaudu', { username: erasure.email, password });
    await asStaff(t, cookie, '/henkilosto/ulos', { method: 'POST', headers: { Origin: 'http://localhost:4321' } });
    const lines = await audit();
    assert.deepEqual(
      lines.map((l) => [l.actor, l.action, l.id ?? '']),
      [
        ['maija', 'login', ''],
        ['maija', 'view_request', reference],
        ['maija', 'note', reference],
        ['maija', 'export_bans', ''],
        ['maija', 'export_requests', ''],
        ['maija', 'login_failed', ''],
        ['(tuntematon)', 'login_failed', ''],
        ['maija', 'logout', ''],
      ],
    );
    const raw = await readFile(join(t.dataDir, 'audit.jsonl'), 'utf8');
    for (const personal of [erasure.email, erasure.name, 'Meikäläinen']) assert.ok(!raw.includes(personal), personal);
  });

  test('is shown to staff newest first, with filters', async () => {
    const reference = await confirmedRequest(t);
    await asStaff(t, cookie, `/henkilosto/pyynnot/${reference}`);
    const page = await (await asStaff(t, cookie, '/henkilosto/loki')).text();
    assert.ok(page.indexOf('view_request') < page.indexOf('>login<'), 'not newest first');
    const filtered = await (await asStaff(t, cookie, '/henkilosto/loki?tapahtuma=login')).text();
    assert.doesNotMatch(filtered, /view_request/);
    assert.match(filtered, />login</);
  });
});
