/**
 * Backups in process: continuous shipping, full backups taken while requests come in, restore of a file and of
 * a moment, damaged files refused before anything changes, BACKUP_DIR trouble that stops nothing, and pruning.
 */
import assert from 'node:assert/strict';
import { mkdir, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, describe, test } from 'node:test';
import { BackupDamagedError, listBackups, readBackup } from '../../../api/backup/file.ts';
import { check, restore, RestoreError, type RestoreOptions } from '../../../api/backup/restore.ts';
import { prunable, queueDir } from '../../../api/backup/shipper.ts';
import { collections } from '../../../api/collections.ts';
import { requests } from '../../../api/requests/collections.ts';
import type { RequestRecord } from '../../../api/requests/record.ts';
import { sessions } from '../../../api/staff/sessions.ts';
import { keysOf, type Keys } from '../../../api/store/cipher.ts';
import { Store } from '../../../api/store/store.ts';
import { backedApp, submit, treeOf, type BackedApp } from '../../fixtures/backups.ts';

let t: BackedApp | undefined;
afterEach(async () => {
  await t?.close().catch(() => undefined);
  t = undefined;
});

const restoreOptions = (app: BackedApp, keys: Keys = keysOf(undefined)): RestoreOptions => ({
  dataDir: app.dataDir,
  backupDir: app.backupDir,
  keys: { ...keys, plain: true },
  collections,
  empty: [sessions.name],
  now: new Date('2026-02-01T00:00:00Z'),
});
const byId = <R extends { id: string }>(list: R[]) => [...list].sort((a, b) => a.id.localeCompare(b.id));
/** Closes the app's store (as a stopped server would) without removing its directory. */
const stopServer = async (app: BackedApp) => {
  await app.postman.idle();
  await app.shipper.stop();
  await app.store.close();
};

describe('a full backup', () => {
  test('taken while submissions run restores to a state equal to the one it was taken from', async () => {
    t = await backedApp();
    for (let i = 0; i < 10; i++) await submit(t, `ennen${i}@example.fi`);
    let captured: ReturnType<Store['capture']> | undefined;
    const capture = t.store.capture.bind(t.store);
    t.store.capture = () => (captured = capture());
    const running = Array.from({ length: 20 }, (_, i) => submit(t as BackedApp, `aikana${i}@example.fi`));
    const written = await t.shipper.takeFull();
    await Promise.all(running);
    assert.ok(captured, 'the backup did not capture the state');
    const taken = captured;
    assert.ok((taken.requests as unknown[]).length >= 10, 'the backup missed requests acknowledged before it');
    await stopServer(t);
    assert.equal((await Store.read(t.dataDir, collections)).list(requests).length, 30);

    const lines = await restore(restoreOptions(t), { file: written.path });
    assert.match(lines.join('\n'), /Restored the state of .* requests \d+/);
    const restored = await Store.read(t.dataDir, collections);
    for (const collection of collections) {
      const expected = collection === sessions ? [] : (taken[collection.name] as { id: string }[]);
      const found = restored.list(collection) as unknown as { id: string }[];
      assert.deepEqual(byId(found.map((r) => ({ ...r, id: r.id ?? JSON.stringify(r) }))), byId(expected.map((r) => ({ ...r, id: r.id ?? JSON.stringify(r) }))), collection.name);
    }
    // The replaced data directory is kept aside, beside it and not inside it.
    const aside = (await readdir(t.root)).filter((name) => name.startsWith('data.before-restore-'));
    assert.equal(aside.length, 1);
    assert.equal((await Store.read(join(t.root, aside[0] as string), collections)).list(requests).length, 30);
  });

  test('carries a checksum: one flipped byte is refused by check and by restore, naming the file, and nothing changes', async () => {
    t = await backedApp();
    await submit(t, 'maija@example.fi');
    const written = await t.shipper.takeFull();
    await check(written.path, keysOf(undefined), collections);
    const bytes = await readFile(written.path);
    for (const at of [0, Math.floor(bytes.length / 2), bytes.length - 3]) {
      const damaged = Buffer.from(bytes);
      damaged[at] = (damaged[at] as number) ^ 0x01;
      await writeFile(written.path, damaged);
      await assert.rejects(check(written.path, keysOf(undefined), collections), (error: Error) => error instanceof BackupDamagedError && error.message.includes(written.path));
      await stopServer(t);
      const before = treeOf(t.root);
      await assert.rejects(restore(restoreOptions(t), { file: written.path }), BackupDamagedError);
      assert.ok(JSON.stringify(treeOf(t.root)) === JSON.stringify(before), 'a refused restore changed a file');
      t = Object.assign(t, { store: await Store.open(t.dataDir, collections, { log: () => {} }) });
    }
    await t.store.close();
  });
});

describe('continuous backup', () => {
  test('ships each sealed segment and each new snapshot to BACKUP_DIR, and the queue empties', async () => {
    t = await backedApp();
    await submit(t, 'eka@example.fi');
    await t.store.compact();
    await submit(t, 'toka@example.fi');
    await t.store.compact();
    await t.ship();
    const listed = await listBackups(t.backupDir);
    assert.ok(listed.filter((entry) => entry.kind === 'journal').length >= 2, JSON.stringify(listed));
    assert.ok(listed.filter((entry) => entry.kind === 'full').length >= 2, JSON.stringify(listed));
    assert.deepEqual(await readdir(queueDir(t.dataDir)), []);
    for (const entry of listed) await check(join(t.backupDir, entry.name), keysOf(undefined), collections);
    const status = t.shipper.status();
    assert.equal(status.failure, undefined);
    assert.equal(status.fullOverdue, false);
    assert.ok(status.newestJournal && status.newestJournal.bytes > 0);
  });

  test('a BACKUP_DIR that cannot be written stops no request, keeps what waits, is reported, and is caught up once it works', async () => {
    t = await backedApp();
    // A file where the directory should be: every write under it fails (ENOTDIR, also for root).
    await rm(t.backupDir, { recursive: true, force: true });
    await writeFile(t.backupDir, 'ei hakemisto');
    await submit(t, 'eka@example.fi');
    await t.store.compact();
    await t.ship();
    const failing = t.shipper.status();
    assert.ok(failing.failure, 'the failure was not reported');
    assert.match(failing.failure.reason, /^E[A-Z]+$/);
    assert.ok((await readdir(queueDir(t.dataDir))).length >= 2, 'the queue lost what waits');
    // Intake goes on.
    await submit(t, 'toka@example.fi');

    await rm(t.backupDir);
    await mkdir(t.backupDir);
    await t.ship();
    assert.equal(t.shipper.status().failure, undefined);
    assert.deepEqual(await readdir(queueDir(t.dataDir)), []);
    assert.ok((await listBackups(t.backupDir)).some((entry) => entry.kind === 'journal'));
  });
});

describe('restore to a moment', () => {
  /** Five requests a minute apart, 10:01 … 10:05, each in a segment of its own, after a full backup at 10:00. */
  const history = async () => {
    const app = await backedApp();
    t = app;
    app.clock.now = new Date('2026-01-31T10:00:00Z');
    await app.shipper.takeFull();
    const made: { reference: string; at: Date }[] = [];
    for (let i = 1; i <= 5; i++) {
      app.clock.now = new Date(`2026-01-31T10:0${i}:00Z`);
      made.push({ reference: await submit(app, `henkilo${i}@example.fi`), at: app.clock.now });
      await app.postman.idle();
      await app.store.compact();
    }
    // Later full backups would make the journal unnecessary: keep only the one from 10:00.
    await app.ship();
    for (const entry of await listBackups(app.backupDir)) {
      if (entry.kind === 'full' && entry.at !== '2026-01-31T10:00:00.000Z') await rm(join(app.backupDir, entry.name));
    }
    await stopServer(app);
    return { app, made };
  };

  test('restores exactly the changes committed before the moment', async () => {
    const { app, made } = await history();
    for (const [i, moment] of ['2026-01-31T10:02:30Z', '2026-01-31T10:03:00Z', '2026-01-31T10:00:30Z'].entries()) {
      const at = new Date(moment);
      const lines = await restore({ ...restoreOptions(app), now: new Date(Date.UTC(2026, 1, 1, i)) }, { at });
      const found = (await Store.read(app.dataDir, collections)).list(requests).map((r) => r.reference).sort();
      const expected = made.filter((m) => m.at <= at).map((m) => m.reference).sort();
      assert.deepEqual(found, expected, `${moment}: ${lines.join(' / ')}`);
    }
  });

  test('says so when the backups end before the moment, and refuses a moment before every full backup and the first journal', async () => {
    const { app, made } = await history();
    const lines = await restore({ ...restoreOptions(app), now: new Date('2026-02-15T01:00:00Z') }, { at: new Date('2026-02-15T00:00:00Z') });
    assert.match(lines.join('\n'), /nothing later had reached BACKUP_DIR/);
    assert.equal((await Store.read(app.dataDir, collections)).list(requests).length, made.length);
    const first = (await listBackups(app.backupDir)).find((entry) => entry.kind === 'journal' && entry.firstSeq === 1);
    assert.ok(first);
    await rm(join(app.backupDir, first.name));
    const before = treeOf(app.root);
    await assert.rejects(restore(restoreOptions(app), { at: new Date('2026-01-31T09:00:00Z') }), (error: Error) => error instanceof RestoreError && /no full backup from before/.test(error.message));
    assert.ok(JSON.stringify(treeOf(app.root)) === JSON.stringify(before), 'a refused restore changed a file');
  });

  test('refuses, changing nothing, when a journal backup in the middle is missing or damaged', async () => {
    const { app } = await history();
    const journals = (await listBackups(app.backupDir)).filter((entry) => entry.kind === 'journal');
    assert.ok(journals.length >= 3);
    const middle = journals[1] as { name: string };
    const path = join(app.backupDir, middle.name);
    const bytes = await readFile(path);
    const before = treeOf(app.root);
    const damaged = Buffer.from(bytes);
    damaged[Math.floor(bytes.length / 2)] = (damaged[Math.floor(bytes.length / 2)] as number) ^ 0x20;
    await writeFile(path, damaged);
    await assert.rejects(restore(restoreOptions(app), { at: new Date('2026-01-31T10:05:00Z') }), (error: Error) => error instanceof BackupDamagedError && error.message.includes(middle.name));
    await rm(path);
    await assert.rejects(restore(restoreOptions(app), { at: new Date('2026-01-31T10:05:00Z') }), (error: Error) => error instanceof RestoreError && /is missing from BACKUP_DIR/.test(error.message));
    await writeFile(path, bytes);
    assert.ok(JSON.stringify(treeOf(app.root)) === JSON.stringify(before), 'a refused restore changed a file');
  });

  test('without a full backup from before the moment, a journal from the first record starts from the empty store', async () => {
    t = await backedApp();
    const made: string[] = [];
    for (const minute of [1, 2]) {
      t.clock.now = new Date(`2026-01-31T10:0${minute}:00Z`);
      made.push(await submit(t, `henkilo${minute}@example.fi`));
      await t.postman.idle();
      await t.store.compact();
    }
    await t.ship();
    for (const entry of await listBackups(t.backupDir)) if (entry.kind === 'full') await rm(join(t.backupDir, entry.name));
    await stopServer(t);
    const lines = await restore(restoreOptions(t), { at: new Date('2026-01-31T10:01:30Z') });
    assert.match(lines.join('\n'), /after the empty store/);
    assert.deepEqual((await Store.read(t.dataDir, collections)).list(requests).map((r) => r.reference), made.slice(0, 1));
  });

  test('a restore of a moment after an earlier restore follows the new history, not the replaced one', async () => {
    const { app, made } = await history();
    await restore({ ...restoreOptions(app), now: new Date('2026-01-31T11:00:00Z') }, { at: new Date('2026-01-31T10:02:00Z') });
    // The server runs on the restored store and takes one more request.
    const reopened = await Store.open(app.dataDir, collections, { log: () => {}, now: () => new Date('2026-01-31T11:30:00Z'), handOff: { dir: queueDir(app.dataDir), notify: () => {} } });
    const restored = reopened.view(requests).size;
    assert.equal(restored, 2);
    const [first] = [...reopened.view(requests).values()];
    await reopened.update((tx) => tx.table(requests).put({ ...(first as RequestRecord), id: 'uusi', reference: 'TS-2026-00099', statusTokenHash: 'x', confirmTokenHash: 'y' }));
    await reopened.close();
    const { Shipper } = await import('../../../api/backup/shipper.ts');
    const shipper = new Shipper({ dataDir: app.dataDir, backupDir: app.backupDir, keys: keysOf(undefined), keepDays: 30, capture: () => reopened.capture(), now: () => new Date('2026-01-31T11:31:00Z'), log: () => {} });
    shipper.notify();
    await shipper.idle();
    await shipper.stop();
    await restore({ ...restoreOptions(app), now: new Date('2026-01-31T12:00:00Z') }, { at: new Date('2026-01-31T11:45:00Z') });
    const found = (await Store.read(app.dataDir, collections)).list(requests).map((r) => r.reference).sort();
    assert.deepEqual(found, [...made.slice(0, 2).map((m) => m.reference), 'TS-2026-00099'].sort());
  });
});

describe('pruning (BACKUP_KEEP_DAYS)', () => {
  const day = (n: number) => new Date(Date.UTC(2026, 0, n)).toISOString();
  const full = (seq: number, d: number) => ({ name: `full-${seq}-${d}`, kind: 'full' as const, seq, at: day(d) });
  const journal = (first: number, last: number) => ({ name: `journal-${first}-${last}`, kind: 'journal' as const, firstSeq: first, lastSeq: last });
  const listed = [full(0, 1), journal(1, 10), full(10, 5), journal(11, 20), full(20, 10), journal(21, 30), full(30, 20), journal(31, 40)];

  test('lets go of what no restore within the window needs, keeping the base of its first moment', () => {
    // Window of 7 days on day 22: from day 15. The base for day 15 is the full backup of day 10.
    assert.deepEqual(prunable(listed, new Date(day(22)), 7), ['full-0-1', 'journal-1-10', 'full-10-5', 'journal-11-20']);
  });

  test('never the newest full backup, and nothing when no full backup is older than the window', () => {
    assert.deepEqual(prunable(listed, new Date(day(400)), 30), ['full-0-1', 'journal-1-10', 'full-10-5', 'journal-11-20', 'full-20-10', 'journal-21-30']);
    assert.deepEqual(prunable(listed, new Date(day(2)), 30), []);
  });

  test('the shipper prunes BACKUP_DIR by it', async () => {
    t = await backedApp();
    t.clock.now = new Date('2026-01-01T00:00:00Z');
    await submit(t, 'vanha@example.fi');
    await t.store.compact();
    await t.ship();
    const old = (await readdir(t.backupDir)).sort();
    t.clock.now = new Date('2026-03-01T00:00:00Z');
    await submit(t, 'uusi@example.fi');
    await t.store.compact();
    t.clock.now = new Date('2026-03-02T00:00:00Z');
    await t.ship();
    const now = await readdir(t.backupDir);
    assert.ok(old.some((name) => !now.includes(name)), 'nothing old was pruned');
    const newest = (await listBackups(t.backupDir)).filter((entry) => entry.kind === 'full').at(-1);
    assert.ok(newest && (await readBackup(join(t.backupDir, newest.name))));
  });
});
