import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { appendFile, mkdtemp, readFile, rm, stat, utimes, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, test } from 'node:test';
import { AuditLog, reasonNames, refusalReasons, requestAuditActions } from '../../../api/audit/index.ts';

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'tietosuoja-audit-'));
});
afterEach(() => rm(dir, { recursive: true, force: true }));

const at = (minute: number) => new Date(Date.UTC(2026, 10, 25, 8, minute));

test('appends lines and reads them newest first, filtered, in a 0600 file', async () => {
  const log = new AuditLog(dir);
  await log.append({ actor: 'maija', action: 'login' }, at(0));
  await log.append({ actor: 'maija', action: 'view_request', id: 'TS-2026-00001' }, at(1));
  await log.append({ actor: 'pekka', action: 'login' }, at(2));
  assert.deepEqual((await log.read()).map((e) => `${e.actor} ${e.action}`), ['pekka login', 'maija view_request', 'maija login']);
  assert.deepEqual((await log.read({ actor: 'maija' })).length, 2);
  assert.deepEqual(await log.read({ action: 'view_request' }), [{ at: at(1).toISOString(), actor: 'maija', action: 'view_request', id: 'TS-2026-00001' }]);
  assert.equal((await log.read({ limit: 1 })).length, 1);
  assert.equal((await stat(join(dir, 'audit.jsonl'))).mode & 0o777, 0o600);
});

test('100 appends at once give 100 whole lines', async () => {
  const log = new AuditLog(dir);
  await Promise.all(Array.from({ length: 100 }, (_, i) => log.append({ actor: 'maija', action: 'view_request', id: `TS-2026-${String(i).padStart(5, '0')}` }, at(i % 60))));
  const lines = (await readFile(join(dir, 'audit.jsonl'), 'utf8')).trim().split('\n');
  assert.equal(lines.length, 100);
  assert.ok(lines.every((line) => JSON.parse(line).action === 'view_request'));
});

test('a line torn by a crash is skipped, not fatal', async () => {
  const log = new AuditLog(dir);
  await log.append({ actor: 'maija', action: 'login' }, at(0));
  await appendFile(join(dir, 'audit.jsonl'), '{"at":"2026-11-25T08:01:00.000Z","actor":"ma');
  assert.deepEqual((await log.read()).map((e) => e.action), ['login']);
});

const file = () => join(dir, 'audit.jsonl');
const lines = async () => (await readFile(file(), 'utf8')).split('\n').slice(0, -1);
const sha256 = (text: string) => createHash('sha256').update(text).digest('base64url');
const appendMany = async (log: AuditLog, n: number, from = 0) => {
  for (let i = from; i < from + n; i++)
    await log.append({ actor: 'maija', action: 'view_request', id: `TS-2026-${String(i).padStart(5, '0')}` }, at(i % 60));
};
/** Rewrites the file with its lines changed by `edit`. */
const rewrite = async (edit: (lines: string[]) => string[]) => writeFile(file(), `${edit(await lines()).join('\n')}\n`);

test('each line carries the hash of the line before it, and the chain verifies', async () => {
  const log = new AuditLog(dir);
  assert.deepEqual(await log.verify(), { ok: true, lines: 0 });
  await appendMany(log, 5);
  const written = await lines();
  assert.equal(JSON.parse(written[0] ?? '').prev, '');
  for (let i = 1; i < written.length; i++) assert.equal(JSON.parse(written[i] ?? '').prev, sha256(written[i - 1] ?? ''));
  assert.deepEqual(await log.verify(), { ok: true, lines: 5 });
  assert.ok((await log.read()).every((entry) => !('prev' in entry)));
});

test('an edited line breaks the chain at the next line, also after more appends', async () => {
  const log = new AuditLog(dir);
  await appendMany(log, 3);
  assert.equal((await log.verify()).ok, true);
  await rewrite((all) => all.map((line, i) => (i === 1 ? line.replace('"maija"', '"pekka"') : line)));
  await appendMany(log, 2, 3);
  const check = await log.verify();
  assert.equal(check.ok, false);
  assert.ok(!check.ok && check.line === 3 && check.lines === 5);
  assert.ok(
    !check.ok && /^Rivi 3: ketju katkeaa\. Rivin 3 tai sitä edeltävän rivin sisältöä on muutettu/.test(check.message),
    !check.ok ? check.message : '',
  );
});

test('a removed line breaks the chain where it was', async () => {
  const log = new AuditLog(dir);
  await appendMany(log, 5);
  await rewrite((all) => all.filter((_, i) => i !== 2));
  await appendMany(log, 1, 5);
  const check = await log.verify();
  assert.deepEqual(check.ok ? undefined : [check.line, check.lines], [3, 5]);
});

test('two swapped lines break the chain at the first of them', async () => {
  const log = new AuditLog(dir);
  await appendMany(log, 5);
  await rewrite(([a, b, c, ...rest]) => [a, c, b, ...rest].map(String));
  const check = await log.verify();
  assert.deepEqual(check.ok ? undefined : [check.line, check.message.slice(0, 8)], [2, 'Rivi 2: ']);
});

test('a removed first line, or a line without prev among chained ones, is named too', async () => {
  const log = new AuditLog(dir);
  await appendMany(log, 3);
  const original = await lines();
  await rewrite((all) => all.slice(1));
  assert.deepEqual(await log.verify().then((c) => (c.ok ? undefined : c.line)), 1);
  await writeFile(
    file(),
    `${[original[0], original[1], JSON.stringify({ at: at(9).toISOString(), actor: 'pekka', action: 'login' }), original[2]].join('\n')}\n`,
  );
  const check = await log.verify();
  assert.deepEqual(check.ok ? undefined : [check.line, /ei kuulu ketjuun/.test(check.message)], [3, true]);
});

test('a legacy file gets a chain start line committing to all of it, then verifies', async () => {
  const legacy = `${JSON.stringify({ at: at(0).toISOString(), actor: 'maija', action: 'login' })}\n${JSON.stringify({ at: at(1).toISOString(), actor: 'maija', action: 'logout' })}\n`;
  await writeFile(file(), legacy);
  const log = new AuditLog(dir);
  await log.append({ actor: 'pekka', action: 'login' }, at(2));
  await log.append({ actor: 'pekka', action: 'logout' }, at(3));
  const written = await lines();
  assert.deepEqual(JSON.parse(written[2] ?? ''), {
    at: at(2).toISOString(),
    actor: 'järjestelmä',
    action: 'audit_chain_start',
    prev: sha256(legacy),
  });
  assert.equal(JSON.parse(written[3] ?? '').prev, sha256(written[2] ?? ''));
  assert.deepEqual(await log.verify(), { ok: true, lines: 5 });
  assert.deepEqual(
    (await log.read()).map((e) => `${e.actor} ${e.action}`),
    ['pekka logout', 'pekka login', 'järjestelmä audit_chain_start', 'maija logout', 'maija login'],
  );
  await rewrite((all) => all.map((line, i) => (i === 0 ? line.replace('login', 'logout') : line)));
  assert.deepEqual(await log.verify().then((c) => (c.ok ? undefined : c.line)), 3);
});

test('a torn line is a warning, not a break, and the next append starts on a new line', async () => {
  const log = new AuditLog(dir);
  await appendMany(log, 2);
  const torn = '{"at":"2026-11-25T08:01:00.000Z","actor":"ma';
  await appendFile(file(), torn);
  assert.deepEqual(await log.verify(), { ok: true, lines: 3, torn: [3] });
  await log.append({ actor: 'pekka', action: 'login' }, at(5));
  const written = await lines();
  assert.equal(written.length, 4);
  assert.equal(written[2], torn);
  assert.deepEqual(JSON.parse(written[3] ?? ''), { at: at(5).toISOString(), actor: 'pekka', action: 'login', prev: sha256(torn) });
  assert.deepEqual(await log.verify(), { ok: true, lines: 4, torn: [3] });
  assert.deepEqual(
    (await log.read()).map((e) => e.actor),
    ['pekka', 'maija', 'maija'],
  );
});

test('two logs on one directory (two processes) appending at once keep one chain', async () => {
  const server = new AuditLog(dir);
  const command = new AuditLog(dir);
  await Promise.all(
    Array.from({ length: 60 }, (_, i) =>
      (i % 2 ? server : command).append({ actor: i % 2 ? 'maija' : 'komento', action: 'view_request', id: String(i) }, at(i)),
    ),
  );
  assert.deepEqual(await server.verify(), { ok: true, lines: 60 });
  assert.deepEqual(
    (await command.read({ limit: 100 })).map((e) => Number(e.id)).sort((a, b) => a - b),
    Array.from({ length: 60 }, (_, i) => i),
  );
  await assert.rejects(stat(join(dir, 'audit.lock')), { code: 'ENOENT' });
});

test('two processes appending at once keep one chain', async () => {
  const module = new URL('../../../api/audit/index.ts', import.meta.url).href;
  const script = `const { AuditLog } = await import(${JSON.stringify(module)});
    const log = new AuditLog(process.argv[1]);
    for (let i = 0; i < 40; i++) await log.append({ actor: process.argv[2], action: 'view_request', id: String(i) }, new Date());`;
  const run = (actor: string) =>
    new Promise<number | null>((done) =>
      spawn(process.execPath, ['--input-type=module', '-e', script, dir, actor], { stdio: 'inherit' }).on('exit', done),
    );
  assert.deepEqual(await Promise.all([run('palvelin'), run('komento')]), [0, 0]);
  assert.deepEqual(await new AuditLog(dir).verify(), { ok: true, lines: 80 });
  assert.equal((await new AuditLog(dir).read({ actor: 'komento' })).length, 40);
});

test('a lock left by a process that died is taken over', async () => {
  await writeFile(join(dir, 'audit.lock'), '');
  const old = new Date(Date.now() - 60_000);
  await utimes(join(dir, 'audit.lock'), old, old);
  await new AuditLog(dir).append({ actor: 'maija', action: 'login' }, at(0));
  assert.equal((await lines()).length, 1);
});

test('page() gives one page newest first, the total, and only the allowed actions', async () => {
  const log = new AuditLog(dir);
  for (let i = 0; i < 120; i++)
    await log.append({ actor: i % 2 ? 'maija' : 'pekka', action: i % 3 ? 'view_request' : 'login', id: String(i) }, at(i % 60));
  const first = await log.page({ offset: 0, limit: 50 });
  assert.equal(first.total, 120);
  assert.deepEqual(first.entries.map((e) => e.id).slice(0, 3), ['119', '118', '117']);
  assert.equal(first.entries.length, 50);
  const last = await log.page({ offset: 100, limit: 50 });
  assert.deepEqual([last.total, last.entries.length, last.entries.at(-1)?.id], [120, 20, '0']);
  const handler = await log.page({ actions: requestAuditActions, offset: 0, limit: 50 });
  assert.deepEqual([handler.total, handler.entries.every((e) => e.action === 'view_request')], [80, true]);
  const mine = await log.page({ actor: 'maija', actions: requestAuditActions, offset: 10, limit: 5 });
  assert.deepEqual([mine.total, mine.entries.map((e) => e.id)], [40, ['89', '85', '83', '79', '77']]);
  assert.deepEqual(await log.page({ action: 'logout', offset: 0, limit: 50 }), { entries: [], total: 0 });
  await log.append({ actor: 'maija', action: 'login', address: '203.0.113.7', reason: 'wrong_password' }, at(59));
  const grown = await log.page({ offset: 0, limit: 1 });
  assert.deepEqual(grown, {
    entries: [{ at: at(59).toISOString(), actor: 'maija', action: 'login', address: '203.0.113.7', reason: 'wrong_password' }],
    total: 121,
  });
});

test('page() of a missing log is empty', async () => {
  assert.deepEqual(await new AuditLog(join(dir, 'none')).page({ offset: 0, limit: 50 }), { entries: [], total: 0 });
});

test('every refusal reason has a Finnish name', () => {
  assert.deepEqual(Object.keys(reasonNames).sort(), [...refusalReasons].sort());
  assert.equal(reasonNames.locked, 'estetty toistuvien virheiden vuoksi');
});

test('after a walk, a grown log is walked on from where it was, and an edit to the part walked before still shows', async () => {
  const log = new AuditLog(dir);
  await appendMany(log, 40);
  assert.deepEqual(await log.verify(), { ok: true, lines: 40 });
  await appendMany(log, 5, 40);
  assert.deepEqual(await log.verify(), { ok: true, lines: 45 });
  // The same length, in place (the same inode): only the digest of the walked part can tell.
  await rewrite((all) => all.map((line, i) => (i === 10 ? line.replace('"maija"', '"pekka"') : line)));
  await appendMany(log, 1, 45);
  const check = await log.verify();
  assert.ok(!check.ok && check.line === 12 && check.lines === 46, JSON.stringify(check));
});
