/**
 * Reading a data directory: the snapshot db.json (through lowdb and the durable adapter), then the journal
 * records after it, into tables; and the snapshot's shape when it is written.
 */
import { stat } from 'node:fs/promises';
import { join } from 'node:path';
import { Low } from 'lowdb';
import { noKeys, type Keys } from './cipher.ts';
import type { AnyCollection, Collection, IndexSpec } from './collection.ts';
import { DurableJSONFile, StoreCorruptError } from './durable-file.ts';
import { replay, type JournalRecord } from './journal.ts';
import { Table, UniqueKeyError } from './table.ts';
import { seal, View } from './view.ts';

/** The snapshot: the last journal record it holds, when it was taken, and each collection's records as a list. */
export type Snapshot = { version: 2; seq: number; at?: string } & Record<string, unknown>;

/** Records read from a data directory by Store.read. */
export class Contents {
  readonly #tables: Map<string, Table<unknown>>;

  constructor(tables: Map<string, Table<unknown>>) {
    this.#tables = tables;
  }

  view<R, I extends Record<string, IndexSpec<R>>>(collection: Collection<R, I>): View<R, I> {
    return new View(tableOf(this.#tables, collection));
  }

  /** Every record of a collection. */
  list<R>(collection: Collection<R, Record<string, IndexSpec<R>>>): R[] {
    return [...tableOf(this.#tables, collection).values()];
  }
}

/** The state now, as the snapshot holds it: lists of the (frozen) records, so it can be written while changes go on. */
export function capture(tables: Map<string, Table<unknown>>, seq: number, at: Date): Snapshot & { at: string } {
  const snapshot: Snapshot & { at: string } = { version: 2, seq, at: at.toISOString() };
  for (const [name, table] of tables) snapshot[name] = [...table.values()];
  return snapshot;
}

/** db.json through lowdb, encrypted with keys.write; `beforeRename` is where the store's crash tests cut in. */
export function snapshotFile(dir: string, keys: Keys = noKeys, beforeRename?: () => void | Promise<void>): Low<Snapshot> {
  const cipher = { keys, kind: 'snapshot' };
  const adapter = new DurableJSONFile<Snapshot>(join(dir, 'db.json'), beforeRename ? { beforeRename, cipher } : { cipher });
  return new Low<Snapshot>(adapter, { version: 2, seq: 0 });
}

export function tableOf<R>(tables: Map<string, Table<unknown>>, collection: Collection<R, Record<string, IndexSpec<R>>>): Table<R> {
  const table = tables.get(collection.name);
  if (table?.collection !== collection) throw new TypeError(`The store was not opened with the collection ${collection.name}`);
  return table as Table<R>;
}

/** One journal record's changes, into the tables; a change that does not fit them throws. */
export function applyRecord(tables: Map<string, Table<unknown>>, record: JournalRecord): void {
  for (const change of record.changes) {
    const table = tables.get(change.collection);
    if (!table) throw new TypeError(`unknown collection "${change.collection}"`);
    if (change.deleted) {
      table.set(change.key, undefined);
      continue;
    }
    const value = seal(change.value);
    if (table.collection.key(value) !== change.key) throw new TypeError(`the key of a record is not "${change.key}"`);
    try {
      table.set(change.key, value);
    } catch (error) {
      if (error instanceof UniqueKeyError) throw new TypeError(error.message);
      throw error;
    }
  }
}

/** A snapshot's lists as tables, checked; `path` names where it was read from. */
export function tablesOf(data: unknown, collections: AnyCollection[], path: string): { tables: Map<string, Table<unknown>>; seq: number } {
  // Read as found: the checks below make it the Snapshot type.
  const snapshot = data as { version: unknown; seq?: unknown } & Record<string, unknown>;
  const known = new Set(['version', 'seq', 'at', ...collections.map((c) => c.name)]);
  const unknown = Object.keys(snapshot).find((key) => !known.has(key));
  if (unknown !== undefined) throw new StoreCorruptError(path, `holds "${unknown}", which this version does not know`);
  // Version 1 is the same lists without a journal.
  const snapshotSeq = snapshot.version === 1 ? 0 : snapshot.seq;
  if ((snapshot.version !== 1 && snapshot.version !== 2) || typeof snapshotSeq !== 'number' || !Number.isSafeInteger(snapshotSeq) || snapshotSeq < 0) {
    throw new StoreCorruptError(path, 'does not name a known version and journal position');
  }
  const tables = new Map<string, Table<unknown>>();
  for (const collection of collections) {
    const table = new Table<unknown>(collection);
    tables.set(collection.name, table);
    const records = snapshot[collection.name] ?? [];
    if (!Array.isArray(records)) throw new StoreCorruptError(path, `holds "${collection.name}" that is not a list`);
    try {
      for (const record of records) {
        if (typeof record !== 'object' || record === null) throw new TypeError('a record is not an object');
        table.set(collection.key(record), seal(record));
      }
    } catch (error) {
      throw new StoreCorruptError(path, `holds "${collection.name}" that cannot be read (${(error as Error).message})`);
    }
  }
  return { tables, seq: snapshotSeq };
}

/** The snapshot, then the journal after it, into tables. Reads only. */
export async function load(dir: string, collections: AnyCollection[], low: Low<Snapshot>, keys: Keys = noKeys) {
  const path = join(dir, 'db.json');
  const snapshotBytes = await stat(path).then(
    (info) => info.size,
    () => undefined,
  );
  await low.read();
  // The tables take the records; lowdb's copy of the lists would keep each record alive after it is changed.
  const data = low.data;
  low.data = { version: 2, seq: 0 };
  const { tables, seq: snapshotSeq } = tablesOf(data, collections, path);
  const journal = await replay(dir, snapshotSeq, (record) => applyRecord(tables, record), keys);
  return { tables, snapshotSeq, snapshotExisted: snapshotBytes !== undefined, snapshotBytes: snapshotBytes ?? 0, journal };
}
