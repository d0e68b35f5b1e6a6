/** The second factor at log-in: TOTP codes accepted once, recovery codes once, and enrolment at the first log-in. */
import assert from 'node:assert/strict';
import { afterEach, beforeEach, describe, test } from 'node:test';
import { Secret, TOTP } from 'otpauth';
import { AuditLog } from '../../../api/audit/index.ts';
import { StaffAccounts } from '../../../api/staff/accounts.ts';
import { hashPassword } from '../../../api/staff/password.ts';
import { hashRecoveryCode } from '../../../api/staff/totp.ts';
import { testApp, type TestApp } from '../../fixtures/app.ts';
import { postForm } from '../../fixtures/post.ts';
import { addStaff, asStaff, codeFor, password, totpSecret } from '../../fixtures/staff.ts';

let t: TestApp;
beforeEach(async () => {
  t = await testApp();
  await addStaff(t);
});
afterEach(() => t.close());

const logIn = (fields: Record<string, string>, headers: Record<string, string> = {}) => postForm(t.app, '/henkilosto/kirjaudu', fields, headers);
const reasons = async () => (await new AuditLog(t.dataDir).page({ action: 'login_failed', offset: 0, limit: 100 })).entries.map((e) => e.reason);
const cookieOf = (res: Response, name: string) => (res.headers.get('set-cookie') ?? '').split(/,\s*(?=__Host-)/).find((c) => c.startsWith(`${name}=`))?.split(';')[0] ?? '';

describe('a log-in with the second factor', () => {
  test('username, password and code posted at once log in', async () => {
    const res = await logIn({ username: 'maija', password, code: await codeFor(t) });
    assert.equal(res.status, 303);
    assert.equal((await asStaff(t, cookieOf(res, '__Host-istunto'), '/henkilosto/')).status, 200);
  });

  test('a wrong code is refused with the one message for every failure', async () => {
    const right = await codeFor(t);
    const wrong = String((Number(right) + 1) % 1_000_000).padStart(6, '0');
    const res = await logIn({ username: 'maija', password, code: wrong });
    assert.equal(res.status, 401);
    assert.match(await res.text(), /Tarkista käyttäjätunnus, salasana ja tunnistuskoodi/);
    assert.equal(res.headers.get('set-cookie'), null);
    assert.deepEqual(await reasons(), ['wrong_code']);
  });

  test('a missing code is refused, asking for the code, with the name kept in its field', async () => {
    const res = await logIn({ username: 'maija', password });
    assert.equal(res.status, 401);
    const page = await res.text();
    assert.match(page, /Kirjoita myös tunnistuskoodi/);
    assert.match(page, /id="username"[^>]*value="maija"/);
    assert.deepEqual(await reasons(), ['missing_code']);
  });

  test('a code is accepted once: the same code again within its window is refused', async () => {
    const code = await codeFor(t);
    assert.equal((await logIn({ username: 'maija', password, code })).status, 303);
    assert.equal((await logIn({ username: 'maija', password, code })).status, 401, 'a replayed code got in');
    t.clock.now = new Date(t.clock.now.getTime() + 20_000);
    assert.equal((await logIn({ username: 'maija', password, code })).status, 401, 'a replayed code got in 20 s later');
    assert.deepEqual(await reasons(), ['wrong_code', 'wrong_code']);
  });

  test('malformed codes are refused, never a 500', async () => {
    for (const code of ['abc', '12345', '1234567', '١٢٣٤٥٦', '<script>', 'x'.repeat(40), '12 34 5', '-1']) {
      assert.equal((await logIn({ username: 'maija', password, code })).status, 401, code);
    }
  });

  test('a recovery code logs in once and tells how many are left; used twice it is refused', async () => {
    const codes = ['abcd-efgh-ijkm-npqr', 'bcde-fghi-jkmn-pqrs'];
    await new StaffAccounts(t.dataDir).enrolTotp('maija', totpSecret, t.clock.now, codes.map(hashRecoveryCode));
    const res = await logIn({ username: 'maija', password, code: ' ABCD EFGH-IJKM-NPQR ' });
    assert.equal(res.status, 303);
    assert.equal(res.headers.get('location'), '/henkilosto/oma-tili?varakoodi');
    const page = await (await asStaff(t, cookieOf(res, '__Host-istunto'), '/henkilosto/oma-tili?varakoodi')).text();
    assert.match(page, /Kirjauduit varakoodilla\. Käyttämättömiä varakoodeja on jäljellä 1\./);
    assert.equal((await logIn({ username: 'maija', password, code: codes[0] ?? '' })).status, 401, 'a recovery code worked twice');
    const lines = (await new AuditLog(t.dataDir).page({ offset: 0, limit: 100 })).entries.map((e) => e.action);
    assert.ok(lines.includes('login_recovery_code'));
  });

  test('a password of 130 emoji (256 UTF-16 units, 130 code points) logs in whole; 257 code points are refused without hashing', async () => {
    const emoji = '😀'.repeat(130);
    await new StaffAccounts(t.dataDir).add('emoji', await hashPassword(emoji, { logN: 10 }), t.clock.now, 'handler');
    await new StaffAccounts(t.dataDir).enrolTotp('emoji', totpSecret, t.clock.now, []);
    assert.equal((await logIn({ username: 'emoji', password: emoji, code: await codeFor(t, 'emoji') })).status, 303);
    // The same start, one character more: it must not be cut short to the stored password.
    assert.equal((await logIn({ username: 'emoji', password: `${emoji}x`, code: await codeFor(t, 'emoji') })).status, 401);
    assert.equal((await logIn({ username: 'emoji', password: 'a'.repeat(257), code: await codeFor(t, 'emoji') })).status, 401);
  });
});

describe('an account without a second factor', () => {
  test('is led to enrol at its first log-in: QR code as SVG, the secret as text, the first code, then ten recovery codes', async () => {
    await addStaff(t, 'uusi', 'handler', { totp: false });
    const first = await logIn({ username: 'uusi', password });
    assert.equal(first.status, 200);
    assert.equal(cookieOf(first, '__Host-istunto'), '', 'a session before the second factor');
    const enrol = cookieOf(first, '__Host-kayttoonotto');
    assert.match(enrol, /^__Host-kayttoonotto=[\w-]{43}$/);
    const page = await first.text();
    assert.match(page, /<svg[^>]*>[\s\S]*<\/svg>/);
    assert.match(page, /role="img" aria-label="QR-koodi todennussovellukselle"/);
    const secret = (page.match(/<code class="secret">([A-Z2-7 ]+)<\/code>/)?.[1] ?? '').replace(/ /g, '');
    assert.ok(secret.length >= 32, `secret "${secret}"`);
    assert.equal((await new StaffAccounts(t.dataDir).find('uusi'))?.totp, undefined, 'enrolled before the first code');

    const totp = new TOTP({ secret: Secret.fromBase32(secret), digits: 6, period: 30, algorithm: 'SHA1' });
    const wrong = await postForm(t.app, '/henkilosto/kirjaudu/kayttoonotto', { code: '000000' }, { Cookie: enrol });
    assert.equal(wrong.status, 422);
    assert.match(await wrong.text(), /Koodi ei täsmännyt/);

    const code = totp.generate({ timestamp: t.clock.now.getTime() });
    const done = await postForm(t.app, '/henkilosto/kirjaudu/kayttoonotto', { code }, { Cookie: enrol });
    assert.equal(done.status, 200);
    const codes = [...(await done.text()).matchAll(/<li><code>([a-z2-7]{4}(?:-[a-z2-7]{4}){3})<\/code><\/li>/g)].map((m) => m[1] ?? '');
    assert.equal(new Set(codes).size, 10);
    const session = cookieOf(done, '__Host-istunto');
    assert.equal((await asStaff(t, session, '/henkilosto/')).status, 200);
    const account = await new StaffAccounts(t.dataDir).find('uusi');
    assert.equal(account?.totp?.secret, secret);
    assert.equal(account?.recoveryCodes?.length, 10);
    assert.ok(!JSON.stringify(account).includes(codes[0] ?? '-'), 'a recovery code stored as it is');
    // The enrolment is over: its cookie does nothing more, the code that proved it cannot log in, a recovery code can.
    assert.equal((await postForm(t.app, '/henkilosto/kirjaudu/kayttoonotto', { code }, { Cookie: enrol })).status, 200);
    assert.equal((await logIn({ username: 'uusi', password, code })).status, 401);
    assert.equal((await logIn({ username: 'uusi', password, code: codes[3] ?? '' })).status, 303);
    const actions = (await new AuditLog(t.dataDir).page({ actor: 'uusi', offset: 0, limit: 100 })).entries.map((e) => e.action);
    assert.ok(actions.includes('totp_enrol') && actions.includes('login'));
  });

  test('five wrong codes end the enrolment, and a log-in starts it again with a new secret', async () => {
    await addStaff(t, 'uusi', 'handler', { totp: false });
    const first = await logIn({ username: 'uusi', password });
    const enrol = cookieOf(first, '__Host-kayttoonotto');
    const secret = (await first.text()).match(/<code class="secret">([A-Z2-7 ]+)<\/code>/)?.[1];
    for (let i = 0; i < 4; i++) assert.equal((await postForm(t.app, '/henkilosto/kirjaudu/kayttoonotto', { code: '000000' }, { Cookie: enrol })).status, 422);
    const fifth = await postForm(t.app, '/henkilosto/kirjaudu/kayttoonotto', { code: '000000' }, { Cookie: enrol });
    assert.equal(fifth.status, 200);
    assert.match(await fifth.text(), /Käyttöönotto ehti vanhentua tai keskeytyi/);
    const again = await logIn({ username: 'uusi', password });
    assert.notEqual((await again.text()).match(/<code class="secret">([A-Z2-7 ]+)<\/code>/)?.[1], secret);
  });

  test('the enrolment page without a started enrolment sends back to log in', async () => {
    const res = await t.app.request('/henkilosto/kirjaudu/kayttoonotto', { headers: { Accept: 'text/html' } });
    assert.equal(res.status, 200);
    assert.match(await res.text(), /Kirjaudu uudelleen, niin aloitetaan alusta/);
  });
});
