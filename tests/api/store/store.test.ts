import assert from 'node:assert/strict';
import { chmod, mkdir, mkdtemp, readdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, test } from 'node:test';
import { DurableJSONFile } from '../../../api/store/durable-file.ts';
import { Store, StoreCorruptError, StoreLockedError } from '../../../api/store/store.ts';

type Doc = { version: 1; requests: string[]; count: number };
const defaults = (): Doc => ({ version: 1, requests: [], count: 0 });

/** The real file adapter, counting its writes, failing them while told to, and holding them at a gate. */
class ObservedFile extends DurableJSONFile<Doc> {
  writes = 0;
  failing = false;
  gate: Promise<void> | undefined;

  override async write(data: Doc): Promise<void> {
    this.writes += 1;
    await this.gate;
    if (this.failing) throw new Error('disk failure');
    return super.write(data);
  }
}

let root: string;
let dataDir: string;
let dbPath: string;

beforeEach(async () => {
  root = await mkdtemp(join(tmpdir(), 'tietosuoja-store-'));
  dataDir = join(root, 'data');
  dbPath = join(dataDir, 'db.json');
});
afterEach(() => rm(root, { recursive: true, force: true }));

const onDisk = async (): Promise<Doc> => JSON.parse(await readFile(dbPath, 'utf8')) as Doc;

async function openObserved(): Promise<{ store: Store<Doc>; file: ObservedFile }> {
  let file: ObservedFile | undefined;
  const store = await Store.open(dataDir, defaults, { adapter: (path) => (file = new ObservedFile(path)) });
  assert.ok(file);
  return { store, file };
}

test('creates a missing data directory with mode 0700 and writes the defaults to db.json', async () => {
  const store = await Store.open(dataDir, defaults);
  assert.equal((await stat(dataDir)).mode & 0o777, 0o700);
  assert.deepEqual(await onDisk(), defaults());
  assert.deepEqual(store.data, defaults());
  await store.close();
});

test('tightens an existing data directory to 0700 and removes temp files of crashed writes', async () => {
  await mkdir(dataDir, { mode: 0o755 });
  await chmod(dataDir, 0o755);
  await writeFile(join(dataDir, 'db.json.4242.abcdef.tmp'), '{"requests":[');
  const store = await Store.open(dataDir, defaults);
  assert.equal((await stat(dataDir)).mode & 0o777, 0o700);
  assert.deepEqual((await readdir(dataDir)).sort(), ['db.json', 'db.lock']);
  await store.close();
});

test('has an update on disk by the time its promise resolves, and resolves with what the mutation returned', async () => {
  const store = await Store.open(dataDir, defaults);
  const length = await store.update((db) => db.requests.push('first'));
  assert.equal(length, 1);
  assert.deepEqual((await onDisk()).requests, ['first']);
  assert.deepEqual(store.data.requests, ['first']);
  await store.close();
});

test('commits 200 concurrent updates in far fewer writes, every change on disk', async () => {
  const { store, file } = await openObserved();
  const before = file.writes;
  const results = await Promise.all(
    Array.from({ length: 200 }, (_, i) =>
      store.update((db) => {
        db.requests.push(`r${i}`);
        db.count += 1;
        return i;
      }),
    ),
  );
  assert.deepEqual(results, Array.from({ length: 200 }, (_, i) => i));
  const disk = await onDisk();
  assert.equal(disk.count, 200);
  assert.deepEqual(new Set(disk.requests), new Set(results.map((i) => `r${i}`)));
  assert.ok(file.writes - before <= 5, `${file.writes - before} writes`);
  await store.close();
});

test('applies the updates that arrive during a write together in the next one, showing none until written', async () => {
  const { store, file } = await openObserved();
  const before = file.writes;
  const gate = Promise.withResolvers<void>();
  file.gate = gate.promise;
  const first = store.update((db) => db.requests.push('first'));
  while (file.writes === before) await new Promise((resolve) => setImmediate(resolve));
  const rest = Array.from({ length: 50 }, (_, i) => store.update((db) => db.requests.push(`r${i}`)));
  assert.deepEqual(store.data.requests, []);
  gate.resolve();
  await Promise.all([first, ...rest]);
  assert.equal(file.writes - before, 2);
  assert.equal((await onDisk()).requests.length, 51);
  await store.close();
});

test('rejects only the mutation that throws, and commits the rest of its batch without its partial change', async () => {
  const store = await Store.open(dataDir, defaults);
  const boom = new Error('invalid request');
  const outcomes = await Promise.allSettled([
    store.update((db) => db.requests.push('a')),
    store.update((db) => {
      db.requests.push('half-done');
      db.count = 99;
      throw boom;
    }),
    store.update((db) => db.requests.push('b')),
  ]);
  assert.deepEqual(outcomes, [
    { status: 'fulfilled', value: 1 },
    { status: 'rejected', reason: boom },
    { status: 'fulfilled', value: 2 },
  ]);
  assert.deepEqual(await onDisk(), { version: 1, requests: ['a', 'b'], count: 0 });
  assert.deepEqual(store.data, await onDisk());
  await store.close();
});

test('rejects a batch whose write fails, leaving the data and the file as they were, and carries on after', async () => {
  const { store, file } = await openObserved();
  await store.update((db) => db.requests.push('kept'));
  const committed = await readFile(dbPath, 'utf8');
  file.failing = true;
  const outcomes = await Promise.allSettled([store.update((db) => db.requests.push('lost')), store.update((db) => (db.count = 5))]);
  assert.deepEqual(
    outcomes.map((o) => o.status),
    ['rejected', 'rejected'],
  );
  assert.deepEqual(store.data, { version: 1, requests: ['kept'], count: 0 });
  assert.equal(await readFile(dbPath, 'utf8'), committed);
  file.failing = false;
  await store.update((db) => db.requests.push('later'));
  assert.deepEqual((await onDisk()).requests, ['kept', 'later']);
  await store.close();
});

test('rejects an asynchronous mutation, whose later changes could never be written', async () => {
  const store = await Store.open(dataDir, defaults);
  await assert.rejects(
    store.update(async (db) => {
      db.requests.push('async');
    }),
    TypeError,
  );
  assert.deepEqual((await onDisk()).requests, []);
  await store.close();
});

test('refuses a second store on the same data directory while the first is open', async () => {
  const store = await Store.open(dataDir, defaults);
  await assert.rejects(Store.open(dataDir, defaults), StoreLockedError);
  await store.close();
});

test('writes what is queued before close, and a reopened store sees it', async () => {
  const store = await Store.open(dataDir, defaults);
  const queued = store.update((db) => db.requests.push('before close'));
  await Promise.all([store.close(), store.close()]);
  await queued;
  await assert.rejects(store.update((db) => db.requests.push('after close')), /closed/);
  const reopened = await Store.open(dataDir, defaults);
  assert.deepEqual(reopened.data.requests, ['before close']);
  await reopened.close();
  await assert.rejects(stat(join(dataDir, 'db.lock')), { code: 'ENOENT' });
});

test('refuses a corrupt db.json, leaving it as it was and the directory unlocked', async () => {
  await mkdir(dataDir);
  await writeFile(dbPath, '{"requests":[');
  await assert.rejects(Store.open(dataDir, defaults), (error) => {
    assert.ok(error instanceof StoreCorruptError);
    assert.ok(error.message.includes(dbPath), error.message);
    return true;
  });
  assert.equal(await readFile(dbPath, 'utf8'), '{"requests":[');
  assert.deepEqual(await readdir(dataDir), ['db.json']);
});
