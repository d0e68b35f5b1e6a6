import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { TOTP, URI } from 'otpauth';
import { runStaffCommand, type StaffCommandIo } from '../../../api/staff/cli.ts';
import { hashRecoveryCode } from '../../../api/staff/totp.ts';

const password = 'pitkä ja hyvä salasana';
let dir: string;
let out: string[];
let err: string[];
let io: StaffCommandIo;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'tietosuoja-cli-'));
  out = [];
  err = [];
  io = {
    env: { DATA_DIR: dir, STAFF_PASSWORD: password },
    interactive: false,
    readPassword: async () => password,
    out: (line) => out.push(line),
    err: (line) => err.push(line),
    now: () => new Date('2026-11-25T08:00:00Z'),
  };
});
afterEach(() => rm(dir, { recursive: true, force: true }));

const audit = async () => (await readFile(join(dir, 'audit.jsonl'), 'utf8')).trim().split('\n').map((l) => JSON.parse(l));
const staffFile = async () => JSON.parse(await readFile(join(dir, 'staff.json'), 'utf8'));
const withPassword = (value: string): StaffCommandIo => ({ ...io, env: { ...io.env, STAFF_PASSWORD: value } });

/** An account as staff.json held it before roles. */
async function writeOldAccounts(...usernames: string[]): Promise<void> {
  const at = '2026-01-05T10:00:00.000Z';
  const accounts = usernames.map((username) => ({ username, passwordHash: 'scrypt$10$8$1$x$y', disabled: false, createdAt: at, passwordChangedAt: at }));
  await writeFile(join(dir, 'staff.json'), JSON.stringify({ accounts }), { mode: 0o600 });
}

test('add, list, passwd, disable and enable, each change in the audit log, no password stored anywhere', { timeout: 30_000 }, async () => {
  assert.equal(await runStaffCommand(['add', 'maija', '--role', 'handler'], io), 0);
  assert.deepEqual(out, ['Käyttäjä maija on lisätty roolilla Käsittelijä.']);
  assert.equal(await runStaffCommand(['list'], io), 0);
  assert.match(out.at(-1) ?? '', /^maija\tKäsittelijä\tkäytössä\t/);
  assert.equal(await runStaffCommand(['passwd', 'maija'], withPassword('toinen hyvä salasana')), 0);
  assert.equal(await runStaffCommand(['disable', 'maija'], io), 0);
  assert.match((await runStaffCommand(['list'], io), out.at(-1) ?? ''), /^maija\tKäsittelijä\tpoistettu käytöstä\t/);
  assert.equal(await runStaffCommand(['enable', 'maija'], io), 0);
  assert.equal(out.at(-1), 'Käyttäjä maija on otettu uudelleen käyttöön.');
  assert.match((await runStaffCommand(['list'], io), out.at(-1) ?? ''), /^maija\tKäsittelijä\tkäytössä\t/);
  assert.deepEqual((await audit()).map((l) => [l.actor, l.action, l.id]), [
    ['komento', 'staff_add', 'maija'],
    ['komento', 'staff_role_handler', 'maija'],
    ['komento', 'staff_passwd', 'maija'],
    ['komento', 'staff_disable', 'maija'],
    ['komento', 'staff_enable', 'maija'],
  ]);
  for (const file of ['staff.json', 'audit.jsonl']) {
    const text = await readFile(join(dir, file), 'utf8');
    assert.ok(!text.includes(password) && !text.includes('toinen hyvä'), `a password in ${file}`);
  }
});

test('a role is required, given by its name, and changed with role; each change audited with the role', { timeout: 30_000 }, async () => {
  assert.equal(await runStaffCommand(['add', 'maija'], io), 2);
  assert.match(err.at(-1) ?? '', /add <tunnus> --role <rooli>/);
  assert.equal(await runStaffCommand(['add', 'maija', '--role', 'boss'], io), 1);
  assert.equal(err.at(-1), 'Tuntematon rooli ”boss”. Roolit: admin (Pääkäyttäjä), handler (Käsittelijä), marketing (Markkinointi).');
  await assert.rejects(readFile(join(dir, 'staff.json')), { code: 'ENOENT' });
  assert.equal(await runStaffCommand(['add', '--role', 'marketing', 'maija'], io), 0);
  assert.equal(await runStaffCommand(['role', 'maija', 'admin'], io), 0);
  assert.equal(out.at(-1), 'Käyttäjän maija rooli on nyt Pääkäyttäjä.');
  assert.equal(await runStaffCommand(['role', 'maija', 'pomo'], io), 1);
  assert.match(err.at(-1) ?? '', /^Tuntematon rooli ”pomo”\. Roolit: admin/);
  assert.equal(await runStaffCommand(['role', 'pekka', 'admin'], io), 1);
  assert.match(err.at(-1) ?? '', /Käyttäjätunnusta ei ole/);
  assert.equal(await runStaffCommand(['role', 'maija'], io), 2);
  assert.equal((await staffFile()).accounts[0].role, 'admin');
  assert.deepEqual((await audit()).map((l) => [l.action, l.id]), [
    ['staff_add', 'maija'],
    ['staff_role_marketing', 'maija'],
    ['staff_role_admin', 'maija'],
  ]);
});

test('accounts from before roles become admins at the first command, once, each with an audit line', async () => {
  await writeOldAccounts('maija', 'pekka');
  assert.equal(await runStaffCommand(['list'], io), 0);
  assert.match(out[0] ?? '', /^Käyttäjä maija on nyt pääkäyttäjä: .*npm run staff -- role maija <rooli>$/);
  assert.match(out[1] ?? '', /^Käyttäjä pekka on nyt pääkäyttäjä/);
  assert.match(out[2] ?? '', /^maija\tPääkäyttäjä\tkäytössä\t/);
  assert.equal(await runStaffCommand(['role', 'pekka', 'handler'], io), 0);
  assert.equal(await runStaffCommand(['list'], io), 0);
  assert.deepEqual(out.slice(-2).map((line) => line.split('\t').slice(0, 2)), [
    ['maija', 'Pääkäyttäjä'],
    ['pekka', 'Käsittelijä'],
  ]);
  assert.deepEqual((await audit()).map((l) => [l.actor, l.action, l.id]), [
    ['komento', 'staff_role_upgrade', 'maija'],
    ['komento', 'staff_role_upgrade', 'pekka'],
    ['komento', 'staff_role_handler', 'pekka'],
  ]);
});

test('totp enrols anew: the URI and QR code of a secret that is stored, the key in groups, ten codes stored as hashes', async () => {
  await writeOldAccounts('maija');
  assert.equal(await runStaffCommand(['totp', 'maija'], io), 0);
  const text = out.join('\n');
  const stored = (await staffFile()).accounts[0];
  const uri = out.find((line) => line.startsWith('Sama osoitteena: '))?.slice('Sama osoitteena: '.length) ?? '';
  const totp = URI.parse(uri);
  assert.ok(totp instanceof TOTP);
  assert.equal(totp.label, 'maija');
  assert.equal(totp.issuer, 'Opinaika tietosuoja');
  assert.equal(totp.secret.base32, stored.totp.secret);
  assert.deepEqual(stored.totp, { secret: totp.secret.base32, enrolledAt: '2026-11-25T08:00:00.000Z', lastStep: 0 });
  assert.ok(text.includes(`kirjoittamalla avain: ${stored.totp.secret.match(/.{4}/g).join(' ')}`), 'the key in groups of four');
  assert.match(text, /[▀▄█]{7}/, 'the QR code');
  assert.match(text, /Aiempi avain ja aiemmat varakoodit eivät enää käy/);
  assert.match(text, /todennussovelluksella/);
  const codes = out.filter((line) => /^ {2}[a-z2-7]{4}(-[a-z2-7]{4}){3}$/.test(line)).map((line) => line.trim());
  assert.equal(codes.length, 10);
  assert.deepEqual(stored.recoveryCodes, codes.map(hashRecoveryCode));
  const file = await readFile(join(dir, 'staff.json'), 'utf8');
  for (const code of codes) assert.ok(!file.includes(code), 'a recovery code in staff.json');
  // Enrolling again replaces the secret and every code.
  out.length = 0;
  assert.equal(await runStaffCommand(['totp', 'maija'], io), 0);
  const again = (await staffFile()).accounts[0];
  assert.notEqual(again.totp.secret, stored.totp.secret);
  assert.ok(codes.every((code) => !again.recoveryCodes.includes(hashRecoveryCode(code))));
  assert.deepEqual(
    (await audit()).map((l) => [l.action, l.id]),
    [
      ['staff_role_upgrade', 'maija'],
      ['staff_totp', 'maija'],
      ['staff_totp', 'maija'],
    ],
  );
  assert.equal(await runStaffCommand(['totp', 'pekka'], io), 1);
  assert.match(err.at(-1) ?? '', /Käyttäjätunnusta ei ole/);
});

test('list shows the role in Finnish, dates in Finland, the last log-in and whether the second factor is on', async () => {
  await writeOldAccounts('maija');
  const account = { ...(await staffFile()).accounts[0], role: 'marketing', createdAt: '2026-11-24T22:30:00.000Z', lastLoginAt: '2026-11-25T07:00:00.000Z' };
  await writeFile(join(dir, 'staff.json'), JSON.stringify({ accounts: [account] }), { mode: 0o600 });
  await runStaffCommand(['list'], io);
  assert.equal(out.at(-1), 'maija\tMarkkinointi\tkäytössä\tluotu 25.11.2026\tkirjautunut viimeksi 25.11.2026\tsalasana vaihdettu 5.1.2026\tei kaksivaiheista tunnistautumista');
  await runStaffCommand(['totp', 'maija'], io);
  await runStaffCommand(['list'], io);
  assert.match(out.at(-1) ?? '', /\tkaksivaiheinen tunnistautuminen käytössä$/);
});

test('refuses a short, a common or a guessable password or a missing STAFF_PASSWORD in Finnish, writing nothing', async () => {
  const add = ['add', 'maija.meikalainen', '--role', 'handler'];
  assert.equal(await runStaffCommand(add, withPassword('lyhyt')), 1);
  assert.match(err.at(-1) ?? '', /vähintään 12 merkkiä/);
  assert.equal(await runStaffCommand(add, withPassword('salasana123456')), 1);
  assert.match(err.at(-1) ?? '', /^Salasana on liian helppo arvata: /);
  assert.equal(await runStaffCommand(add, withPassword('kissakoira2024')), 1);
  assert.match(err.at(-1) ?? '', /^Salasana on liian helppo arvata\. /);
  assert.equal(await runStaffCommand(add, withPassword('Maija.Meikalainen!7')), 1);
  assert.match(err.at(-1) ?? '', /^Salasanassa ei saa olla käyttäjätunnusta\./);
  assert.equal(await runStaffCommand(add, withPassword('😀'.repeat(257))), 1);
  assert.match(err.at(-1) ?? '', /enintään 256 merkkiä/);
  assert.equal(await runStaffCommand(add, { ...io, env: { DATA_DIR: dir } }), 1);
  assert.match(err.at(-1) ?? '', /STAFF_PASSWORD/);
  assert.equal(await runStaffCommand(['add', 'Maija Meikäläinen', '--role', 'handler'], io), 1);
  await assert.rejects(readFile(join(dir, 'staff.json')), { code: 'ENOENT' });
});

test('a password of 130 emoji is 130 characters and accepted by passwd', { timeout: 30_000 }, async () => {
  await writeOldAccounts('maija');
  const emoji = String.fromCodePoint(...Array.from({ length: 130 }, (_, i) => 0x1f600 + ((i * 37) % 130)));
  assert.equal(await runStaffCommand(['passwd', 'maija'], withPassword(emoji)), 0);
  assert.equal(out.at(-1), 'Käyttäjän maija salasana on vaihdettu.');
  assert.notEqual((await staffFile()).accounts[0].passwordHash, 'scrypt$10$8$1$x$y');
});

test('asks the password twice on a terminal, and refuses when they differ', async () => {
  const answers = ['ensimmäinen salasana', 'toinen salasana!!'];
  assert.equal(await runStaffCommand(['add', 'maija', '--role', 'admin'], { ...io, interactive: true, readPassword: async () => answers.shift() ?? '' }), 1);
  assert.match(err.at(-1) ?? '', /eivät täsmää/);
});

test('a bad setting in the environment is reported in Finnish, without a stack trace', async () => {
  assert.equal(await runStaffCommand(['list'], { ...io, env: { ...io.env, PORT: 'abc' } }), 1);
  assert.match(err.at(-1) ?? '', /^Ympäristön asetuksissa on virhe.*PORT/);
});

test('an unknown command or a wrong number of words shows the usage and exits 2', async () => {
  for (const args of [['poista', 'maija'], [], ['passwd'], ['disable', 'maija', 'pekka'], ['list', 'maija'], ['passwd', 'maija', '--role', 'admin'], ['add', 'maija', '--role']]) {
    err.length = 0;
    assert.equal(await runStaffCommand(args, io), 2, args.join(' '));
    assert.match(err.join('\n'), /^Käyttö: npm run staff -- <komento>\n.*\n {2}totp <tunnus> /s);
  }
});

test('runs as the real command with the password from STAFF_PASSWORD when stdin is not a terminal', { timeout: 30_000 }, () => {
  const cli = fileURLToPath(new URL('../../../api/staff/cli.ts', import.meta.url));
  const result = spawnSync(process.execPath, [cli, 'add', 'pekka', '--role', 'marketing'], { env: { ...process.env, DATA_DIR: dir, STAFF_PASSWORD: password }, stdio: ['ignore', 'pipe', 'pipe'], encoding: 'utf8' });
  assert.equal(result.status, 0, result.stderr);
  assert.equal(result.stdout.trim(), 'Käyttäjä pekka on lisätty roolilla Markkinointi.');
});
