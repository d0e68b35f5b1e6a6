import assert from 'node:assert/strict';
import { mkdtemp, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, test } from 'node:test';
import { StaffAccountError, StaffAccounts } from '../../../api/staff/accounts.ts';
import { acquireLock } from '../../../api/store/lock.ts';

let dir: string;
const now = new Date('2026-11-25T08:00:00Z');
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'tietosuoja-staff-'));
});
afterEach(() => rm(dir, { recursive: true, force: true }));

test('accounts are added, found, re-passworded and disabled, in a 0600 staff.json', async () => {
  const accounts = new StaffAccounts(dir);
  assert.deepEqual(await accounts.all(), []);
  await accounts.add('maija', 'hash-1', now);
  assert.deepEqual(await accounts.find('maija'), { username: 'maija', passwordHash: 'hash-1', disabled: false, createdAt: now.toISOString(), passwordChangedAt: now.toISOString() });
  const later = new Date(now.getTime() + 60_000);
  await accounts.setPassword('maija', 'hash-2', later);
  assert.equal((await accounts.find('maija'))?.passwordHash, 'hash-2');
  assert.equal((await accounts.find('maija'))?.passwordChangedAt, later.toISOString());
  await accounts.disable('maija', later);
  assert.equal((await accounts.find('maija'))?.disabled, true);
  assert.equal((await stat(join(dir, 'staff.json'))).mode & 0o777, 0o600);
});

test('a taken username and an unknown one are refused in Finnish', async () => {
  const accounts = new StaffAccounts(dir);
  await accounts.add('maija', 'h', now);
  await assert.rejects(accounts.add('maija', 'h', now), (e: Error) => e instanceof StaffAccountError && /on jo olemassa/.test(e.message));
  await assert.rejects(accounts.setPassword('pekka', 'h', now), /Käyttäjätunnusta ei ole/);
  await assert.rejects(accounts.disable('pekka', now), /Käyttäjätunnusta ei ole/);
});

test('the server sees what the command changed, while the server holds the data directory', async () => {
  const lock = await acquireLock(dir);
  try {
    const server = new StaffAccounts(dir);
    assert.equal(await server.find('maija'), undefined);
    await new StaffAccounts(dir).add('maija', 'h', now);
    assert.equal((await server.find('maija'))?.username, 'maija');
    await new StaffAccounts(dir).disable('maija', now);
    assert.equal((await server.find('maija'))?.disabled, true);
  } finally {
    await lock.release();
  }
});
