import assert from 'node:assert/strict';
import { mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, test } from 'node:test';
import { roleAuditAction, StaffAccountError, StaffAccounts } from '../../../api/staff/accounts.ts';
import { acquireLock } from '../../../api/store/lock.ts';

let dir: string;
const now = new Date('2026-11-25T08:00:00Z');
const later = new Date(now.getTime() + 60_000);
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'tietosuoja-staff-'));
});
afterEach(() => rm(dir, { recursive: true, force: true }));

const file = async () => JSON.parse(await readFile(join(dir, 'staff.json'), 'utf8'));

test('accounts are added with a role, found, re-passworded and disabled, in a 0600 staff.json', async () => {
  const accounts = new StaffAccounts(dir);
  assert.deepEqual(await accounts.all(), []);
  await accounts.add('maija', 'hash-1', now, 'handler');
  assert.deepEqual(await accounts.find('maija'), {
    username: 'maija',
    role: 'handler',
    passwordHash: 'hash-1',
    disabled: false,
    createdAt: now.toISOString(),
    passwordChangedAt: now.toISOString(),
  });
  await accounts.setPassword('maija', 'hash-2', later);
  assert.equal((await accounts.find('maija'))?.passwordHash, 'hash-2');
  assert.equal((await accounts.find('maija'))?.passwordChangedAt, later.toISOString());
  await accounts.disable('maija', later);
  assert.equal((await accounts.find('maija'))?.disabled, true);
  assert.equal((await stat(join(dir, 'staff.json'))).mode & 0o777, 0o600);
});

test('an account is enabled again, given another role, and its log-ins and the access review are recorded', async () => {
  const accounts = new StaffAccounts(dir);
  await accounts.add('maija', 'h', now, 'marketing');
  await accounts.disable('maija', now);
  await accounts.enable('maija');
  const enabled = await accounts.find('maija');
  assert.equal(enabled?.disabled, false);
  assert.equal(enabled?.disabledAt, undefined);
  await accounts.setRole('maija', 'admin');
  assert.equal((await accounts.find('maija'))?.role, 'admin');
  await accounts.recordLogin('maija', later);
  assert.equal((await accounts.find('maija'))?.lastLoginAt, later.toISOString());
  assert.equal(await accounts.reviewedAt(), undefined);
  await accounts.recordReview(later);
  assert.equal(await accounts.reviewedAt(), later.toISOString());
  assert.equal((await file()).reviewedAt, later.toISOString());
  assert.equal((await accounts.all()).length, 1);
});

test('a taken username and an unknown one are refused in Finnish', async () => {
  const accounts = new StaffAccounts(dir);
  await accounts.add('maija', 'h', now, 'admin');
  await assert.rejects(accounts.add('maija', 'h', now, 'admin'), (e: Error) => e instanceof StaffAccountError && /on jo olemassa/.test(e.message));
  for (const change of [
    () => accounts.setPassword('pekka', 'h', now),
    () => accounts.disable('pekka', now),
    () => accounts.enable('pekka'),
    () => accounts.setRole('pekka', 'admin'),
    () => accounts.enrolTotp('pekka', 'SECRET', now, []),
    () => accounts.acceptStep('pekka', 1),
    () => accounts.useRecoveryCode('pekka', 'x'),
    () => accounts.setRecoveryCodes('pekka', []),
    () => accounts.recordLogin('pekka', now),
  ]) {
    await assert.rejects(change(), /Käyttäjätunnusta ei ole/);
  }
});

test('a TOTP step is accepted once: the same step again (a replay) and an older one are refused', async () => {
  const accounts = new StaffAccounts(dir);
  await accounts.add('maija', 'h', now, 'handler');
  assert.equal(await accounts.acceptStep('maija', 100), false, 'no TOTP enrolled yet');
  await accounts.enrolTotp('maija', 'JBSWY3DPEHPK3PXP', now, ['hash-a', 'hash-b']);
  assert.deepEqual((await accounts.find('maija'))?.totp, { secret: 'JBSWY3DPEHPK3PXP', enrolledAt: now.toISOString(), lastStep: 0 });
  assert.equal(await accounts.acceptStep('maija', 100), true);
  assert.equal(await accounts.acceptStep('maija', 100), false);
  assert.equal(await accounts.acceptStep('maija', 99), false);
  assert.equal(await accounts.acceptStep('maija', 101), true);
  assert.equal((await accounts.find('maija'))?.totp?.lastStep, 101);
});

test('of two servers or commands accepting the same step at once, one wins', async () => {
  await new StaffAccounts(dir).add('maija', 'h', now, 'handler');
  await new StaffAccounts(dir).enrolTotp('maija', 'JBSWY3DPEHPK3PXP', now, []);
  const results = await Promise.all([new StaffAccounts(dir).acceptStep('maija', 7), new StaffAccounts(dir).acceptStep('maija', 7)]);
  assert.deepEqual(results.sort(), [false, true]);
});

test('a recovery code works once; new codes or a new enrolment replace the old', async () => {
  const accounts = new StaffAccounts(dir);
  await accounts.add('maija', 'h', now, 'handler');
  assert.equal(await accounts.useRecoveryCode('maija', 'hash-a'), false, 'no codes yet');
  await accounts.enrolTotp('maija', 'JBSWY3DPEHPK3PXP', now, ['hash-a', 'hash-b']);
  assert.equal(await accounts.useRecoveryCode('maija', 'hash-a'), true);
  assert.equal(await accounts.useRecoveryCode('maija', 'hash-a'), false);
  assert.deepEqual((await accounts.find('maija'))?.recoveryCodes, ['hash-b']);
  await accounts.setRecoveryCodes('maija', ['hash-c']);
  assert.equal(await accounts.useRecoveryCode('maija', 'hash-b'), false);
  await accounts.enrolTotp('maija', 'KRSXG5CTMVRXEZLU', later, ['hash-d']);
  assert.equal(await accounts.useRecoveryCode('maija', 'hash-c'), false);
  assert.deepEqual((await accounts.find('maija'))?.totp, { secret: 'KRSXG5CTMVRXEZLU', enrolledAt: later.toISOString(), lastStep: 0 });
  assert.equal(await accounts.useRecoveryCode('maija', 'hash-d'), true);
  assert.equal((await stat(join(dir, 'staff.json'))).mode & 0o777, 0o600);
});

test('accounts from before roles are read without a role, and made admins once', async () => {
  const old = { passwordHash: 'h', disabled: false, createdAt: now.toISOString(), passwordChangedAt: now.toISOString() };
  await writeFile(join(dir, 'staff.json'), JSON.stringify({ accounts: [{ username: 'maija', ...old }, { username: 'pekka', ...old, role: 'marketing' }, { username: 'liisa', ...old }] }), { mode: 0o600 });
  const accounts = new StaffAccounts(dir);
  assert.equal((await accounts.find('maija'))?.role, undefined);
  assert.deepEqual(await accounts.upgrade(), ['maija', 'liisa']);
  assert.deepEqual(
    (await accounts.all()).map((a) => [a.username, a.role]),
    [
      ['maija', 'admin'],
      ['pekka', 'marketing'],
      ['liisa', 'admin'],
    ],
  );
  assert.deepEqual(await new StaffAccounts(dir).upgrade(), []);
  assert.deepEqual((await file()).accounts.map((a: { role: string }) => a.role), ['admin', 'marketing', 'admin']);
});

test('nothing to upgrade writes nothing, not even an empty staff.json', async () => {
  assert.deepEqual(await new StaffAccounts(dir).upgrade(), []);
  await assert.rejects(stat(join(dir, 'staff.json')), { code: 'ENOENT' });
});

test('a role change is audited under the role\'s own action name', () => {
  assert.equal(roleAuditAction('admin'), 'staff_role_admin');
  assert.equal(roleAuditAction('marketing'), 'staff_role_marketing');
});

test('the server sees what the command changed, while the server holds the data directory', async () => {
  const lock = await acquireLock(dir);
  try {
    const server = new StaffAccounts(dir);
    assert.equal(await server.find('maija'), undefined);
    await new StaffAccounts(dir).add('maija', 'h', now, 'handler');
    assert.equal((await server.find('maija'))?.username, 'maija');
    await new StaffAccounts(dir).disable('maija', now);
    assert.equal((await server.find('maija'))?.disabled, true);
    await new StaffAccounts(dir).setRole('maija', 'marketing');
    assert.equal((await server.find('maija'))?.role, 'marketing');
  } finally {
    await lock.release();
  }
});
