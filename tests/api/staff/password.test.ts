import assert from 'node:assert/strict';
import { test } from 'node:test';
import { hashPassword, isTooLong, maxPasswordLength, passwordProblem, usernameProblem, verifyPassword } from '../../../api/staff/password.ts';

const fast = { logN: 10 };

/** n different emoji, in no order zxcvbn takes for a sequence: each one code point of two UTF-16 units. */
const emoji = (n: number) => String.fromCodePoint(...Array.from({ length: n }, (_, i) => 0x1f600 + ((i * 37) % 130)));

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

test('passwords are 12 to 256 characters, counted as people count them (code points)', () => {
  assert.match(passwordProblem('ä7Q!ö2x#Ü9k') ?? '', /vähintään 12 merkkiä/);
  assert.equal(passwordProblem('ä7Q!ö2x#Ü9k%'), undefined);
  // Six emoji are twelve UTF-16 units but six characters.
  assert.match(passwordProblem(`${emoji(5)}ä7Q!ö2`) ?? '', /vähintään 12 merkkiä/);
  assert.equal(passwordProblem(`${emoji(6)}ä7Q!ö2`), undefined);
  // 130 emoji are 260 UTF-16 units: within the limit all the same, and 256 are too.
  assert.equal(passwordProblem(emoji(130)), undefined);
  assert.equal(passwordProblem(emoji(256)), undefined);
  assert.match(passwordProblem(`${emoji(256)}x`) ?? '', /enintään 256 merkkiä/);
  assert.match(passwordProblem('😀'.repeat(257)) ?? '', /enintään 256 merkkiä/);
});

test('isTooLong counts code points, for the log-in to refuse before hashing', () => {
  assert.equal(maxPasswordLength, 256);
  assert.equal(isTooLong('a'.repeat(256)), false);
  assert.equal(isTooLong('a'.repeat(257)), true);
  assert.equal(isTooLong(emoji(130)), false);
  assert.equal(isTooLong(emoji(256)), false);
  assert.equal(isTooLong(`${emoji(256)}a`), true);
  assert.equal(isTooLong('a'.repeat(100_000)), true);
});

test('common passwords and Finnish words are refused, saying why and what to do, in Finnish', () => {
  const common = passwordProblem('salasana123456') ?? '';
  assert.match(common, /^Salasana on liian helppo arvata: tämä on samankaltainen kuin usein käytetty salasana\. /);
  assert.match(common, /Käytä salasanassa lisää vähemmän tunnettuja sanoja\./);
  // Two everyday Finnish words and a year: zxcvbn has no warning for it, so the general advice is given.
  assert.match(passwordProblem('kissakoira2024') ?? '', /^Salasana on liian helppo arvata\. Käytä salasanassa lisää vähemmän tunnettuja sanoja\./);
  assert.match(passwordProblem('ääääääääääää') ?? '', /toistot kuten "aaa" ovat helppoja arvata\. .*Vältä sanojen ja merkkien toistamista\./);
  assert.match(passwordProblem('qwertyuiopasdf') ?? '', /^Salasana on liian helppo arvata/);
});

test('a password containing the username is refused', () => {
  const message = /^Salasanassa ei saa olla käyttäjätunnusta\./;
  assert.match(passwordProblem('maija.meikalainen2024', ['maija.meikalainen']) ?? '', message);
  assert.match(passwordProblem('Kesä-MAIJA-järvellä-7', ['maija']) ?? '', message);
  // The same password is fine for someone else.
  assert.equal(passwordProblem('Kesä-MAIJA-järvellä-7', ['pekka']), undefined);
});

test('long passphrases and random passwords are accepted', () => {
  for (const good of ['pitkä ja hyvä salasana', 'toinen hyvä salasana', 'Ruusu kukkii talvella 7', 'ä7Q!ö2x#Ü9k%']) {
    assert.equal(passwordProblem(good, ['maija']), undefined, good);
  }
});

test('usernames are 3 to 64 lower-case letters, digits, dots, dashes or underscores', () => {
  assert.equal(usernameProblem('maija.m'), undefined);
  for (const bad of ['ma', 'Maija', 'maija m', 'maija@example.fi', 'x'.repeat(65)]) assert.ok(usernameProblem(bad), bad);
});
