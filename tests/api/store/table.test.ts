/** Indexes (api/store/table.ts): what a lookup finds in the committed records and inside an update. */
import assert from 'node:assert/strict';
import { afterEach, beforeEach, test } from 'node:test';
import type { Store } from '../../../api/store/store.ts';
import { UniqueKeyError } from '../../../api/store/table.ts';
import { items, openItems, tempDataDir, type Item } from '../../fixtures/items.ts';

let store: Store;
let remove: () => Promise<void>;
beforeEach(async () => {
  const dir = await tempDataDir();
  remove = dir.remove;
  store = await openItems(dir.dataDir);
});
afterEach(async () => {
  await store.close();
  await remove();
});

const item = (id: string, extra: Partial<Item> = {}): Item => ({ id, name: `name-${id}`, n: 0, ...extra });
/** Updates that change a few records, and updates that change more than a layer scans (so it indexes them). */
const modes = [
  [0, ''],
  [40, ', in an update that changes many records'],
] as const;
const fill = (table: { put(item: Item): unknown }, count: number) => {
  for (let i = 0; i < count; i++) table.put(item(`filler${i}`, { tag: 'z', year: '1999', n: i }));
};
const put = (...records: Item[]) => store.update((tx) => records.forEach((record) => tx.table(items).put(record)));

for (const [filler, mode] of modes) {
  test(`a unique index finds a record by its value, and no longer by a value it has left${mode}`, async () => {
    await put(item('a', { name: 'Aino' }));
    const seen = await store.update((tx) => {
      const table = tx.table(items);
      fill(table, filler);
      table.put(item('a', { name: 'Aili' }));
      const during = [table.find('name', 'Aino')?.id, table.find('name', 'Aili')?.id];
      // The name it left is free again within the same update.
      table.put(item('b', { name: 'Aino' }));
      return during;
    });
    assert.deepEqual(seen, [undefined, 'a']);
    assert.equal(store.view(items).find('name', 'Aili')?.id, 'a');
    assert.equal(store.view(items).find('name', 'Aino')?.id, 'b');
  });
}

test('a second record with the same unique value is refused, and nothing of its update is kept', async () => {
  await put(item('a', { name: 'Aino' }));
  await assert.rejects(
    store.update((tx) => {
      tx.table(items).put(item('c'));
      tx.table(items).put(item('b', { name: 'Aino' }));
    }),
    UniqueKeyError,
  );
  // Nor within one batch: the later of two updates that both take a value is the one refused.
  const [first, second] = await Promise.allSettled([put(item('d', { name: 'Doris' })), put(item('e', { name: 'Doris' }))]);
  assert.equal(first.status, 'fulfilled');
  assert.ok(second.status === 'rejected' && second.reason instanceof UniqueKeyError);
  assert.deepEqual([...store.view(items).values()].map((i) => i.id).sort(), ['a', 'd']);
});

test('a removed record is gone from every index', async () => {
  await put(item('a', { name: 'Aino', tag: 'x', year: '2026', n: 5 }));
  await store.update((tx) => tx.table(items).delete('a'));
  const view = store.view(items);
  assert.equal(view.find('name', 'Aino'), undefined);
  assert.deepEqual(view.group('tag', 'x'), []);
  assert.equal(view.maximum('sequence', '2026'), 0);
  assert.equal(view.size, 0);
});

for (const [filler, mode] of modes) {
  test(`a group index follows a record from one group to another, inside an update and after it${mode}`, async () => {
    await put(item('a', { tag: 'x' }), item('b', { tag: 'x' }), item('c', { tag: 'y' }));
    const during = await store.update((tx) => {
      const table = tx.table(items);
      fill(table, filler);
      table.put(item('a', { tag: 'y' }));
      table.delete('c');
      table.put(item('d', { tag: 'y' }));
      return { x: table.group('tag', 'x').map((i) => i.id), y: table.group('tag', 'y').map((i) => i.id).sort(), size: table.size };
    });
    assert.deepEqual(during, { x: ['b'], y: ['a', 'd'], size: 3 + filler });
    assert.deepEqual(store.view(items).group('tag', 'y').map((i) => i.id).sort(), ['a', 'd']);
    assert.deepEqual(store.view(items).group('tag', 'x').map((i) => i.id), ['b']);
  });
}

for (const [filler, mode] of modes) {
  test(`a counter index counts the records per value, as records come, move and go, inside an update and after it${mode}`, async () => {
    await put(item('a', { year: '2025' }), item('b', { year: '2025' }), item('c', { year: '2026' }));
    const during = await store.update((tx) => {
      const table = tx.table(items);
      fill(table, filler);
      table.put(item('a', { year: '2026' }));
      table.delete('b');
      table.put(item('d', { year: '2026' }));
      table.put(item('e'));
      return [table.count('perYear', '2025'), table.count('perYear', '2026'), table.count('tag', 'z')];
    });
    assert.deepEqual(during, [0, 3, filler]);
    const view = store.view(items);
    assert.deepEqual([view.count('perYear', '2025'), view.count('perYear', '2026'), view.count('perYear', '1999')], [0, 3, filler]);
    assert.equal(view.count('tag', 'z'), filler, 'a group index counts too');
  });
}

test('a maximum index gives the largest value per group, and the next largest once that one is removed', async () => {
  await put(item('a', { year: '2026', n: 1 }), item('b', { year: '2026', n: 7 }), item('c', { year: '2026', n: 7 }), item('d', { year: '2025', n: 9 }));
  const view = store.view(items);
  assert.equal(view.maximum('sequence', '2026'), 7);
  await store.update((tx) => tx.table(items).delete('b'));
  assert.equal(view.maximum('sequence', '2026'), 7, 'another record still has 7');
  await store.update((tx) => tx.table(items).delete('c'));
  assert.equal(view.maximum('sequence', '2026'), 1);
  assert.equal(view.maximum('sequence', '2025'), 9);
  assert.equal(view.maximum('sequence', '2024'), 0);
});

test('inside an update a removal does not lower the maximum, so a number is never handed out twice', async () => {
  await put(item('a', { year: '2026', n: 3 }));
  const next = await store.update((tx) => {
    const table = tx.table(items);
    table.delete('a');
    return table.maximum('sequence', '2026') + 1;
  });
  assert.equal(next, 4);
});
