/**
 * What an area declares to the store: a named collection of records, the key of each record, and the
 * indexes its lookups need. The store keeps the indexes in memory, built from the records at start and kept
 * up to date with every change; they are never written to disk.
 */

/** One key at most one record: a lookup by that key finds it. A second record with the same key is refused. */
export type UniqueIndex<R> = { kind: 'unique'; keyOf: (record: R) => string | undefined };
/** Many records per key: a lookup finds them all. */
export type GroupIndex<R> = { kind: 'group'; keyOf: (record: R) => string | undefined };
/** How many records per key, without the records: a count is all a lookup gives (the statistics' months). */
export type CounterIndex<R> = { kind: 'counter'; keyOf: (record: R) => string | undefined };
/** The largest number per group (a sequence to continue): a lookup gives it, or 0 for an empty group. */
export type MaximumIndex<R> = { kind: 'maximum'; groupOf: (record: R) => string | undefined; valueOf: (record: R) => number };

export type IndexSpec<R> = UniqueIndex<R> | GroupIndex<R> | CounterIndex<R> | MaximumIndex<R>;

export type Collection<R, I extends Record<string, IndexSpec<R>> = Record<string, IndexSpec<R>>> = {
  /** The record list's name in the snapshot and in journal records. */
  readonly name: string;
  readonly key: (record: R) => string;
  readonly indexes: I;
};

/** Any collection, whatever its record type: what the store is opened with. */
export type AnyCollection = Collection<any, Record<string, IndexSpec<any>>>;

export const unique = <R>(keyOf: (record: R) => string | undefined): UniqueIndex<R> => ({ kind: 'unique', keyOf });
export const group = <R>(keyOf: (record: R) => string | undefined): GroupIndex<R> => ({ kind: 'group', keyOf });
export const counter = <R>(keyOf: (record: R) => string | undefined): CounterIndex<R> => ({ kind: 'counter', keyOf });
export const maximum = <R>(groupOf: (record: R) => string | undefined, valueOf: (record: R) => number): MaximumIndex<R> => ({
  kind: 'maximum',
  groupOf,
  valueOf,
});

/** Names reserved for the snapshot's own fields. */
const reserved = new Set(['version', 'seq', 'at']);

export function collection<R, I extends Record<string, IndexSpec<R>> = Record<never, IndexSpec<R>>>(
  name: string,
  spec: { key: (record: R) => string; indexes?: I },
): Collection<R, I> {
  if (!/^[a-zA-Z][a-zA-Z0-9]*$/.test(name) || reserved.has(name)) throw new Error(`Invalid collection name: ${name}`);
  return { name, key: spec.key, indexes: spec.indexes ?? ({} as I) };
}

/** The names of a collection's indexes of one kind, for typed lookups. */
export type IndexNames<I, Kind extends IndexSpec<never>['kind']> = {
  [K in keyof I]: I[K] extends { kind: Kind } ? K : never;
}[keyof I] &
  string;
