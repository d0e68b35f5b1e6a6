/** Who gets into the staff area: log-in, sessions, log-out, and every route behind them. */
import assert from 'node:assert/strict';
import { afterEach, beforeEach, describe, test } from 'node:test';
import { requests } from '../../../api/requests/collections.ts';
import { StaffAccounts } from '../../../api/staff/accounts.ts';
import { hashPassword } from '../../../api/staff/password.ts';
import { sessions } from '../../../api/staff/sessions.ts';
import { testApp, type TestApp } from '../../fixtures/app.ts';
import { from, postForm } from '../../fixtures/post.ts';
import { addStaff, asStaff, codeFor, confirmedRequest, login, password } from '../../fixtures/staff.ts';

let t: TestApp;
beforeEach(async () => {
  t = await testApp();
  await addStaff(t);
});
afterEach(() => t.close());

describe('every staff route', () => {
  test('found by walking the router, refuses a request without a valid session', async () => {
    const reference = await confirmedRequest(t);
    const routes = t.app.routes.filter((r) => r.path.startsWith('/henkilosto/') && r.method !== 'ALL' && !r.path.startsWith('/henkilosto/kirjaudu'));
    assert.ok(routes.length >= 8, `only ${routes.length} staff routes found`);
    for (const { method, path } of routes) {
      const url = path.replace(':reference', reference);
      const headers = { Origin: 'http://localhost:4321', 'Content-Type': 'application/x-www-form-urlencoded' };
      const body = method === 'GET' ? null : 'action=note&text=x';
      for (const cookie of ['', '__Host-istunto=vaarennetty', `__Host-istunto=${'A'.repeat(43)}`]) {
        const browser = await asStaff(t, cookie, url, { method, headers, body });
        assert.equal(browser.status, 303, `${method} ${url} with "${cookie}"`);
        assert.match(browser.headers.get('location') ?? '', /^\/henkilosto\/kirjaudu/);
        const client = await asStaff(t, cookie, url, { method, headers: { ...headers, Accept: 'application/json' }, body });
        assert.equal(client.status, 401, `${method} ${url} for a non-HTML client`);
      }
    }
    assert.equal([...t.store.view(requests).values()][0]?.events.length, 2, 'a refused request changed something');
  });
});

describe('a session', () => {
  test('opens the staff pages, and ends after 30 minutes idle', async () => {
    const cookie = await login(t);
    assert.equal((await asStaff(t, cookie, '/henkilosto/')).status, 200);
    t.clock.now = new Date(t.clock.now.getTime() + 29 * 60_000);
    assert.equal((await asStaff(t, cookie, '/henkilosto/')).status, 200, 'activity keeps it alive');
    t.clock.now = new Date(t.clock.now.getTime() + 30 * 60_000 + 1000);
    assert.equal((await asStaff(t, cookie, '/henkilosto/')).status, 303);
  });

  test('ends after 8 hours however active', async () => {
    const cookie = await login(t);
    for (let minutes = 20; minutes <= 8 * 60; minutes += 20) {
      t.clock.now = new Date(t.clock.now.getTime() + 20 * 60_000);
      const status = (await asStaff(t, cookie, '/henkilosto/')).status;
      assert.equal(status, minutes < 8 * 60 ? 200 : 303, `after ${minutes} minutes`);
    }
  });

  test('log-out ends it on the server: the old cookie no longer works', async () => {
    const cookie = await login(t);
    const out = await asStaff(t, cookie, '/henkilosto/ulos', { method: 'POST', headers: { Origin: 'http://localhost:4321' } });
    assert.equal(out.status, 303);
    assert.match(out.headers.get('set-cookie') ?? '', /__Host-istunto=;.*Max-Age=0/);
    assert.equal((await asStaff(t, cookie, '/henkilosto/')).status, 303);
    assert.deepEqual([...t.store.view(sessions).values()], []);
  });

  test('ends when the account is disabled or its password changed', async () => {
    const cookie = await login(t);
    const accounts = new StaffAccounts(t.dataDir);
    t.clock.now = new Date(t.clock.now.getTime() + 1000);
    await accounts.setPassword('maija', await hashPassword('toinen-hyvä-salasana', { logN: 10 }), t.clock.now);
    assert.equal((await asStaff(t, cookie, '/henkilosto/')).status, 303);
    await addStaff(t, 'pekka');
    const other = await login(t, 'pekka');
    await accounts.disable('pekka', t.clock.now);
    assert.equal((await asStaff(t, other, '/henkilosto/')).status, 303);
  });

  test('a log-out form posted from another site is refused', async () => {
    const cookie = await login(t);
    const res = await asStaff(t, cookie, '/henkilosto/ulos', { method: 'POST', headers: { Origin: 'https://evil.example', 'Content-Type': 'application/x-www-form-urlencoded' } });
    assert.equal(res.status, 403);
    assert.equal((await asStaff(t, cookie, '/henkilosto/')).status, 200);
  });
});

describe('logging in', () => {
  test('sets a new session id every time, in a __Host- cookie that is HttpOnly, Secure and SameSite=Strict', async () => {
    const res = await postForm(t.app, '/henkilosto/kirjaudu', { username: 'maija', password, code: await codeFor(t) });
    assert.equal(res.status, 303);
    assert.equal(res.headers.get('location'), '/henkilosto/');
    const cookie = res.headers.get('set-cookie') ?? '';
    assert.match(cookie, /^__Host-istunto=[\w-]{43}; /);
    for (const flag of [/HttpOnly/, /Secure/, /SameSite=Strict/, /Path=\//]) assert.match(cookie, flag);
    assert.doesNotMatch(cookie, /Domain=/i);
    const first = cookie.split(';')[0] ?? '';
    const again = await postForm(t.app, '/henkilosto/kirjaudu', { username: 'maija', password, code: await codeFor(t) }, { Cookie: first });
    const second = (again.headers.get('set-cookie') ?? '').split(';')[0] ?? '';
    assert.notEqual(second, first);
    assert.equal((await asStaff(t, first, '/henkilosto/')).status, 303, 'the session from before the log-in lives on');
    assert.equal((await asStaff(t, second, '/henkilosto/')).status, 200);
    assert.ok(!JSON.stringify([...t.store.view(sessions).values()]).includes(second.split('=')[1] ?? '-'), 'a session id is stored as is');
  });

  test('answers an unknown user and a wrong password the same way, as slowly: an unknown name is hashed too', async () => {
    // An account hashed at a cost that takes a measurable time even here; the decoy for unknown names costs more.
    await new StaffAccounts(t.dataDir).add('pekka', await hashPassword(password, { logN: 12 }), t.clock.now, 'handler');
    const attempt = async (username: string, address: string) => {
      const started = performance.now();
      const res = await postForm(t.app, '/henkilosto/kirjaudu', { username, password: 'väärä-salasana-123', code: '123456' }, {}, address);
      return { res, ms: performance.now() - started };
    };
    const unknown = await attempt('eiole', '192.0.2.76');
    const wrong = await attempt('pekka', '192.0.2.77');
    assert.equal(unknown.res.status, 401);
    assert.equal(wrong.res.status, 401);
    const text = async (res: Response) => (await res.text()).replace(/\s+/g, ' ');
    assert.equal(await text(unknown.res), await text(wrong.res));
    assert.equal(unknown.res.headers.get('set-cookie'), null);
    const again = await attempt('eiolekaan', '192.0.2.78');
    assert.ok(again.ms >= wrong.ms / 2, `an unknown name was answered in ${Math.round(again.ms)} ms, a wrong password in ${Math.round(wrong.ms)} ms`);
  });

  test('a disabled account cannot log in, even with the right password and code', async () => {
    await new StaffAccounts(t.dataDir).disable('maija', t.clock.now);
    assert.equal((await postForm(t.app, '/henkilosto/kirjaudu', { username: 'maija', password, code: await codeFor(t) })).status, 401);
  });

  test('a log-in form posted from another site is refused', async () => {
    const res = await t.app.request('/henkilosto/kirjaudu', { method: 'POST', headers: { Origin: 'https://evil.example', 'Content-Type': 'application/x-www-form-urlencoded' }, body: new URLSearchParams({ username: 'maija', password }).toString() }, from('192.0.2.1'));
    assert.equal(res.status, 403);
  });

  test('the first visit to the staff area asks to log in without claiming that a session ended', async () => {
    const first = await asStaff(t, '', '/henkilosto/');
    assert.equal(first.headers.get('location'), '/henkilosto/kirjaudu');
    const page = await (await asStaff(t, '', '/henkilosto/kirjaudu')).text();
    assert.doesNotMatch(page, /päättynyt/);
    const ended = await asStaff(t, '__Host-istunto=vanha', '/henkilosto/');
    assert.equal(ended.headers.get('location'), '/henkilosto/kirjaudu?istunto=paattynyt');
    assert.match(await (await asStaff(t, '', '/henkilosto/kirjaudu?istunto=paattynyt')).text(), /Istuntosi on päättynyt/);
  });
});
