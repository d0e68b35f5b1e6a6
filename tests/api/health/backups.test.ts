/** Backup health in `GET /api/health`: only for a live staff session, and never a reason for 503. */
import assert from 'node:assert/strict';
import { afterEach, test } from 'node:test';
import type { BackupStatus } from '../../../api/backup/shipper.ts';
import { freshBackups as fresh } from '../../fixtures/backups.ts';
import { StaffAccounts } from '../../../api/staff/accounts.ts';
import { testApp, type TestApp } from '../../fixtures/app.ts';
import { addStaff, login } from '../../fixtures/staff.ts';

const failing: BackupStatus = { ...fresh, failure: { since: '2026-01-31T08:00:00.000Z', reason: 'EACCES' }, waiting: 3 };
const overdue: BackupStatus = { ...fresh, newestFull: { ...fresh.newestFull!, at: '2026-01-29T03:00:00.000Z' }, fullOverdue: true };

let t: TestApp;
afterEach(() => t.close());

async function staffApp(status?: BackupStatus): Promise<string> {
  t = await testApp(status ? { backups: () => status } : {});
  await addStaff(t);
  return login(t);
}

const health = (cookie?: string) => t.app.request('/api/health', cookie ? { headers: { Cookie: cookie } } : {});

test('tells a stranger nothing about backups', async () => {
  await staffApp(failing);
  for (const cookie of [undefined, '__Host-istunto=keksitty']) {
    const res = await health(cookie);
    assert.equal(res.status, 200);
    assert.equal(res.headers.get('cache-control'), 'no-store');
    assert.deepEqual(await res.json(), { ok: true });
  }
});

test('gives staff the detail: ok while backups are fresh', async () => {
  const cookie = await staffApp(fresh);
  const res = await health(cookie);
  assert.equal(res.status, 200);
  assert.equal(res.headers.get('cache-control'), 'no-store');
  assert.deepEqual(await res.json(), {
    ok: true,
    backups: { ok: true, newestFull: fresh.newestFull, newestJournal: fresh.newestJournal, waiting: 0, fullOverdue: false },
  });
});

test('a failing backup is not ok, yet health stays 200: intake works', async () => {
  const cookie = await staffApp(failing);
  const res = await health(cookie);
  assert.equal(res.status, 200);
  const body = (await res.json()) as { ok: boolean; backups: Record<string, unknown> };
  assert.equal(body.ok, true);
  assert.equal(body.backups.ok, false);
  assert.deepEqual(body.backups.failure, { since: '2026-01-31T08:00:00.000Z', reason: 'EACCES' });
  assert.equal(body.backups.waiting, 3);
  assert.equal('dir' in body.backups, false);
});

test('an overdue full backup is not ok', async () => {
  const cookie = await staffApp(overdue);
  const body = (await (await health(cookie)).json()) as { backups: { ok: boolean; fullOverdue: boolean } };
  assert.equal(body.backups.ok, false);
  assert.equal(body.backups.fullOverdue, true);
});

test('says backups are not set up when the server takes none', async () => {
  const cookie = await staffApp();
  assert.deepEqual(await (await health(cookie)).json(), { ok: true, backups: { ok: false, configured: false } });
});

test('an ended session or a disabled account gets no detail', async () => {
  const cookie = await staffApp(fresh);
  t.clock.now = new Date(t.clock.now.getTime() + 31 * 60_000);
  assert.deepEqual(await (await health(cookie)).json(), { ok: true });
  const again = await login(t);
  await new StaffAccounts(t.dataDir).disable('maija', t.clock.now);
  assert.deepEqual(await (await health(again)).json(), { ok: true });
});

test('only reads: asking does not keep the session alive', async () => {
  const cookie = await staffApp(fresh);
  t.clock.now = new Date(t.clock.now.getTime() + 5 * 60_000);
  const before = await t.storeText();
  assert.ok('backups' in ((await (await health(cookie)).json()) as object));
  assert.equal(await t.storeText(), before);
});
