import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { runStaffCommand, type StaffCommandIo } from '../../../api/staff/cli.ts';

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

test('add, list, passwd and disable, each change in the audit log, no password stored anywhere', { timeout: 30_000 }, async () => {
  assert.equal(await runStaffCommand(['add', 'maija'], io), 0);
  assert.deepEqual(out, ['Käyttäjä maija on lisätty.']);
  assert.equal(await runStaffCommand(['list'], io), 0);
  assert.match(out.at(-1) ?? '', /^maija\tkäytössä/);
  assert.equal(await runStaffCommand(['passwd', 'maija'], { ...io, env: { ...io.env, STAFF_PASSWORD: 'toinen hyvä salasana' } }), 0);
  assert.equal(await runStaffCommand(['disable', 'maija'], io), 0);
  assert.match((await runStaffCommand(['list'], io), out.at(-1) ?? ''), /poistettu käytöstä/);
  assert.deepEqual((await audit()).map((l) => [l.actor, l.action, l.id]), [
    ['komento', 'staff_add', 'maija'],
    ['komento', 'staff_passwd', 'maija'],
    ['komento', 'staff_disable', 'maija'],
  ]);
  for (const file of ['staff.json', 'audit.jsonl']) {
    const text = await readFile(join(dir, file), 'utf8');
    assert.ok(!text.includes(password) && !text.includes('toinen hyvä'), `a password in ${file}`);
  }
});

test('refuses a short password or a missing STAFF_PASSWORD in Finnish, writing nothing', async () => {
  assert.equal(await runStaffCommand(['add', 'maija'], { ...io, env: { DATA_DIR: dir, STAFF_PASSWORD: 'lyhyt' } }), 1);
  assert.match(err.at(-1) ?? '', /vähintään 12 merkkiä/);
  assert.equal(await runStaffCommand(['add', 'maija'], { ...io, env: { DATA_DIR: dir } }), 1);
  assert.match(err.at(-1) ?? '', /STAFF_PASSWORD/);
  assert.equal(await runStaffCommand(['add', 'Maija Meikäläinen'], io), 1);
  await assert.rejects(readFile(join(dir, 'staff.json')));
});

test('asks the password twice on a terminal, and refuses when they differ', async () => {
  const answers = ['ensimmäinen salasana', 'toinen salasana!!'];
  assert.equal(await runStaffCommand(['add', 'maija'], { ...io, interactive: true, readPassword: async () => answers.shift() ?? '' }), 1);
  assert.match(err.at(-1) ?? '', /eivät täsmää/);
});

test('a bad setting in the environment is reported in Finnish, without a stack trace', async () => {
  assert.equal(await runStaffCommand(['list'], { ...io, env: { ...io.env, PORT: 'abc' } }), 1);
  assert.match(err.at(-1) ?? '', /^Ympäristön asetuksissa on virhe.*PORT/);
});

test('list shows the dates in Finland', async () => {
  await runStaffCommand(['add', 'maija'], { ...io, now: () => new Date('2026-11-24T22:30:00Z') });
  await runStaffCommand(['list'], io);
  assert.match(out.at(-1) ?? '', /^maija\tkäytössä\tluotu 25\.11\.2026\t/);
});

test('an unknown command shows the usage and exits 2', async () => {
  assert.equal(await runStaffCommand(['poista', 'maija'], io), 2);
  assert.match(err.join('\n'), /Käyttö: npm run staff/);
});

test('runs as the real command with the password from STAFF_PASSWORD when stdin is not a terminal', { timeout: 30_000 }, () => {
  const cli = fileURLToPath(new URL('../../../api/staff/cli.ts', import.meta.url));
  const result = spawnSync(process.execPath, [cli, 'add', 'pekka'], { env: { ...process.env, DATA_DIR: dir, STAFF_PASSWORD: password }, stdio: ['ignore', 'pipe', 'pipe'], encoding: 'utf8' });
  assert.equal(result.status, 0, result.stderr);
  assert.equal(result.stdout.trim(), 'Käyttäjä pekka on lisätty.');
});
