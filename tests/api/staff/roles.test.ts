/** Least privilege: every staff route, found by walking the router, for every role. */
import assert from 'node:assert/strict';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, beforeEach, test } from 'node:test';
import { AuditLog } from '../../../api/audit/index.ts';
import { requests } from '../../../api/requests/collections.ts';
import { StaffAccounts } from '../../../api/staff/accounts.ts';
import { allowedRoles, roles, type Role } from '../../../api/staff/roles.ts';
import { testApp, type TestApp } from '../../fixtures/app.ts';
import { postForm } from '../../fixtures/post.ts';
import { addStaff, asStaff, codeFor, confirmedRequest, login, password } from '../../fixtures/staff.ts';

let t: TestApp;
beforeEach(async () => {
  t = await testApp();
});
afterEach(() => t.close());

/** The roles each route is for, as the issue states them, written out apart from the product's own table. */
const expected: Record<string, readonly Role[]> = {
  'GET /henkilosto/': ['admin', 'handler', 'marketing'],
  'GET /henkilosto/pyynnot/:reference': ['admin', 'handler'],
  'POST /henkilosto/pyynnot/:reference': ['admin', 'handler'],
  'GET /henkilosto/pyynnot.csv': ['admin', 'handler'],
  'GET /henkilosto/markkinointikiellot': ['admin', 'handler', 'marketing'],
  'GET /henkilosto/markkinointikiellot.csv': ['admin', 'handler', 'marketing'],
  'GET /henkilosto/tilastot': ['admin', 'handler'],
  'GET /henkilosto/tilastot.csv': ['admin', 'handler'],
  'GET /henkilosto/loki': ['admin', 'handler'],
  'GET /henkilosto/oma-tili': ['admin', 'handler', 'marketing'],
  'POST /henkilosto/oma-tili': ['admin', 'handler', 'marketing'],
  'GET /henkilosto/kayttajat': ['admin'],
  'POST /henkilosto/kayttajat': ['admin'],
  'POST /henkilosto/ulos': ['admin', 'handler', 'marketing'],
};

const bodyFor: Record<string, string> = {
  '/henkilosto/pyynnot/:reference': 'action=note&text=tarkistettu',
  '/henkilosto/oma-tili': 'action=nothing',
  '/henkilosto/kayttajat': 'action=review',
};

test('every staff route is allowed to the roles it is for and refused to the others with 403', async () => {
  const reference = await confirmedRequest(t);
  const users: Record<Role, string> = { admin: 'paakayttaja', handler: 'kasittelija', marketing: 'markkinointi' };
  for (const role of roles) await addStaff(t, users[role], role);
  const routes = t.app.routes.filter((r) => r.path.startsWith('/henkilosto/') && r.method !== 'ALL' && !r.path.startsWith('/henkilosto/kirjaudu'));
  const walked = [...new Set(routes.map((r) => `${r.method} ${r.path}`))];
  assert.deepEqual(walked.sort(), Object.keys(expected).sort(), 'a staff route without its roles stated here, or one gone');
  const eventsBefore = t.store.view(requests).find('reference', reference)?.events.length ?? 0;
  let notes = 0;
  for (const role of roles) {
    for (const route of walked) {
      const [method = '', pattern = ''] = route.split(' ');
      const path = pattern.replace(':reference', reference);
      assert.deepEqual([...allowedRoles(method, path)].sort(), [...(expected[route] ?? [])].sort(), `the product's rule for ${route}`);
      // A fresh session each time: log-out is one of the routes.
      const cookie = await login(t, users[role]);
      const init = { method, headers: { Origin: 'http://localhost:4321', 'Content-Type': 'application/x-www-form-urlencoded' }, body: method === 'GET' ? null : (bodyFor[pattern] ?? '') };
      const res = await asStaff(t, cookie, path, init);
      const allowed = expected[route]?.includes(role) ?? false;
      if (allowed) {
        assert.notEqual(res.status, 403, `${role}: ${route} was refused`);
        assert.ok(res.status < 400, `${role}: ${route} answered ${res.status}`);
        if (route === 'POST /henkilosto/pyynnot/:reference') notes += 1;
      } else {
        assert.equal(res.status, 403, `${role}: ${route} answered ${res.status}`);
        const page = await res.text();
        assert.match(page, /<h1>Ei käyttöoikeutta<\/h1>/);
        assert.match(page, /pyydä pääkäyttäjää muuttamaan roolisi/);
        const client = await asStaff(t, cookie, path, { ...init, headers: { ...init.headers, Accept: 'application/json' } });
        assert.equal(client.status, 403);
      }
    }
  }
  // Only the allowed notes changed the request: a refused post wrote nothing.
  assert.equal(t.store.view(requests).find('reference', reference)?.events.length, eventsBefore + notes);
  const forbidden = (await new AuditLog(t.dataDir).page({ action: 'forbidden', offset: 0, limit: 500 })).entries;
  assert.ok(forbidden.some((e) => e.actor === 'markkinointi' && e.id === `GET /henkilosto/pyynnot/${reference}` && e.reason === 'forbidden'));
  assert.ok(forbidden.every((e) => e.address === '192.0.2.50'));
});

test('a marketing account is sent from the front page to the bans, and its navigation shows only what it may use', async () => {
  await addStaff(t, 'markkinointi', 'marketing');
  const cookie = await login(t, 'markkinointi');
  const front = await asStaff(t, cookie, '/henkilosto/');
  assert.equal(front.status, 303);
  assert.equal(front.headers.get('location'), '/henkilosto/markkinointikiellot');
  const page = await (await asStaff(t, cookie, '/henkilosto/markkinointikiellot')).text();
  const nav = page.match(/<nav class="staff-nav"[\s\S]*?<\/nav>/)?.[0] ?? '';
  assert.match(nav, /href="\/henkilosto\/markkinointikiellot"/);
  assert.match(nav, /href="\/henkilosto\/oma-tili"/);
  for (const hidden of ['/henkilosto/"', '/henkilosto/loki', '/henkilosto/kayttajat']) assert.ok(!nav.includes(`href="${hidden}`), `${hidden} in a marketing account's navigation`);
  assert.match(nav, /markkinointi \(markkinointi\)/);
});

test('an account from before roles is refused until upgraded, and the upgrade makes it admin once', async () => {
  await addStaff(t, 'vanha', 'admin');
  // The file as it looked before roles: the account has no role.
  const path = join(t.dataDir, 'staff.json');
  const file = JSON.parse(await readFile(path, 'utf8')) as { accounts: Record<string, unknown>[] };
  for (const account of file.accounts) delete account.role;
  await writeFile(path, JSON.stringify(file));
  const code = await codeFor(t, 'vanha');
  assert.equal((await postForm(t.app, '/henkilosto/kirjaudu', { username: 'vanha', password, code })).status, 401, 'a role-less account got in');
  const accounts = new StaffAccounts(t.dataDir);
  assert.deepEqual(await accounts.upgrade(), ['vanha']);
  assert.deepEqual(await accounts.upgrade(), [], 'upgraded twice');
  assert.equal((await accounts.find('vanha'))?.role, 'admin');
  assert.equal((await postForm(t.app, '/henkilosto/kirjaudu', { username: 'vanha', password, code: await codeFor(t, 'vanha') })).status, 303);
});
