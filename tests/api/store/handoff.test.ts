/**
 * Hand-off for the backups (api/store/store.ts): sealed journal segments and new snapshots hard-linked into
 * handOff.dir, and a segment deleted from the data directory only once it is linked there; and store.compact().
 */
import assert from 'node:assert/strict';
import { mkdir, readdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterEach, beforeEach, describe, test } from 'node:test';
import { type CompactionStep, Store, StoreUnavailableError } from '../../../api/store/store.ts';
import { contents, crashImage, items, openItems, tempDataDir, testCollections, type Item } from '../../fixtures/items.ts';

let dataDir: string;
let handOffDir: string;
let remove: () => Promise<void>;
let notified: number;
beforeEach(async () => {
  ({ dataDir, remove } = await tempDataDir());
  handOffDir = join(dirname(dataDir), 'handoff');
  notified = 0;
});
afterEach(() => remove());

const handOff = () => ({ dir: handOffDir, notify: () => void (notified += 1) });
const at = '2026-03-01T12:00:00.000Z';
const now = () => new Date(at);
const item = (id: string): Item => ({ id, name: `name-${id}`, n: 0 });
const put = (id: string) => (tx: Parameters<Parameters<Store['update']>[0]>[0]) => tx.table(items).put(item(id));

const names = async (dir: string) => (await readdir(dir).catch(() => [] as string[])).sort();
const segmentsIn = async (dir: string) => (await names(dir)).filter((name) => /^journal-\d{12}\.jsonl$/.test(name));
/** The sequence numbers of a (plain) journal segment's records. */
const seqsOf = async (path: string) =>
  (await readFile(path, 'utf8'))
    .split('\n')
    .filter(Boolean)
    .map((line) => (JSON.parse(line) as { seq: number }).seq);
const snapshotSeq = async (path: string) => (JSON.parse(await readFile(path, 'utf8')) as { seq: number }).seq;
const ids = (store: Pick<Store, 'view'>) => contents(store).items.map((i) => i.id);
const range = (from: number, to: number) => Array.from({ length: to - from + 1 }, (_, i) => from + i);
const idsUpTo = (n: number) => range(1, n).map((i) => `r${String(i).padStart(2, '0')}`);

/** Waits for a condition the store reaches on its own (a seal timer), with a generous limit. */
async function until(condition: () => Promise<boolean>, what: string, limitMs = 10_000): Promise<void> {
  const deadline = Date.now() + limitMs;
  while (!(await condition())) {
    if (Date.now() > deadline) assert.fail(`gave up waiting for ${what}`);
    await sleep(5);
  }
}
const handedOff = (name: string) => until(async () => (await names(handOffDir)).includes(name), `${name} in the hand-off directory`);

/**
 * Every journal segment with records the data directory ever held is still there or linked into the hand-off
 * directory (an empty one has nothing to back up): checked whenever `look` is called, over every one it has seen.
 */
function segmentWatch(): { look: () => Promise<void>; seen: Set<string> } {
  const seen = new Set<string>();
  return {
    seen,
    look: async () => {
      const inData = await segmentsIn(dataDir);
      const linked = await segmentsIn(handOffDir);
      for (const name of inData) if ((await stat(join(dataDir, name)).catch(() => undefined))?.size) seen.add(name);
      for (const name of seen) assert.ok(inData.includes(name) || linked.includes(name), `${name} was deleted before it was handed off`);
    },
  };
}

/** The records of every segment handed off, in order: each record once, none missing, is what a restore needs. */
async function handedOffSeqs(): Promise<number[]> {
  const seqs: number[] = [];
  for (const name of await segmentsIn(handOffDir)) seqs.push(...(await seqsOf(join(handOffDir, name))));
  return seqs;
}

describe('sealing a segment', () => {
  test('sealAfterMs after its first record, the segment is linked into the hand-off directory, the shipper told, and appends go on in a new one', async () => {
    const store = await openItems(dataDir, { handOff: handOff(), sealAfterMs: 50 });
    await store.update((tx) => {
      put('r01')(tx);
      put('r02')(tx);
    });
    await handedOff('journal-000000000001.jsonl');
    // The shipper is told once the link is durable, just after it appears.
    await until(async () => notified === 1, 'the shipper told');
    const inData = join(dataDir, 'journal-000000000001.jsonl');
    const linked = join(handOffDir, 'journal-000000000001.jsonl');
    const [a, b] = await Promise.all([stat(inData), stat(linked)]);
    assert.equal(a.ino, b.ino, 'not a hard link of the segment');
    assert.equal(a.nlink, 2);
    assert.deepEqual(await seqsOf(linked), [1]);

    await store.update(put('r03'));
    assert.deepEqual(await segmentsIn(dataDir), ['journal-000000000001.jsonl', 'journal-000000000002.jsonl']);
    assert.deepEqual(await seqsOf(linked), [1], 'a sealed segment was appended to');
    assert.deepEqual(await seqsOf(join(dataDir, 'journal-000000000002.jsonl')), [2]);
    await handedOff('journal-000000000002.jsonl');
    await until(async () => notified === 2, 'the shipper told again');
    await store.close();
    assert.deepEqual(await handedOffSeqs(), [1, 2]);
  });

  test('a segment without records is never sealed, however long it waits', async () => {
    const store = await openItems(dataDir, { handOff: handOff(), sealAfterMs: 10 });
    await sleep(100);
    assert.deepEqual(await names(handOffDir), []);
    assert.deepEqual(await segmentsIn(dataDir), ['journal-000000000001.jsonl']);
    assert.equal(notified, 0);
    await store.close();
  });
});

describe('compaction with hand-off', () => {
  test('store.compact() hands off the sealed segment and the new snapshot as db-<seq>-<ms>.json, and deletes the segment only once it is linked', async () => {
    const steps: { step: CompactionStep; inData: string[]; linked: string[] }[] = [];
    const store = await openItems(dataDir, {
      handOff: handOff(),
      now,
      observe: { compaction: async (step) => void steps.push({ step, inData: await names(dataDir), linked: await names(handOffDir) }) },
    });
    steps.splice(0);
    for (const id of idsUpTo(3)) await store.update(put(id));
    await store.compact();

    const snapshotName = `db-000000000003-${Date.parse(at)}.json`;
    assert.deepEqual(await names(handOffDir), [snapshotName, 'journal-000000000001.jsonl']);
    assert.deepEqual(await names(dataDir), ['db.json', 'db.lock', 'journal-000000000004.jsonl']);
    assert.deepEqual(await seqsOf(join(handOffDir, 'journal-000000000001.jsonl')), [1, 2, 3]);
    assert.equal((await stat(join(handOffDir, snapshotName))).ino, (await stat(join(dataDir, 'db.json'))).ino);
    assert.deepEqual(JSON.parse(await readFile(join(handOffDir, snapshotName), 'utf8')), {
      version: 2,
      seq: 3,
      at,
      items: idsUpTo(3).map(item),
      counters: [],
    });
    assert.equal(notified, 2);

    assert.deepEqual(
      steps.map((s) => s.step),
      ['rotated', 'before-rename', 'renamed', 'deleted'],
    );
    for (const { step, inData, linked } of steps.slice(0, 3)) {
      assert.ok(linked.includes('journal-000000000001.jsonl'), `not yet linked at ${step}`);
      assert.ok(inData.includes('journal-000000000001.jsonl'), `already deleted at ${step}`);
    }
    await store.close();
  });

  test('in the background, with segments sealed meanwhile: every segment is linked before it is deleted, and the hand-off directory holds every record once', async () => {
    const watch = segmentWatch();
    const store = await openItems(dataDir, {
      handOff: handOff(),
      sealAfterMs: 5,
      compactAfter: { records: 4 },
      observe: { compaction: () => watch.look() },
    });
    for (const [i, id] of idsUpTo(30).entries()) {
      await store.update(put(id));
      await watch.look();
      if (i % 3 === 0) await sleep(8);
    }
    await store.close();
    await watch.look();
    assert.ok(watch.seen.size >= 3, `only ${watch.seen.size} segments`);
    assert.deepEqual(await handedOffSeqs(), range(1, 30));
    assert.deepEqual(await names(dataDir), ['db.json']);
    assert.ok((await names(handOffDir)).some((name) => /^db-\d{12}-\d+\.json$/.test(name)));
    assert.deepEqual(ids(await Store.read(dataDir, testCollections)), idsUpTo(30));
  });

  test('a segment sealed while the snapshot is being written is not deleted by that compaction, and its records survive a reopen', async () => {
    let gate: PromiseWithResolvers<void> | undefined;
    const paused = Promise.withResolvers<void>();
    const store = await openItems(dataDir, {
      handOff: handOff(),
      sealAfterMs: 30,
      observe: {
        compaction: async (step) => {
          if (step !== 'before-rename' || !gate) return;
          paused.resolve();
          await gate.promise;
        },
      },
    });
    for (const id of idsUpTo(3)) await store.update(put(id));
    gate = Promise.withResolvers<void>();
    const compacted = store.compact();
    // The snapshot of records 1–3 is on disk under its temp name; the store takes updates meanwhile.
    await paused.promise;
    await store.update((tx) => {
      put('r04')(tx);
      put('r05')(tx);
    });
    await handedOff('journal-000000000004.jsonl');
    await store.update(put('r06'));
    gate.resolve();
    await compacted;

    assert.equal(await snapshotSeq(join(dataDir, 'db.json')), 3);
    const left = await segmentsIn(dataDir);
    assert.ok(!left.includes('journal-000000000001.jsonl'), 'the segment the snapshot holds was kept');
    assert.ok(left.includes('journal-000000000004.jsonl'), 'the segment sealed meanwhile was deleted: record 4 is lost');
    assert.ok(left.includes('journal-000000000005.jsonl'));
    assert.deepEqual(await seqsOf(join(dataDir, 'journal-000000000004.jsonl')), [4]);

    const image = crashImage(dataDir);
    assert.deepEqual(ids(await Store.read(image, testCollections)), idsUpTo(6));
    const reopened = await openItems(image);
    assert.deepEqual(ids(reopened), idsUpTo(6));
    await reopened.close();
    await store.close();
    const again = await openItems(dataDir);
    assert.deepEqual(ids(again), idsUpTo(6));
    await again.close();
  });
});

describe('when linking into the hand-off directory fails', () => {
  const breakages: Record<string, () => Promise<void>> = {
    'a regular file where the directory was (ENOTDIR)': async () => {
      await rm(handOffDir, { recursive: true });
      await writeFile(handOffDir, 'not a directory');
    },
    'the directory removed (ENOENT)': () => rm(handOffDir, { recursive: true }),
  };
  for (const [breakage, breakIt] of Object.entries(breakages)) {
    test(`${breakage}: updates still succeed, no segment is deleted unlinked, and a later start hands them off`, async () => {
      const logged: string[] = [];
      const watch = segmentWatch();
      const store = await openItems(dataDir, { handOff: handOff(), sealAfterMs: 10, log: (line) => logged.push(line) });
      await breakIt();
      for (const id of idsUpTo(4)) await store.update(put(id));
      await until(async () => logged.some((line) => /handing a sealed segment to the backups failed/.test(line)), 'a failed seal');
      for (const id of idsUpTo(8).slice(4)) await store.update(put(id));
      await watch.look();
      // A purge's compaction cannot delete the journal's copies while they cannot be handed off: it says so.
      await assert.rejects(store.compact(), StoreUnavailableError);
      await watch.look();
      assert.ok(watch.seen.size >= 2, `only ${watch.seen.size} segments`);
      assert.deepEqual(ids(await Store.read(crashImage(dataDir), testCollections)), idsUpTo(8));
      await store.close();
      await watch.look();
      assert.deepEqual(ids(await Store.read(dataDir, testCollections)), idsUpTo(8));
      assert.equal(notified, 0);

      // Repaired: the next start links every segment the last snapshot holds, and only then deletes them.
      await rm(handOffDir, { recursive: true, force: true });
      const again = await openItems(dataDir, { handOff: handOff() });
      await watch.look();
      assert.deepEqual(await handedOffSeqs(), range(1, 8));
      assert.deepEqual(ids(again), idsUpTo(8));
      await again.close();
    });
  }

  test('a failed link is tried again at the next compaction once the directory is back', async () => {
    const logged: string[] = [];
    const store = await openItems(dataDir, { handOff: handOff(), sealAfterMs: 10, log: (line) => logged.push(line) });
    await rm(handOffDir, { recursive: true });
    await store.update(put('r01'));
    await until(async () => logged.some((line) => /handing a sealed segment to the backups failed \(ENOENT\)/.test(line)), 'a failed seal');
    await store.update(put('r02'));
    await mkdir(handOffDir);
    await store.compact();
    assert.deepEqual(await handedOffSeqs(), [1, 2]);
    assert.deepEqual(await segmentsIn(dataDir), ['journal-000000000003.jsonl']);
    await store.close();
  });
});

describe('at close', () => {
  test('the last segment with records is handed off with the closing snapshot', async () => {
    const store = await openItems(dataDir, { handOff: handOff(), now });
    for (const id of idsUpTo(2)) await store.update(put(id));
    await store.close();
    assert.deepEqual(await names(handOffDir), [`db-000000000002-${Date.parse(at)}.json`, 'journal-000000000001.jsonl']);
    assert.deepEqual(await seqsOf(join(handOffDir, 'journal-000000000001.jsonl')), [1, 2]);
    assert.deepEqual(await names(dataDir), ['db.json']);
  });

  test('an empty segment is not handed off, and without changes no new snapshot either', async () => {
    const store = await openItems(dataDir, { handOff: handOff(), now });
    await store.update(put('r01'));
    await store.compact();
    const before = await names(handOffDir);
    assert.deepEqual(before, [`db-000000000001-${Date.parse(at)}.json`, 'journal-000000000001.jsonl']);
    await store.close();
    assert.deepEqual(await names(handOffDir), before);
    assert.deepEqual(await names(dataDir), ['db.json']);

    const fresh = await openItems(dataDir, { handOff: handOff(), now });
    await fresh.close();
    assert.deepEqual(await names(handOffDir), before);
  });
});

describe('store.compact()', () => {
  test('resolves once the snapshot holding the last record is on disk, and the journal it holds is gone', async () => {
    const store = await openItems(dataDir);
    for (const id of idsUpTo(3)) await store.update(put(id));
    await store.compact();
    assert.equal(await snapshotSeq(join(dataDir, 'db.json')), 3);
    assert.deepEqual(await segmentsIn(dataDir), ['journal-000000000004.jsonl']);
    // Nothing new: still a snapshot, of the same record.
    await store.compact();
    assert.equal(await snapshotSeq(join(dataDir, 'db.json')), 3);
    await store.close();
  });

  test('updates still queued when it is asked for are not lost, whichever side of the snapshot they land on', async () => {
    const store = await openItems(dataDir);
    await store.update(put('r01'));
    const queued = [store.update(put('r02')), store.update(put('r03'))];
    await store.compact();
    await Promise.all(queued);
    assert.ok((await snapshotSeq(join(dataDir, 'db.json'))) >= 1);
    assert.deepEqual(ids(await Store.read(crashImage(dataDir), testCollections)), idsUpTo(3));
    await store.close();
    assert.deepEqual(ids(await Store.read(dataDir, testCollections)), idsUpTo(3));
  });

  test('asked while a snapshot is being written, resolves only after a snapshot that holds the changes made meanwhile', async () => {
    let gate: PromiseWithResolvers<void> | undefined;
    const paused = Promise.withResolvers<void>();
    const store = await openItems(dataDir, {
      observe: {
        compaction: async (step) => {
          if (step !== 'before-rename' || !gate) return;
          paused.resolve();
          await gate.promise;
        },
      },
    });
    await store.update(put('r01'));
    gate = Promise.withResolvers<void>();
    const first = store.compact();
    await paused.promise;
    await store.update(put('r02'));
    const second = store.compact();
    gate.resolve();
    await first;
    await second;
    assert.equal(await snapshotSeq(join(dataDir, 'db.json')), 2);
    await store.close();
  });

  test('rejects once the store is closed', async () => {
    const store = await openItems(dataDir);
    await store.update(put('r01'));
    await store.close();
    await assert.rejects(store.compact(), StoreUnavailableError);
  });
});
