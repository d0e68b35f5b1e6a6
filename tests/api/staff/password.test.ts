import assert from 'node:assert/strict';
import { test } from 'node:test';
import { hashPassword, passwordProblem, usernameProblem, verifyPassword } from '../../../api/staff/password.ts';

const fast = { logN: 10 };

test('a password verifies against its own hash only, and two hashes of it differ', async () => {
  const hash = await hashPassword('oikein-hyvä-salasana', fast);
  assert.equal(await verifyPassword('oikein-hyvä-salasana', hash), true);
  assert.equal(await verifyPassword('oikein-hyvä-salasanA', hash), false);
  assert.notEqual(await hashPassword('oikein-hyvä-salasana', fast), hash);
});

test('the command\'s cost is scrypt N=2^17, r=8, p=1, named in the hash', async () => {
  const hash = await hashPassword('oikein-hyvä-salasana');
  assert.match(hash, /^scrypt\$17\$8\$1\$[\w-]{22}\$[\w-]{43}$/);
  assert.equal(await verifyPassword('oikein-hyvä-salasana', hash), true);
});

test('a malformed hash never verifies', async () => {
  for (const bad of ['', 'scrypt', 'bcrypt$10$x', 'scrypt$99$8$1$AAAA$BBBB', 'scrypt$10$8$1$AAAA$short']) {
    assert.equal(await verifyPassword('mitä tahansa', bad), false, bad);
  }
  // The right password against its own hash with one part changed: another scheme, r or p than the one that made it.
  const parts = (await hashPassword('oikein-hyvä-salasana', fast)).split('$');
  const changed = (at: number, value: string) => parts.map((part, i) => (i === at ? value : part)).join('$');
  for (const bad of [changed(0, 'bcrypt'), changed(2, '16'), changed(3, '2')]) {
    assert.equal(await verifyPassword('oikein-hyvä-salasana', bad), false, bad);
  }
  // A hash asking for more work than the cap (2^20) is refused unheard, not computed: 2^21 takes seconds and 2 GiB.
  const started = performance.now();
  assert.equal(await verifyPassword('oikein-hyvä-salasana', changed(1, '21')), false);
  assert.ok(performance.now() - started < 1000, 'a hash over the cost cap was computed');
});

test('passwords are 12 to 256 characters, counted as people count them', () => {
  assert.match(passwordProblem('ä'.repeat(11)) ?? '', /vähintään 12 merkkiä/);
  assert.equal(passwordProblem('ä'.repeat(12)), undefined);
  assert.equal(passwordProblem('😀'.repeat(256)), undefined);
  assert.match(passwordProblem('😀'.repeat(257)) ?? '', /enintään 256 merkkiä/);
});

test('usernames are 3 to 64 lower-case letters, digits, dots, dashes or underscores', () => {
  assert.equal(usernameProblem('maija.m'), undefined);
  for (const bad of ['ma', 'Maija', 'maija m', 'maija@example.fi', 'x'.repeat(65)]) assert.ok(usernameProblem(bad), bad);
});
