/** The journal on disk: what a crash can leave, what damage stops the start, and compaction cut short at every step. */
import assert from 'node:assert/strict';
import { appendFile, readdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, test } from 'node:test';
import { replay } from '../../../api/store/journal.ts';
import type { CompactionStep } from '../../../api/store/store.ts';
import { Store, StoreCorruptError } from '../../../api/store/store.ts';
import { contents, counters, crashImage, filesOf, items, openItems, tempDataDir, testCollections, type Item } from '../../fixtures/items.ts';

let dataDir: string;
let remove: () => Promise<void>;
beforeEach(async () => ({ dataDir, remove } = await tempDataDir()));
afterEach(() => remove());

const item = (id: string): Item => ({ id, name: `name-${id}`, n: 0 });
const segment = async () => join(dataDir, (await readdir(dataDir)).find((name) => name.startsWith('journal-')) ?? 'none');

/** A data directory left by a killed server: three records in the journal, no clean shutdown. */
async function killedWithThreeRecords(): Promise<string> {
  const store = await openItems(dataDir);
  for (const id of ['a', 'b', 'c']) await store.update((tx) => tx.table(items).put(item(id)));
  const image = crashImage(dataDir);
  await store.close();
  return image;
}

describe('a torn last record (a crash mid-append)', () => {
  const torn: Record<string, string | Buffer> = {
    'half a record': '{"seq":4,"at":"2026-01-01T00:00:00.000Z","changes":[{"collection":"items","key":"d","val',
    'a whole record but its line end': `${JSON.stringify({ seq: 4, at: '2026-01-01T00:00:00.000Z', changes: [{ collection: 'items', key: 'd', value: item('d') }] })}`,
    'zeros where the record was': Buffer.alloc(300),
    'a line of zeros': Buffer.concat([Buffer.alloc(120), Buffer.from('\n')]),
  };
  for (const [kind, tail] of Object.entries(torn)) {
    test(`is dropped when it is ${kind}; the records before it stand and the journal goes on after them`, async () => {
      dataDir = await killedWithThreeRecords();
      const path = await segment();
      const validBytes = (await stat(path)).size;
      await appendFile(path, tail);
      const logged: string[] = [];
      const store = await openItems(dataDir, { log: (line) => logged.push(line) });
      assert.deepEqual(contents(store).items.map((i) => i.id), ['a', 'b', 'c']);
      assert.equal((await stat(path)).size, validBytes, 'the torn record was not cut off');
      assert.match(logged.join('\n'), new RegExp(`torn record .* at byte offset ${validBytes}`));
      await store.update((tx) => tx.table(items).put(item('e')));
      const image = crashImage(dataDir);
      await store.close();
      assert.deepEqual(contents(await Store.read(image, testCollections)).items.map((i) => i.id), ['a', 'b', 'c', 'e']);
    });
  }
});

describe('damage anywhere else stops the start, naming the file and the offset, and changes nothing', () => {
  async function refused(damage: (path: string, text: string) => Promise<void>, message: RegExp): Promise<void> {
    dataDir = await killedWithThreeRecords();
    const path = await segment();
    await damage(path, await readFile(path, 'utf8'));
    const before = filesOf(dataDir);
    await assert.rejects(openItems(dataDir), (error) => {
      assert.ok(error instanceof StoreCorruptError, String(error));
      assert.ok(error.message.includes(path), error.message);
      assert.match(error.message, message);
      assert.match(error.message, /left untouched/);
      return true;
    });
    assert.deepEqual(filesOf(dataDir), before, 'a file was changed');
  }

  test('a damaged record in the middle', async () => {
    let offset = 0;
    await refused(async (path, text) => {
      const lines = text.split('\n');
      offset = (lines[0] ?? '').length + 1;
      lines[1] = (lines[1] ?? '').replace('"changes"', '"chan\u0000ges');
      await writeFile(path, lines.join('\n'));
    }, /damaged record at byte offset \d+/);
    assert.ok(offset > 0);
  });

  test('a record out of sequence (one written twice)', async () => {
    await refused(async (path, text) => {
      const lines = text.split('\n').filter(Boolean);
      await writeFile(path, [lines[0], lines[0], lines[1], lines[2], ''].join('\n'));
    }, /has record 1 at byte offset \d+ where record 2 belongs/);
  });

  test('a record that names a collection this version does not know', async () => {
    await refused(async (path, text) => {
      await writeFile(path, text.replace('"collection":"items","key":"b"', '"collection":"others","key":"b"'));
    }, /cannot be applied \(unknown collection "others"\)/);
  });

  test('a journal that starts after the snapshot ends (records missing)', async () => {
    dataDir = await killedWithThreeRecords();
    const path = await segment();
    const later = join(dataDir, 'journal-000000000009.jsonl');
    await writeFile(later, await readFile(path));
    await rm(path);
    const before = filesOf(dataDir);
    await assert.rejects(openItems(dataDir), /starts at record 9, but the snapshot ends at record 0: records are missing/);
    assert.deepEqual(filesOf(dataDir), before);
  });

  test('a damaged snapshot, with the journal beside it', async () => {
    dataDir = await killedWithThreeRecords();
    await writeFile(join(dataDir, 'db.json'), '{"version":2,"seq":0,"items":[{"id":');
    const before = filesOf(dataDir);
    await assert.rejects(openItems(dataDir), (error) => error instanceof StoreCorruptError && error.message.includes('db.json'));
    assert.deepEqual(filesOf(dataDir), before);
    assert.ok(!(await readdir(dataDir)).includes('db.lock'), 'the directory was left locked');
  });
});

/**
 * The state after update k of a fixed sequence: update k sets the counter to k, adds item k and deletes item
 * k-3. Replaying an old record after a newer snapshot would bring a deleted item back or set the counter back,
 * which no S(k) has.
 */
function expectedAfter(k: number): { items: Item[]; counters: { id: string; value: number }[] } {
  const ids = Array.from({ length: Math.min(k, 3) }, (_, i) => k - i).map((n) => item(`i${String(n).padStart(3, '0')}`));
  return { items: ids.sort((a, b) => a.id.localeCompare(b.id)), counters: k === 0 ? [] : [{ id: 'k', value: k }] };
}
const step = (k: number) => (tx: Parameters<Parameters<Store['update']>[0]>[0]) => {
  tx.table(counters).put({ id: 'k', value: k });
  tx.table(items).put(item(`i${String(k).padStart(3, '0')}`));
  tx.table(items).delete(`i${String(k - 3).padStart(3, '0')}`);
};

/** The update the image's state is from; the store started on it also takes a further update and survives another crash. */
async function stateOf(image: string): Promise<number> {
  const store = await openItems(image);
  let k: number;
  try {
    const found = contents(store);
    k = found.counters[0]?.value ?? 0;
    assert.deepEqual(found, expectedAfter(k), 'the state after a crash is not one the updates ever made');
    await store.update(step(k + 1));
    const again = await openItems(crashImage(image));
    assert.deepEqual(contents(again), expectedAfter(k + 1), 'the journal did not go on cleanly after the crash');
    await again.close();
  } finally {
    await store.close();
  }
  return k;
}

describe('a crash at any step of compaction loses nothing and applies nothing twice', () => {
  for (const cut of ['rotated', 'before-rename', 'renamed', 'deleted'] as CompactionStep[]) {
    test(`cut at "${cut}"`, async () => {
      let acknowledged = 0;
      const images: { image: string; acknowledged: number }[] = [];
      const store = await openItems(dataDir, {
        compactAfter: { records: 4 },
        observe: { compaction: (at) => void (at === cut && images.push({ image: crashImage(dataDir), acknowledged })) },
      });
      for (let k = 1; k <= 30; k++) {
        await store.update(step(k));
        acknowledged = k;
      }
      // Waits for the last background compaction too.
      await store.close();
      assert.ok(images.length >= 3, `only ${images.length} compactions were cut at ${cut}`);
      for (const { image, acknowledged: before } of images) {
        const k = await stateOf(image);
        assert.ok(k >= before, `after a crash at ${cut}: update ${k} found, ${before} were acknowledged`);
      }
      assert.equal(await stateOf(dataDir), 30);
    });
  }

  test('after the snapshot is renamed, replay hands on only the records it does not hold', async () => {
    let image = '';
    const store = await openItems(dataDir, {
      compactAfter: { records: 4 },
      observe: { compaction: (at) => void (at === 'renamed' && !image && (image = crashImage(dataDir))) },
    });
    for (let k = 1; k <= 6; k++) await store.update(step(k));
    await store.close();
    const { seq } = JSON.parse(await readFile(join(image, 'db.json'), 'utf8')) as { seq: number };
    assert.ok((await readdir(image)).filter((name) => name.startsWith('journal-')).length >= 2, 'the old segment was already gone');
    const applied: number[] = [];
    const result = await replay(image, seq, (record) => applied.push(record.seq));
    assert.ok(seq >= 4);
    assert.deepEqual(applied, Array.from({ length: result.lastSeq - seq }, (_, i) => seq + 1 + i));
  });

  test('at every step of the compaction at close, too', async () => {
    const images: string[] = [];
    const store = await openItems(dataDir, { observe: { compaction: () => void images.push(crashImage(dataDir)) } });
    images.splice(0);
    for (let k = 1; k <= 5; k++) await store.update(step(k));
    await store.close();
    assert.equal(images.length, 3, 'the closing compaction has three steps: before-rename, renamed, deleted');
    for (const image of images) assert.equal(await stateOf(image), 5);
  });

  test('a snapshot write that fails leaves every record in the journal, and is tried again later', async () => {
    let failing = false;
    const logged: string[] = [];
    const store = await openItems(dataDir, {
      compactAfter: { records: 2 },
      log: (line) => logged.push(line),
      observe: {
        compaction: (at) => {
          if (at === 'before-rename' && failing) throw Object.assign(new Error('disk full'), { code: 'ENOSPC' });
        },
      },
    });
    failing = true;
    for (let k = 1; k <= 6; k++) await store.update(step(k));
    await new Promise((resolve) => setTimeout(resolve, 50));
    assert.match(logged.join('\n'), /writing a new snapshot failed \(ENOSPC\)/);
    assert.equal(await stateOf(crashImage(dataDir)), 6);
    failing = false;
    await store.close();
    assert.deepEqual(await readdir(dataDir), ['db.json']);
    assert.equal(await stateOf(dataDir), 6);
  });
});
