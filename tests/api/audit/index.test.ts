import assert from 'node:assert/strict';
import { appendFile, mkdtemp, readFile, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, test } from 'node:test';
import { AuditLog } from '../../../api/audit/index.ts';

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
