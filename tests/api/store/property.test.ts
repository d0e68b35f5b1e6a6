/**
 * Generated sequences of concurrent changes (fast-check), with compaction running among them: what is in
 * memory is what a model of the acknowledged changes says, a crash at the end keeps it, and so does a close
 * and a reopen.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import { Store } from '../../../api/store/store.ts';
import { contents, counters, crashImage, items, openItems, tempDataDir, testCollections, type Counter, type Item } from '../../fixtures/items.ts';

type Op =
  | { kind: 'put'; id: string; text: string; tag: string | null; n: number; notes: string[] }
  | { kind: 'delete'; id: string }
  | { kind: 'count'; id: string }
  | { kind: 'fail'; id: string };

const id = fc.constantFrom('a', 'b', 'c', 'd', 'e', 'f');
// Any code points, lone surrogates and control characters included: the journal must carry them all.
const text = fc.string({ unit: 'binary', maxLength: 40 });
const op: fc.Arbitrary<Op> = fc.oneof(
  fc.record({ kind: fc.constant('put' as const), id, text, tag: fc.option(fc.constantFrom('x', 'y')), n: fc.integer(), notes: fc.array(text, { maxLength: 3 }) }),
  fc.record({ kind: fc.constant('delete' as const), id }),
  fc.record({ kind: fc.constant('count' as const), id: fc.constantFrom('c1', 'c2') }),
  fc.record({ kind: fc.constant('fail' as const), id }),
);

/** Applies an op to a draft of the store or of the model alike. */
function apply(op: Op, table: { items: Pick<Map<string, Item>, 'get'> & { put(item: Item): void; delete(id: string): void }; counters: Pick<Map<string, Counter>, 'get'> & { put(counter: Counter): void } }): void {
  switch (op.kind) {
    case 'put':
      table.items.put({ id: op.id, name: `${op.id}:${op.text}`, n: op.n, notes: op.notes, ...(op.tag ? { tag: op.tag } : {}) });
      return;
    case 'delete':
      table.items.delete(op.id);
      return;
    case 'count':
      table.counters.put({ id: op.id, value: (table.counters.get(op.id)?.value ?? 0) + 1 });
      return;
    case 'fail':
      table.items.put({ id: op.id, name: `${op.id}:never`, n: -1 });
      throw new Error('refused');
  }
}

test('random concurrent changes: memory matches the model, and a crash or a reopen keeps exactly that', { timeout: 300_000 }, async () => {
  await fc.assert(
    fc.asyncProperty(fc.array(fc.array(op, { minLength: 1, maxLength: 6 }), { minLength: 1, maxLength: 15 }), async (batches) => {
      const { dataDir, remove } = await tempDataDir();
      try {
        const model = { items: new Map<string, Item>(), counters: new Map<string, Counter>() };
        const modelTable = {
          items: { get: (key: string) => model.items.get(key), put: (item: Item) => void model.items.set(item.id, item), delete: (key: string) => void model.items.delete(key) },
          counters: { get: (key: string) => model.counters.get(key), put: (counter: Counter) => void model.counters.set(counter.id, counter) },
        };
        // Tiny limits, so snapshots are written, in the background, among the changes.
        const store = await openItems(dataDir, { compactAfter: { records: 2, bytes: 600 } });
        for (const batch of batches) {
          // One batch is sent at once, so its updates share journal records; the model takes them in the same order.
          const outcomes = await Promise.allSettled(
            batch.map((o) =>
              store.update((tx) => {
                const draft = { items: tx.table(items), counters: tx.table(counters) };
                apply(o, { items: draft.items, counters: draft.counters });
              }),
            ),
          );
          batch.forEach((o, i) => {
            if (o.kind === 'fail') return assert.equal(outcomes[i]?.status, 'rejected');
            assert.equal(outcomes[i]?.status, 'fulfilled');
            apply(o, modelTable);
          });
        }
        const sorted = <T extends { id: string }>(records: Iterable<T>) => [...records].sort((a, b) => a.id.localeCompare(b.id));
        const expected = { items: sorted(model.items.values()), counters: sorted(model.counters.values()) };
        assert.deepEqual(contents(store), expected, 'memory differs from the model');
        assert.deepEqual(contents(await Store.read(crashImage(dataDir), testCollections)), expected, 'a crash now would lose or change something');
        await store.close();
        const reopened = await openItems(dataDir);
        assert.deepEqual(contents(reopened), expected, 'the reopened store differs');
        await reopened.close();
      } finally {
        await remove();
      }
    }),
    { numRuns: 60 },
  );
});
