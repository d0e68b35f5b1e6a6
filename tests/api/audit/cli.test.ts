import assert from 'node:assert/strict';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, test } from 'node:test';
import { runAuditCommand, type AuditCommandIo } from '../../../api/audit/cli.ts';
import { AuditLog } from '../../../api/audit/index.ts';

let dir: string;
let out: string[];
let err: string[];
let io: AuditCommandIo;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'tietosuoja-audit-cli-'));
  out = [];
  err = [];
  io = { env: { DATA_DIR: dir }, out: (line) => out.push(line), err: (line) => err.push(line) };
});
afterEach(() => rm(dir, { recursive: true, force: true }));

const fill = async (n: number) => {
  const log = new AuditLog(dir);
  for (let i = 0; i < n; i++) await log.append({ actor: 'maija', action: 'view_request', id: String(i) }, new Date(Date.UTC(2026, 10, 25, 8, i)));
};

test('verify: a whole log exits 0 and says the chain holds', async () => {
  await fill(3);
  assert.equal(await runAuditCommand(['verify'], io), 0);
  assert.deepEqual([out, err], [['Tapahtumaloki on eheä: 3 riviä, ketju täsmää.'], []]);
});

test('verify: a broken log exits 1 and names the line', async () => {
  await fill(4);
  const path = join(dir, 'audit.jsonl');
  const lines = (await readFile(path, 'utf8')).split('\n');
  await writeFile(path, lines.filter((_, i) => i !== 1).join('\n'));
  assert.equal(await runAuditCommand(['verify'], io), 1);
  assert.equal(out.length, 0);
  assert.match(err.join('\n'), /^Tapahtumaloki ei ole eheä \(3 riviä\)\. Rivi 2: ketju katkeaa\./);
});

test('verify: no log file says so and exits 0', async () => {
  assert.equal(await runAuditCommand(['verify'], io), 0);
  assert.match(out.join('\n'), /^Tapahtumalokia ei ole vielä: tiedostoa .*audit\.jsonl ei ole\.$/);
});

test('an unknown or missing command prints the usage and exits 2', async () => {
  assert.equal(await runAuditCommand(['tarkista'], io), 2);
  assert.equal(await runAuditCommand([], io), 2);
  assert.equal(err.length, 2);
  assert.match(err[0] ?? '', /^Käyttö: npm run audit -- <komento>\n {2}verify/);
});

test('bad settings are refused in Finnish, exit 1', async () => {
  assert.equal(await runAuditCommand(['verify'], { ...io, env: { DATA_DIR: dir, PORT: 'abc' } }), 1);
  assert.match(err.join('\n'), /^Ympäristön asetuksissa on virhe/);
});
