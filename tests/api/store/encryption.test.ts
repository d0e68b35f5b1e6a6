/** The store with DATA_KEY set: nothing readable on disk, the same records back with the key, and nothing changed without it. */
import assert from 'node:assert/strict';
import { readdir, readFile, rm, truncate, writeFile } from 'node:fs/promises';
import { join, relative } from 'node:path';
import { afterEach, beforeEach, describe, test } from 'node:test';
import { DataKey, isEncrypted, keysOf, noKeys, type Keys } from '../../../api/store/cipher.ts';
import { KeyError, Store, StoreCorruptError } from '../../../api/store/store.ts';
import { contents, counters, crashImage, items, openItems, tempDataDir, testCollections, type Item } from '../../fixtures/items.ts';

let dataDir: string;
let remove: () => Promise<void>;
beforeEach(async () => ({ dataDir, remove } = await tempDataDir()));
afterEach(() => remove());

const key = DataKey.random();
const keys = keysOf(key);
/** A name no byte of an encrypted data directory may show. */
const marker = 'Virtanen-MERKKI-5f3a9c';
const item = (id: string): Item => ({ id, name: `${marker}-${id}`, n: 0, notes: [`${marker} asui Tampereella`] });

/** Every file under dir by its relative path, as base64, and every subdirectory: equal trees mean nothing changed. */
async function treeOf(dir: string): Promise<Record<string, string>> {
  const tree: Record<string, string> = {};
  for (const entry of await readdir(dir, { recursive: true, withFileTypes: true })) {
    const path = join(entry.parentPath, entry.name);
    tree[relative(dir, path)] = entry.isDirectory() ? '(directory)' : (await readFile(path)).toString('base64');
  }
  return tree;
}

/** The files of the tree that show the marker. */
async function showingMarker(dir: string): Promise<string[]> {
  const tree = await treeOf(dir);
  return Object.keys(tree).filter((name) => tree[name] !== '(directory)' && Buffer.from(tree[name] ?? '', 'base64').includes(marker));
}

const segments = async (dir: string) => (await readdir(dir)).filter((name) => name.startsWith('journal-')).sort();
const journalLines = async (dir: string) => {
  const texts = await Promise.all((await segments(dir)).map((name) => readFile(join(dir, name))));
  return Buffer.concat(texts).toString('latin1').split('\n').filter(Boolean);
};
const ids = (store: Pick<Store, 'view'>) => contents(store).items.map((i) => i.id);

/** A data directory a killed server left: `count` records in the journal (encrypted with `with`), no clean shutdown. */
async function killed(count: number, with_: Keys): Promise<string> {
  const store = await openItems(dataDir, { keys: with_ });
  for (let i = 1; i <= count; i++) await store.update((tx) => tx.table(items).put(item(`r${i}`)));
  const image = crashImage(dataDir);
  await store.close();
  return image;
}

test('a marker written in records appears in no file of the data directory, while the store is open and after close', async () => {
  // The backup queue, as the server has it: what is handed off there is the same encrypted bytes.
  const queue = join(dataDir, 'backup-queue');
  const store = await openItems(dataDir, { keys, handOff: { dir: queue, notify: () => undefined } });
  assert.ok(isEncrypted(await readFile(join(dataDir, 'db.json'))), 'the first, empty snapshot is not encrypted');
  for (const id of ['a', 'b', 'c']) await store.update((tx) => tx.table(items).put(item(id)));
  await store.compact();
  for (const id of ['d', 'e']) await store.update((tx) => tx.table(items).put(item(id)));
  await store.update((tx) => tx.table(counters).put({ id: marker, value: 1 }));

  // Open: a snapshot of a–c, and d, e and the counter in the journal; the segment of a–c and the snapshot in the queue.
  assert.equal((await readdir(queue)).length, 2);
  assert.deepEqual(await showingMarker(dataDir), []);
  assert.ok(isEncrypted(await readFile(join(dataDir, 'db.json'))));
  const open = await journalLines(dataDir);
  assert.equal(open.length, 3);
  for (const line of open) assert.ok(isEncrypted(Buffer.from(line, 'latin1')), line);

  await store.close();
  assert.deepEqual(await showingMarker(dataDir), []);
  assert.ok(isEncrypted(await readFile(join(dataDir, 'db.json'))));
  assert.deepEqual(ids(await Store.read(dataDir, testCollections, keys)), ['a', 'b', 'c', 'd', 'e']);
});

test('without a key the same records show the marker in plain sight (what the test above would catch)', async () => {
  const store = await openItems(dataDir);
  await store.update((tx) => tx.table(items).put(item('a')));
  assert.deepEqual(await showingMarker(dataDir), ['journal-000000000001.jsonl']);
  await store.close();
  assert.deepEqual(await showingMarker(dataDir), ['db.json']);
});

test('reopens with the same key and returns the same records, from the journal after a crash and from the snapshot after close', async () => {
  const store = await openItems(dataDir, { keys });
  for (const id of ['a', 'b', 'c']) await store.update((tx) => tx.table(items).put(item(id)));
  await store.update((tx) => tx.table(items).delete('b'));
  await store.update((tx) => tx.table(counters).put({ id: 'k', value: 4 }));
  const expected = contents(store);
  const image = crashImage(dataDir);
  await store.close();

  for (const dir of [image, dataDir]) {
    assert.deepEqual(contents(await Store.read(dir, testCollections, keys)), expected);
    const again = await openItems(dir, { keys: keysOf(DataKey.parse(key.bytes.toString('base64'))) });
    assert.deepEqual(contents(again), expected);
    await again.update((tx) => tx.table(items).put(item('z')));
    await again.close();
    assert.deepEqual(ids(await Store.read(dir, testCollections, keys)), ['a', 'c', 'z']);
  }
});

describe('a wrong key, no key, or a key for an unencrypted store is refused with a KeyError naming DATA_KEY, and nothing changes', () => {
  const states: Record<string, (with_: Keys) => Promise<string>> = {
    'closed cleanly': async (with_) => {
      const image = await killed(3, with_);
      const store = await openItems(image, { keys: with_ });
      await store.close();
      return image;
    },
    'killed with records in the journal': (with_) => killed(3, with_),
    'killed, its snapshot moved away (the journal alone)': async (with_) => {
      const image = await killed(3, with_);
      await rm(join(image, 'db.json'));
      return image;
    },
  };
  const refusals: Record<string, { written: Keys; opened: () => Keys; message: RegExp }> = {
    'a wrong key': { written: keys, opened: () => keysOf(DataKey.random()), message: new RegExp(`encrypted with key id ${key.id}, but DATA_KEY is key id`) },
    'no key': { written: keys, opened: () => noKeys, message: /is encrypted .*: set DATA_KEY to the key it was encrypted with/ },
    'a key for an unencrypted store': { written: noKeys, opened: () => keys, message: /stored unencrypted, but DATA_KEY is set/ },
  };
  for (const [state, make] of Object.entries(states)) {
    for (const [refusal, { written, opened, message }] of Object.entries(refusals)) {
      test(`${refusal}, ${state}`, async () => {
        const dir = await make(written);
        // What a crash can leave, and the store tidies away once it has read everything.
        await writeFile(join(dir, 'db.json.4242.abcdef.tmp'), '{"items":[');
        const before = await treeOf(dir);
        assert.ok(Object.keys(before).some((name) => name.startsWith('journal-') || name === 'db.json'));
        const refused = (error: unknown) => {
          assert.ok(error instanceof KeyError, String(error));
          assert.match(error.message, /DATA_KEY/);
          assert.match(error.message, message);
          assert.ok(!error.message.includes(marker));
          return true;
        };
        // As the server opens it: with the backup queue inside the data directory.
        await assert.rejects(openItems(dir, { keys: opened(), handOff: { dir: join(dir, 'backup-queue'), notify: () => undefined } }), refused);
        assert.deepEqual(await treeOf(dir), before, 'a file was changed, added or removed');
        await assert.rejects(Store.read(dir, testCollections, opened()), refused);
        assert.deepEqual(await treeOf(dir), before);
        // The right keys still open it, with every record.
        const store = await openItems(dir, { keys: written });
        assert.deepEqual(ids(store), ['r1', 'r2', 'r3']);
        await store.close();
      });
    }
  }
});

describe('damage to an encrypted file stops the open with StoreCorruptError and changes nothing', () => {
  async function refused(dir: string, path: string, message: RegExp): Promise<void> {
    const before = await treeOf(dir);
    await assert.rejects(openItems(dir, { keys }), (error) => {
      assert.ok(error instanceof StoreCorruptError, String(error));
      assert.equal(error.path, path);
      assert.match(error.message, message);
      return true;
    });
    assert.deepEqual(await treeOf(dir), before, 'a file was changed, added or removed');
    await assert.rejects(Store.read(dir, testCollections, keys), StoreCorruptError);
  }

  test('a changed byte in the ciphertext of a journal line in the middle', async () => {
    const dir = await killed(3, keys);
    const path = join(dir, 'journal-000000000001.jsonl');
    const bytes = await readFile(path);
    const second = bytes.indexOf(0x0a) + 1;
    const at = bytes.indexOf('"data":"', second) + 20;
    bytes[at] = bytes[at] === 0x41 ? 0x42 : 0x41;
    await writeFile(path, bytes);
    await refused(dir, path, new RegExp(`has a damaged record at byte offset ${second}\\b`));
  });

  test('a changed byte in the key id of a journal line in the middle is a KeyError, and changes nothing either', async () => {
    const dir = await killed(3, keys);
    const path = join(dir, 'journal-000000000001.jsonl');
    const text = await readFile(path, 'utf8');
    const lines = text.split('\n');
    lines[1] = (lines[1] ?? '').replace(key.id, `${key.id.slice(0, -1)}${key.id.endsWith('0') ? '1' : '0'}`);
    await writeFile(path, lines.join('\n'));
    const before = await treeOf(dir);
    await assert.rejects(openItems(dir, { keys }), (error) => error instanceof KeyError && /DATA_KEY/.test(error.message));
    assert.deepEqual(await treeOf(dir), before);
  });

  for (const [where, position] of [
    ['the middle of the ciphertext', (length: number) => Math.floor(length / 2)],
    ['the last byte of the tag', (length: number) => length - 1],
    ['the header (its iv)', () => -1],
  ] as const) {
    test(`a changed byte in db.json: ${where}`, async () => {
      const dir = await killed(3, keys);
      const store = await openItems(dir, { keys });
      await store.close();
      const path = join(dir, 'db.json');
      const bytes = await readFile(path);
      const at = position(bytes.length) === -1 ? bytes.indexOf('"iv":"') + 8 : position(bytes.length);
      bytes[at] = (bytes[at] ?? 0) ^ 0x01;
      await writeFile(path, bytes);
      await refused(dir, path, /does not verify/);
    });
  }
});

describe('a torn last encrypted record (a crash mid-append) is cut off like a plain one', () => {
  const cuts: Record<string, (line: number) => number> = {
    'cut in the middle': (line) => Math.floor(line / 2),
    'cut inside its format marker': () => 10,
    'whole but for its line end': (line) => line - 1,
  };
  for (const [cut, keep] of Object.entries(cuts)) {
    test(`${cut}: the records before it stand and the journal goes on after them`, async () => {
      const dir = await killed(4, keys);
      const path = join(dir, 'journal-000000000001.jsonl');
      const bytes = await readFile(path);
      const validBytes = bytes.lastIndexOf(0x0a, bytes.length - 2) + 1;
      await truncate(path, validBytes + keep(bytes.length - validBytes));
      const logged: string[] = [];
      const store = await openItems(dir, { keys, log: (line) => logged.push(line) });
      assert.deepEqual(ids(store), ['r1', 'r2', 'r3']);
      assert.equal((await readFile(path)).length, validBytes, 'the torn record was not cut off');
      assert.match(logged.join('\n'), new RegExp(`torn record .* at byte offset ${validBytes}`));
      assert.ok(!logged.join('\n').includes(marker));
      await store.update((tx) => tx.table(items).put(item('r5')));
      const image = crashImage(dir);
      await store.close();
      assert.deepEqual(ids(await Store.read(image, testCollections, keys)), ['r1', 'r2', 'r3', 'r5']);
      assert.deepEqual(await showingMarker(image), []);
    });
  }
});
