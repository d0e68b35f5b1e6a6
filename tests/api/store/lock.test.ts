import assert from 'node:assert/strict';
import { mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { hostname, tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, test } from 'node:test';
import { acquireLock, StoreLockedError } from '../../../api/store/lock.ts';

/** Above any real pid_max, so no process has it. */
const deadPid = 2147483646;

let dir: string;
let lockPath: string;

beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'tietosuoja-store-'));
  lockPath = join(dir, 'db.lock');
});
afterEach(() => rm(dir, { recursive: true, force: true }));

const holder = async () => JSON.parse(await readFile(lockPath, 'utf8')) as { pid: number; hostname: string; startedAt: string };

test('writes who holds the lock to db.lock, readable by its owner only', async () => {
  const lock = await acquireLock(dir);
  const { pid, hostname: host, startedAt } = await holder();
  assert.equal(pid, process.pid);
  assert.equal(host, hostname());
  assert.ok(Date.parse(startedAt) <= Date.now());
  assert.equal((await stat(lockPath)).mode & 0o777, 0o600);
  await lock.release();
});

test('refuses a second holder, naming the data directory and the pid that holds it', async () => {
  const lock = await acquireLock(dir);
  await assert.rejects(acquireLock(dir), (error) => {
    assert.ok(error instanceof StoreLockedError);
    assert.equal(error.dataDir, dir);
    assert.ok(error.message.includes(dir), error.message);
    assert.ok(error.message.includes(`pid ${process.pid}`), error.message);
    assert.match(error.message, /same DATA_DIR/);
    return true;
  });
  await lock.release();
});

test('can be taken again after it is released, and releasing twice is harmless', async () => {
  const first = await acquireLock(dir);
  await first.release();
  await first.release();
  await assert.rejects(stat(lockPath), { code: 'ENOENT' });
  const second = await acquireLock(dir);
  await second.release();
});

test('takes over a lock whose process is gone', async () => {
  await writeFile(lockPath, JSON.stringify({ pid: deadPid, hostname: hostname(), startedAt: '2020-01-01T00:00:00.000Z' }));
  const lock = await acquireLock(dir);
  assert.equal((await holder()).pid, process.pid);
  await lock.release();
});

test('takes over a lock that an earlier process with our pid left, as a restarted container would', async () => {
  await writeFile(lockPath, JSON.stringify({ pid: process.pid, hostname: hostname(), startedAt: '2020-01-01T00:00:00.000Z' }));
  const lock = await acquireLock(dir);
  assert.notEqual((await holder()).startedAt, '2020-01-01T00:00:00.000Z');
  await lock.release();
});

test('takes over a lock file that cannot be read, as a crash while writing it leaves', async () => {
  for (const text of ['', '{"pid":', '{"pid":0,"hostname":"x","startedAt":"y"}']) {
    await writeFile(lockPath, text);
    const lock = await acquireLock(dir);
    assert.equal((await holder()).pid, process.pid);
    await lock.release();
  }
});

test('trusts a lock held on another host, whose processes it cannot see', async () => {
  const text = JSON.stringify({ pid: deadPid, hostname: `not-${hostname()}`, startedAt: '2020-01-01T00:00:00.000Z' });
  await writeFile(lockPath, text);
  await assert.rejects(acquireLock(dir), StoreLockedError);
  assert.equal(await readFile(lockPath, 'utf8'), text);
});

test('release leaves a lock that someone else has taken since', async () => {
  const lock = await acquireLock(dir);
  const other = JSON.stringify({ pid: deadPid, hostname: hostname(), startedAt: new Date().toISOString() });
  await writeFile(lockPath, other);
  await lock.release();
  assert.equal(await readFile(lockPath, 'utf8'), other);
});
