/**
 * Back-off that cannot be turned against staff: made-up names lock no account, one address never locks another's,
 * and while an account's name is being throttled a correct password with a correct code still gets in.
 */
import assert from 'node:assert/strict';
import { afterEach, beforeEach, test } from 'node:test';
import { AuditLog } from '../../../api/audit/index.ts';
import { testApp, type TestApp } from '../../fixtures/app.ts';
import { postForm } from '../../fixtures/post.ts';
import { addStaff, codeFor, password } from '../../fixtures/staff.ts';

let t: TestApp;
beforeEach(async () => {
  t = await testApp();
  await addStaff(t);
  await addStaff(t, 'pekka', 'handler');
});
afterEach(() => t.close());

const logIn = (fields: Record<string, string>, address: string) => postForm(t.app, '/henkilosto/kirjaudu', fields, {}, address);
const audit = async (action: string) => (await new AuditLog(t.dataDir).page({ action, offset: 0, limit: 500 })).entries;

test('made-up names from one address lock no real account, not even from that address', async () => {
  for (let i = 0; i < 20; i++) assert.equal((await logIn({ username: `arvaus${i}`, password: 'väärin-väärin' }, '203.0.113.5')).status, 401);
  assert.equal((await logIn({ username: 'pekka', password, code: await codeFor(t, 'pekka') }, '203.0.113.5')).status, 303);
  assert.equal((await logIn({ username: 'maija', password, code: await codeFor(t) }, '203.0.113.5')).status, 303);
  const locks = await audit('login_lock');
  assert.ok(locks.length >= 1 && locks.every((e) => e.id === 'osoite' && e.address === '203.0.113.5' && e.actor === '(tuntematon)'), JSON.stringify(locks));
  // The tries during the lock are refusals of their own kind in the log.
  assert.ok((await audit('login_failed')).some((e) => e.reason === 'locked' && e.actor === '(tuntematon)'));
});

test('failures from one address lock that address for that account only; the account gets in from elsewhere with password and code', async () => {
  for (let i = 0; i < 6; i++) await logIn({ username: 'maija', password: 'väärin-väärin' }, '203.0.113.7');
  assert.equal((await logIn({ username: 'maija', password, code: await codeFor(t) }, '203.0.113.7')).status, 401, 'the locked pair got in');
  assert.equal((await logIn({ username: 'pekka', password, code: await codeFor(t, 'pekka') }, '203.0.113.7')).status, 303, 'another account was locked');
  // The name is throttled now too (six failures): a correct password with a correct code still gets in.
  assert.equal((await logIn({ username: 'maija', password, code: await codeFor(t) }, '198.51.100.20')).status, 303);
  const kinds = (await audit('login_lock')).map((e) => e.id).sort();
  assert.deepEqual(kinds, ['tunnus', 'tunnus ja osoite']);
  assert.ok((await audit('login_failed')).some((e) => e.reason === 'locked' && e.actor === 'maija' && e.address === '203.0.113.7'));
});

test('while the name is throttled from many addresses, a password alone tells nothing, and password with code gets in', async () => {
  for (let i = 0; i < 6; i++) await logIn({ username: 'maija', password: 'väärin-väärin' }, `198.51.100.${i}`);
  // Without the lock, a correct password without a code is asked for the code; during it, the answer is the usual refusal.
  const alone = await logIn({ username: 'maija', password }, '198.51.100.30');
  assert.equal(alone.status, 401);
  const page = await alone.text();
  assert.doesNotMatch(page, /Kirjoita myös tunnistuskoodi/);
  assert.match(page, /Tarkista käyttäjätunnus, salasana ja tunnistuskoodi/);
  assert.equal((await logIn({ username: 'maija', password, code: await codeFor(t) }, '198.51.100.31')).status, 303);
});

test('a lock passes: after its minute the pair may try again', async () => {
  for (let i = 0; i < 6; i++) await logIn({ username: 'maija', password: 'väärin-väärin' }, '203.0.113.9');
  assert.equal((await logIn({ username: 'maija', password, code: await codeFor(t) }, '203.0.113.9')).status, 401);
  t.clock.now = new Date(t.clock.now.getTime() + 61_000);
  assert.equal((await logIn({ username: 'maija', password, code: await codeFor(t) }, '203.0.113.9')).status, 303);
});
