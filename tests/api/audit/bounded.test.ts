import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, test } from 'node:test';
import { boundedAppender } from '../../../api/audit/bounded.ts';
import { AuditLog } from '../../../api/audit/index.ts';

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'tietosuoja-audit-bounded-'));
});
afterEach(() => rm(dir, { recursive: true, force: true }));

test('refusals beyond the budget are counted, and the next written line says how many', async () => {
  const log = new AuditLog(dir);
  let now = new Date(Date.UTC(2026, 10, 25, 8, 0, 5));
  const refuse = boundedAppender(log, { now: () => now, perAddressPerMinute: 3, perMinute: 5 });
  const from = (address: string) => refuse({ actor: 'tuntematon', action: 'login_refused', reason: 'unknown_user', address });
  for (let i = 0; i < 5; i++) await from('203.0.113.7');
  await from('198.51.100.1');
  await from('198.51.100.2');
  await from('198.51.100.3');
  await from('198.51.100.4');
  now = new Date(Date.UTC(2026, 10, 25, 8, 1, 0));
  await refuse({ actor: 'maija', action: 'login_refused', reason: 'wrong_password', address: '203.0.113.7', counts: { tries: 4 } });
  const lines = (await log.read()).reverse();
  assert.deepEqual(
    lines.map((e) => [e.address, e.counts]),
    [
      ['203.0.113.7', undefined],
      ['203.0.113.7', undefined],
      ['203.0.113.7', undefined],
      ['198.51.100.1', { suppressed: 2 }],
      ['198.51.100.2', undefined],
      ['203.0.113.7', { tries: 4, suppressed: 2 }],
    ],
  );
  assert.equal(lines[5]?.at, now.toISOString());
  assert.deepEqual(await log.verify(), { ok: true, lines: 6 });
});

test('a flood from many addresses writes at most perMinute lines a minute', async () => {
  const log = new AuditLog(dir);
  const now = new Date(Date.UTC(2026, 10, 25, 8, 0, 0));
  const refuse = boundedAppender(log, { now: () => now, perMinute: 20 });
  await Promise.all(
    Array.from({ length: 500 }, (_, i) =>
      refuse({ actor: `user${i}`, action: 'login_refused', reason: 'unknown_user', address: `10.0.${i >> 8}.${i & 255}` }),
    ),
  );
  assert.equal((await log.read()).length, 20);
});
