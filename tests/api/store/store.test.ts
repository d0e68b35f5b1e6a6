/** The store's contract (api/store/store.ts), sentence by sentence. */
import assert from 'node:assert/strict';
import { chmod, mkdir, readdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, beforeEach, test } from 'node:test';
import { Store, StoreCorruptError, StoreLockedError, StoreUnavailableError } from '../../../api/store/store.ts';
import { contents, counters, crashImage, items, openItems, tempDataDir, testCollections, type Item } from '../../fixtures/items.ts';

let dataDir: string;
let remove: () => Promise<void>;
beforeEach(async () => ({ dataDir, remove } = await tempDataDir()));
afterEach(() => remove());

const journalLines = async () => {
  const names = (await readdir(dataDir)).filter((name) => name.startsWith('journal-'));
  const texts = await Promise.all(names.map((name) => readFile(join(dataDir, name), 'utf8')));
  return texts.join('').split('\n').filter(Boolean).map((line) => JSON.parse(line) as { seq: number; changes: unknown[] });
};
const item = (id: string, extra: Partial<Item> = {}): Item => ({ id, name: `name-${id}`, n: 0, ...extra });

test('creates a missing data directory with mode 0700, an empty snapshot and an empty journal', async () => {
  const store = await openItems(dataDir);
  assert.equal((await stat(dataDir)).mode & 0o777, 0o700);
  const { at, ...snapshot } = JSON.parse(await readFile(join(dataDir, 'db.json'), 'utf8')) as Record<string, unknown>;
  assert.deepEqual(snapshot, { version: 2, seq: 0, items: [], counters: [] });
  assert.ok(typeof at === 'string' && !Number.isNaN(Date.parse(at)), 'the snapshot says when it was taken');
  assert.deepEqual((await readdir(dataDir)).sort(), ['db.json', 'db.lock', 'journal-000000000001.jsonl']);
  await store.close();
});

test('tightens an existing data directory to 0700 and removes temp files of crashed snapshot writes', async () => {
  await mkdir(dataDir, { mode: 0o755 });
  await chmod(dataDir, 0o755);
  await writeFile(join(dataDir, 'db.json.4242.abcdef.tmp'), '{"items":[');
  const store = await openItems(dataDir);
  assert.equal((await stat(dataDir)).mode & 0o777, 0o700);
  assert.ok(!(await readdir(dataDir)).some((name) => name.endsWith('.tmp')));
  await store.close();
});

test('has an update in the journal by the time its promise resolves, and resolves with what the mutation returned', async () => {
  const store = await openItems(dataDir);
  const stored = await store.update((tx) => tx.table(items).put(item('a')));
  assert.deepEqual(stored, item('a'));
  assert.deepEqual(await journalLines().then((lines) => lines.map((line) => line.changes)), [[{ collection: 'items', key: 'a', value: item('a') }]]);
  assert.deepEqual(contents(await Store.read(dataDir, testCollections)).items, [item('a')]);
  await store.close();
});

test('writes only what changed: a journal record does not grow with the store', async () => {
  const store = await openItems(dataDir);
  await store.update((tx) => {
    for (let i = 0; i < 2000; i++) tx.table(items).put(item(`i${i}`, { notes: ['x'.repeat(100)] }));
  });
  await store.update((tx) => tx.table(counters).put({ id: 'c', value: 1 }));
  const last = (await journalLines()).at(-1);
  assert.deepEqual(last?.changes, [{ collection: 'counters', key: 'c', value: { id: 'c', value: 1 } }]);
  await store.close();
});

test('commits 200 concurrent updates in a few journal records, every change on disk', async () => {
  const store = await openItems(dataDir);
  const results = await Promise.all(
    Array.from({ length: 200 }, (_, i) =>
      store.update((tx) => {
        tx.table(items).put(item(`r${i}`));
        const counter = tx.table(counters);
        counter.put({ id: 'count', value: (counter.get('count')?.value ?? 0) + 1 });
        return i;
      }),
    ),
  );
  assert.deepEqual(results, Array.from({ length: 200 }, (_, i) => i));
  const lines = await journalLines();
  assert.ok(lines.length <= 5, `${lines.length} journal records`);
  const disk = contents(await Store.read(dataDir, testCollections));
  assert.equal(disk.items.length, 200);
  assert.deepEqual(disk.counters, [{ id: 'count', value: 200 }]);
  await store.close();
});

test('shows the updates that arrive during a write to nobody until their own record is on disk', async () => {
  const gate = Promise.withResolvers<void>();
  let appends = 0;
  const store = await openItems(dataDir, {
    observe: {
      append: async () => {
        appends += 1;
        if (appends === 1) await gate.promise;
      },
    },
  });
  const first = store.update((tx) => tx.table(items).put(item('first')));
  while (appends === 0) await new Promise((resolve) => setImmediate(resolve));
  const rest = Array.from({ length: 50 }, (_, i) => store.update((tx) => tx.table(items).put(item(`r${i}`))));
  await new Promise((resolve) => setImmediate(resolve));
  assert.equal(store.view(items).size, 0, 'a change was visible before it was written');
  gate.resolve();
  await Promise.all([first, ...rest]);
  assert.equal(appends, 2);
  assert.equal(store.view(items).size, 51);
  await store.close();
});

test('rejects only the mutation that throws, and commits the rest of its batch without its partial change', async () => {
  const store = await openItems(dataDir);
  const boom = new Error('invalid request');
  const outcomes = await Promise.allSettled([
    store.update((tx) => tx.table(items).put(item('a')).id),
    store.update((tx) => {
      tx.table(items).put(item('half-done'));
      tx.table(counters).put({ id: 'c', value: 99 });
      throw boom;
    }),
    store.update((tx) => tx.table(items).put(item('b')).id),
  ]);
  assert.deepEqual(outcomes, [
    { status: 'fulfilled', value: 'a' },
    { status: 'rejected', reason: boom },
    { status: 'fulfilled', value: 'b' },
  ]);
  const expected = { items: [item('a'), item('b')], counters: [] };
  assert.deepEqual(contents(store), expected);
  assert.deepEqual(contents(await Store.read(dataDir, testCollections)), expected);
  await store.close();
});

test('a mutation sees the earlier changes of its batch, so two updates never take the same number', async () => {
  const store = await openItems(dataDir);
  const next = () =>
    store.update((tx) => {
      const table = tx.table(items);
      const n = table.maximum('sequence', '2026') + 1;
      return table.put(item(`n${n}`, { year: '2026', n })).n;
    });
  assert.deepEqual(await Promise.all([next(), next(), next()]), [1, 2, 3]);
  await store.close();
});

test('rejects a batch whose write fails, leaving memory and disk as they were, and takes the next update', async () => {
  let failing = false;
  const store = await openItems(dataDir, {
    observe: {
      append: () => {
        if (failing) throw Object.assign(new Error('disk full'), { code: 'ENOSPC' });
      },
    },
  });
  await store.update((tx) => tx.table(items).put(item('kept')));
  const before = await journalLines();
  failing = true;
  const outcomes = await Promise.allSettled([
    store.update((tx) => tx.table(items).put(item('lost'))),
    store.update((tx) => tx.table(counters).put({ id: 'c', value: 5 })),
  ]);
  for (const outcome of outcomes) {
    assert.equal(outcome.status, 'rejected');
    assert.ok((outcome as PromiseRejectedResult).reason instanceof StoreUnavailableError);
  }
  assert.equal(store.healthy, false);
  assert.deepEqual(contents(store), { items: [item('kept')], counters: [] });
  assert.deepEqual(await journalLines(), before);
  failing = false;
  await store.update((tx) => tx.table(items).put(item('later')));
  assert.equal(store.healthy, true);
  assert.deepEqual(contents(await Store.read(dataDir, testCollections)).items, [item('kept'), item('later')]);
  await store.close();
});

test('rejects an asynchronous mutation, whose later changes could never be written', async () => {
  const store = await openItems(dataDir);
  await assert.rejects(
    store.update(async (tx) => {
      tx.table(items).put(item('async'));
    }),
    TypeError,
  );
  assert.equal(store.view(items).size, 0);
  await store.close();
});

test('hands out frozen records, so stored data cannot change behind the journal', async () => {
  const store = await openItems(dataDir);
  await store.update((tx) => tx.table(items).put(item('a', { notes: ['one'] })));
  const stored = store.view(items).get('a') as Item;
  assert.throws(() => (stored.name = 'changed'), TypeError);
  assert.throws(() => stored.notes?.push('two'), TypeError);
  await assert.rejects(
    store.update((tx) => {
      (tx.table(items).get('a') as Item).n = 5;
    }),
    TypeError,
  );
  await store.update((tx) => tx.table(items).change('a', (draft) => draft.notes?.push('two')));
  assert.deepEqual(store.view(items).get('a')?.notes, ['one', 'two']);
  await store.close();
});

test('stores a record as JSON will read it back: undefined fields dropped, other non-JSON values refused', async () => {
  const store = await openItems(dataDir);
  const stored = await store.update((tx) => tx.table(items).put({ ...item('a'), tag: undefined } as unknown as Item));
  assert.ok(!('tag' in stored));
  await assert.rejects(store.update((tx) => tx.table(items).put({ ...item('b'), n: Number.NaN })), TypeError);
  await assert.rejects(store.update((tx) => tx.table(items).put({ ...item('c'), notes: [new Date() as unknown as string] })), TypeError);
  assert.deepEqual([...store.view(items).values()].map((i) => i.id), ['a']);
  await store.close();
});

test('refuses a second store on the same data directory while the first is open', async () => {
  const store = await openItems(dataDir);
  await assert.rejects(openItems(dataDir), StoreLockedError);
  await store.close();
});

test('writes what is queued before close, leaves one snapshot and no journal, and a reopened store sees it', async () => {
  const store = await openItems(dataDir);
  const queued = store.update((tx) => tx.table(items).put(item('before close')));
  await Promise.all([store.close(), store.close()]);
  await queued;
  await assert.rejects(store.update((tx) => tx.table(items).put(item('after close'))), StoreUnavailableError);
  assert.deepEqual(await readdir(dataDir), ['db.json']);
  const reopened = await openItems(dataDir);
  assert.deepEqual(contents(reopened).items, [item('before close')]);
  await reopened.close();
});

test('closing a store that changed nothing leaves the snapshot alone and no empty journal behind', async () => {
  const store = await openItems(dataDir);
  await store.update((tx) => tx.table(items).put(item('a')));
  await store.close();
  const snapshot = await readFile(join(dataDir, 'db.json'), 'utf8');
  const again = await openItems(dataDir);
  await again.close();
  assert.deepEqual(await readdir(dataDir), ['db.json']);
  assert.equal(await readFile(join(dataDir, 'db.json'), 'utf8'), snapshot);
});

test('refuses a corrupt db.json, leaving it as it was and the directory unlocked', async () => {
  await mkdir(dataDir);
  await writeFile(join(dataDir, 'db.json'), '{"version":2,"seq":0,"items":[');
  await assert.rejects(openItems(dataDir), (error) => {
    assert.ok(error instanceof StoreCorruptError);
    assert.ok(error.message.includes(join(dataDir, 'db.json')), error.message);
    return true;
  });
  assert.equal(await readFile(join(dataDir, 'db.json'), 'utf8'), '{"version":2,"seq":0,"items":[');
  assert.deepEqual(await readdir(dataDir), ['db.json']);
});

test('a journal without its snapshot (moved away) is read from record 1; the snapshot is written first and the journal then goes', async () => {
  const store = await openItems(dataDir);
  await store.update((tx) => tx.table(items).put(item('a')));
  await store.update((tx) => tx.table(items).put(item('b')));
  const image = crashImage(dataDir);
  await store.close();
  await rm(join(image, 'db.json'));
  const reopened = await openItems(image);
  assert.deepEqual(contents(reopened).items, [item('a'), item('b')]);
  assert.equal(JSON.parse(await readFile(join(image, 'db.json'), 'utf8')).seq, 2);
  assert.deepEqual((await readdir(image)).filter((name) => name.startsWith('journal-')), ['journal-000000000003.jsonl']);
  await reopened.update((tx) => tx.table(items).put(item('c')));
  await reopened.close();
  assert.deepEqual(contents(await Store.read(image, testCollections)).items.map((i) => i.id), ['a', 'b', 'c']);
});

test('reads a version 1 db.json (the same lists, no journal) as it is', async () => {
  await mkdir(dataDir);
  await writeFile(join(dataDir, 'db.json'), JSON.stringify({ version: 1, items: [item('old')], counters: [] }));
  const store = await openItems(dataDir);
  assert.deepEqual(contents(store).items, [item('old')]);
  await store.update((tx) => tx.table(items).put(item('new')));
  await store.close();
  assert.deepEqual(contents(await Store.read(dataDir, testCollections)).items, [item('new'), item('old')]);
});
