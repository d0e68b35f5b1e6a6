/** One's own account (password, sessions, recovery codes) and the access review of the admin. */
import assert from 'node:assert/strict';
import { afterEach, beforeEach, describe, test } from 'node:test';
import { AuditLog } from '../../../api/audit/index.ts';
import { StaffAccounts } from '../../../api/staff/accounts.ts';
import { testApp, type TestApp } from '../../fixtures/app.ts';
import { postForm } from '../../fixtures/post.ts';
import { addStaff, asStaff, codeFor, login, password } from '../../fixtures/staff.ts';

let t: TestApp;
beforeEach(async () => {
  t = await testApp();
  await addStaff(t);
});
afterEach(() => t.close());

const post = (cookie: string, path: string, fields: Record<string, string>) =>
  asStaff(t, cookie, path, {
    method: 'POST',
    headers: { Origin: 'http://localhost:4321', 'Content-Type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams(fields).toString(),
  });
const newCookie = (res: Response) => (res.headers.get('set-cookie') ?? '').split(';')[0] ?? '';
const actions = async () => (await new AuditLog(t.dataDir).page({ offset: 0, limit: 500 })).entries.map((e) => e.action);
const strong = 'Kolme-kirahvia-ja-sininen-kaukoputki';

describe('the own-account page', () => {
  test('changes the password, asking the current one; other sessions end, this one goes on', async () => {
    const cookie = await login(t);
    const other = await login(t, 'maija', '198.51.100.8');
    const wrong = await post(cookie, '/henkilosto/oma-tili', { action: 'password', current: 'väärin', next: strong, repeat: strong });
    assert.equal(wrong.status, 422);
    assert.match(await wrong.text(), /Nykyinen salasana ei ole oikein/);
    const weak = await post(cookie, '/henkilosto/oma-tili', { action: 'password', current: password, next: 'salasana12345', repeat: 'salasana12345' });
    assert.equal(weak.status, 422);
    assert.match(await weak.text(), /class="error" role="alert" id="tulos" tabindex="-1" autofocus/);
    const named = await post(cookie, '/henkilosto/oma-tili', { action: 'password', current: password, next: 'maija-maija-maija', repeat: 'maija-maija-maija' });
    assert.equal(named.status, 422);
    const mismatch = await post(cookie, '/henkilosto/oma-tili', { action: 'password', current: password, next: strong, repeat: `${strong}!` });
    assert.match(await mismatch.text(), /Uudet salasanat eivät ole samat/);

    t.clock.now = new Date(t.clock.now.getTime() + 1000);
    const done = await post(cookie, '/henkilosto/oma-tili', { action: 'password', current: password, next: strong, repeat: strong });
    assert.equal(done.status, 200);
    assert.match(await done.text(), /Salasana on vaihdettu/);
    const renewed = newCookie(done);
    assert.match(renewed, /^__Host-istunto=/);
    assert.equal((await asStaff(t, renewed, '/henkilosto/')).status, 200, 'this session ended');
    assert.equal((await asStaff(t, other, '/henkilosto/')).status, 303, 'another session lived on');
    assert.equal((await postForm(t.app, '/henkilosto/kirjaudu', { username: 'maija', password, code: await codeFor(t) })).status, 401);
    assert.equal((await postForm(t.app, '/henkilosto/kirjaudu', { username: 'maija', password: strong, code: await codeFor(t) })).status, 303);
    assert.ok((await actions()).includes('password_change'));
  });

  test('lists the live sessions and ends the others', async () => {
    const cookie = await login(t, 'maija', '192.0.2.50');
    const other = await login(t, 'maija', '198.51.100.8');
    const page = await (await asStaff(t, cookie, '/henkilosto/oma-tili')).text();
    assert.match(page, /198\.51\.100\.8/);
    assert.match(page, /Tämä istunto<\/td>/);
    assert.match(page, /Päätä toinen istunto/);
    const ended = await post(cookie, '/henkilosto/oma-tili', { action: 'end_others' });
    assert.match(await ended.text(), /Toinen istunto päätettiin/);
    assert.equal((await asStaff(t, other, '/henkilosto/')).status, 303);
    assert.equal((await asStaff(t, cookie, '/henkilosto/')).status, 200);
    assert.ok((await actions()).includes('sessions_end'));
  });

  test('makes new recovery codes, shown once, after the current password', async () => {
    const cookie = await login(t);
    assert.equal((await post(cookie, '/henkilosto/oma-tili', { action: 'recovery', 'recovery-current': 'väärin' })).status, 422);
    const res = await post(cookie, '/henkilosto/oma-tili', { action: 'recovery', 'recovery-current': password });
    const codes = [...(await res.text()).matchAll(/<li><code>([a-z2-7-]{19})<\/code><\/li>/g)].map((m) => m[1] ?? '');
    assert.equal(codes.length, 10);
    assert.equal((await new StaffAccounts(t.dataDir).find('maija'))?.recoveryCodes?.length, 10);
    assert.equal((await postForm(t.app, '/henkilosto/kirjaudu', { username: 'maija', password, code: codes[0] ?? '' })).status, 303);
  });
});

describe('the access review', () => {
  test('shows the admin every account with role, dates and second factor; disables one and changes a role', async () => {
    await addStaff(t, 'pekka', 'handler');
    await addStaff(t, 'uusi', 'marketing', { totp: false });
    const admin = await login(t);
    const pekka = await login(t, 'pekka');
    const page = await (await asStaff(t, admin, '/henkilosto/kayttajat')).text();
    for (const expected of [/<th scope="row" id="[^"]+">pekka<\/th>\s*<td>Käsittelijä<\/td>/, /<th scope="row" id="[^"]+">uusi<\/th>\s*<td>Markkinointi<\/td>[\s\S]*?<td>ei koskaan<\/td>[\s\S]*?<td>ei käytössä<\/td>/, /Käyttöoikeuksia ei ole vielä merkitty tarkistetuiksi/]) {
      assert.match(page, expected);
    }
    const role = await post(admin, '/henkilosto/kayttajat', { action: 'role', username: 'pekka', role: 'marketing' });
    assert.match(await role.text(), /Käyttäjän pekka rooli on nyt markkinointi/);
    assert.equal((await asStaff(t, pekka, '/henkilosto/loki')).status, 403, 'the new role did not hold');
    const unknown = await post(admin, '/henkilosto/kayttajat', { action: 'role', username: 'pekka', role: 'root' });
    assert.equal(unknown.status, 422);
    assert.match(await unknown.text(), /Valitse rooli luettelosta/);
    const disabled = await post(admin, '/henkilosto/kayttajat', { action: 'disable', username: 'pekka' });
    assert.match(await disabled.text(), /Käyttäjä pekka on poistettu käytöstä/);
    assert.equal((await asStaff(t, pekka, '/henkilosto/markkinointikiellot')).status, 303, 'a disabled account kept its session');
    const self = await post(admin, '/henkilosto/kayttajat', { action: 'disable', username: 'maija' });
    assert.equal(self.status, 422);
    assert.equal((await new StaffAccounts(t.dataDir).find('maija'))?.disabled, false);
    const lines = await actions();
    for (const action of ['staff_role_marketing', 'staff_disable']) assert.ok(lines.includes(action), action);
  });

  test('"tarkistettu" is recorded, and the front page reminds admins only when the last review is over 90 days old', async () => {
    await addStaff(t, 'pekka', 'handler');
    const admin = await login(t);
    const handler = await login(t, 'pekka');
    assert.match(await (await asStaff(t, admin, '/henkilosto/')).text(), /Käyttöoikeuksia ei ole vielä tarkistettu/);
    assert.doesNotMatch(await (await asStaff(t, handler, '/henkilosto/')).text(), /Käyttöoikeuksia ei ole vielä tarkistettu/);
    const done = await post(admin, '/henkilosto/kayttajat', { action: 'review' });
    assert.match(await done.text(), /Tarkistus on kirjattu tapahtumalokiin/);
    assert.ok((await actions()).includes('access_review'));
    assert.doesNotMatch(await (await asStaff(t, admin, '/henkilosto/')).text(), /Käyttöoikeudet tarkistettiin viimeksi/);
    t.clock.now = new Date(t.clock.now.getTime() + 91 * 86_400_000);
    const later = await login(t);
    assert.match(await (await asStaff(t, later, '/henkilosto/')).text(), /Käyttöoikeudet tarkistettiin viimeksi [\d.]+, yli 90 päivää sitten/);
  });

  test('handlers and marketing get 403 there', async () => {
    await addStaff(t, 'pekka', 'handler');
    await addStaff(t, 'mainos', 'marketing');
    for (const name of ['pekka', 'mainos']) {
      const cookie = await login(t, name);
      assert.equal((await asStaff(t, cookie, '/henkilosto/kayttajat')).status, 403);
      assert.equal((await post(cookie, '/henkilosto/kayttajat', { action: 'disable', username: 'maija' })).status, 403);
    }
    assert.equal((await new StaffAccounts(t.dataDir).find('maija'))?.disabled, false);
  });
});
