/**
 * The records of one collection in memory with their indexes (Table), and changes not yet on disk layered
 * over them (Layer). A layer reads through to what lies beneath it, so a mutation sees the batch's earlier
 * changes and the batch sees the committed records, while the committed table stays as it is until the
 * journal record of the batch is on disk.
 */
import type { AnyCollection, CounterIndex, GroupIndex, IndexSpec, MaximumIndex, UniqueIndex } from './collection.ts';

/** Two records would share a key of a unique index. */
export class UniqueKeyError extends Error {
  override name = 'UniqueKeyError';
}

/** What a view reads from: the committed table or a layer over it. */
export interface Source<R> {
  get(key: string): R | undefined;
  /** The key of the record whose unique index value is `value`. */
  findKey(index: string, value: string): string | undefined;
  groupKeys(index: string, value: string): string[];
  /** How many records a group or counter index files under `value`. */
  groupCount(index: string, value: string): number;
  maximum(index: string, group: string): number;
  keys(): Iterable<string>;
  values(): Iterable<R>;
  readonly size: number;
}

type IndexState<R> = { add(key: string, record: R): void; remove(key: string, record: R): void };

class UniqueState<R> implements IndexState<R> {
  readonly map = new Map<string, string>();
  readonly name: string;
  readonly spec: UniqueIndex<R>;
  constructor(name: string, spec: UniqueIndex<R>) {
    this.name = name;
    this.spec = spec;
  }
  add(key: string, record: R): void {
    const value = this.spec.keyOf(record);
    if (value === undefined) return;
    const other = this.map.get(value);
    if (other !== undefined && other !== key) throw new UniqueKeyError(`Two records share the ${this.name} "${value}"`);
    this.map.set(value, key);
  }
  remove(key: string, record: R): void {
    const value = this.spec.keyOf(record);
    if (value !== undefined && this.map.get(value) === key) this.map.delete(value);
  }
}

class GroupState<R> implements IndexState<R> {
  /** A key alone, or a set once there are more: most groups (the mails of one request) hold one record. */
  readonly map = new Map<string, string | Set<string>>();
  readonly spec: GroupIndex<R>;
  constructor(spec: GroupIndex<R>) {
    this.spec = spec;
  }
  add(key: string, record: R): void {
    const value = this.spec.keyOf(record);
    if (value === undefined) return;
    const keys = this.map.get(value);
    if (keys === undefined || keys === key) this.map.set(value, key);
    else if (typeof keys === 'string') this.map.set(value, new Set([keys, key]));
    else keys.add(key);
  }
  remove(key: string, record: R): void {
    const value = this.spec.keyOf(record);
    const keys = value === undefined ? undefined : this.map.get(value);
    if (keys === undefined) return;
    if (keys === key) this.map.delete(value as string);
    else if (typeof keys !== 'string') {
      keys.delete(key);
      if (keys.size === 0) this.map.delete(value as string);
    }
  }
  get(value: string): string[] {
    const keys = this.map.get(value);
    return keys === undefined ? [] : typeof keys === 'string' ? [keys] : [...keys];
  }
}

class CounterState<R> implements IndexState<R> {
  readonly counts = new Map<string, number>();
  readonly spec: CounterIndex<R>;
  constructor(spec: CounterIndex<R>) {
    this.spec = spec;
  }
  add(_key: string, record: R): void {
    const value = this.spec.keyOf(record);
    if (value !== undefined) this.counts.set(value, (this.counts.get(value) ?? 0) + 1);
  }
  remove(_key: string, record: R): void {
    const value = this.spec.keyOf(record);
    const left = value === undefined ? 0 : (this.counts.get(value) ?? 0) - 1;
    if (left > 0) this.counts.set(value as string, left);
    else if (value !== undefined) this.counts.delete(value);
  }
}

class MaximumState<R> implements IndexState<R> {
  /** How many records have each value, per group: a removal finds the next largest without a scan of the records. */
  readonly counts = new Map<string, Map<number, number>>();
  readonly max = new Map<string, number>();
  readonly spec: MaximumIndex<R>;
  constructor(spec: MaximumIndex<R>) {
    this.spec = spec;
  }
  add(_key: string, record: R): void {
    const group = this.spec.groupOf(record);
    if (group === undefined) return;
    const value = this.spec.valueOf(record);
    let counts = this.counts.get(group);
    if (!counts) this.counts.set(group, (counts = new Map()));
    counts.set(value, (counts.get(value) ?? 0) + 1);
    if (value > (this.max.get(group) ?? Number.NEGATIVE_INFINITY)) this.max.set(group, value);
  }
  remove(_key: string, record: R): void {
    const group = this.spec.groupOf(record);
    const counts = group === undefined ? undefined : this.counts.get(group);
    if (!counts || group === undefined) return;
    const value = this.spec.valueOf(record);
    const left = (counts.get(value) ?? 0) - 1;
    if (left > 0) return void counts.set(value, left);
    counts.delete(value);
    if (counts.size === 0) {
      this.counts.delete(group);
      this.max.delete(group);
    } else if (this.max.get(group) === value) {
      this.max.set(group, Math.max(...counts.keys()));
    }
  }
  get(group: string): number {
    return this.max.get(group) ?? 0;
  }
}

type States<R> = Map<string, UniqueState<R> | GroupState<R> | CounterState<R> | MaximumState<R>>;

function statesFor<R>(indexes: Record<string, IndexSpec<R>>): States<R> {
  const states: States<R> = new Map();
  for (const [name, spec] of Object.entries(indexes)) {
    const kinds = { unique: () => new UniqueState(name, spec as UniqueIndex<R>), group: () => new GroupState(spec as GroupIndex<R>), counter: () => new CounterState(spec as CounterIndex<R>), maximum: () => new MaximumState(spec as MaximumIndex<R>) };
    states.set(name, kinds[spec.kind]());
  }
  return states;
}

function state<R, S>(states: States<R>, name: string, kind: new (...args: never[]) => S): S {
  const found = states.get(name);
  if (!(found instanceof kind)) throw new TypeError(`No such index: ${name}`);
  return found;
}

/** The committed records of a collection. */
export class Table<R> implements Source<R> {
  readonly collection: AnyCollection;
  readonly #records = new Map<string, R>();
  readonly #states: States<R>;

  constructor(collection: AnyCollection) {
    this.collection = collection;
    this.#states = statesFor(collection.indexes);
  }

  get size(): number {
    return this.#records.size;
  }
  get(key: string): R | undefined {
    return this.#records.get(key);
  }
  findKey(index: string, value: string): string | undefined {
    return state(this.#states, index, UniqueState).map.get(value);
  }
  groupKeys(index: string, value: string): string[] {
    return state(this.#states, index, GroupState).get(value);
  }
  groupCount(index: string, value: string): number {
    const found = this.#states.get(index);
    if (found instanceof CounterState) return found.counts.get(value) ?? 0;
    const keys = state(this.#states, index, GroupState).map.get(value);
    return keys === undefined ? 0 : typeof keys === 'string' ? 1 : keys.size;
  }
  maximum(index: string, group: string): number {
    return state(this.#states, index, MaximumState).get(group);
  }
  keys(): Iterable<string> {
    return this.#records.keys();
  }
  values(): Iterable<R> {
    return this.#records.values();
  }

  /** Sets or (with undefined) removes a record, keeping every index in step. */
  set(key: string, record: R | undefined): void {
    const old = this.#records.get(key);
    if (old !== undefined) for (const index of this.#states.values()) index.remove(key, old);
    if (record === undefined) {
      this.#records.delete(key);
      return;
    }
    this.#records.set(key, record);
    for (const index of this.#states.values()) index.add(key, record);
  }
}

/** A layer holding more records than this indexes them; below it, a scan of its few records is cheaper. */
const scanLimit = 32;

/** Changes over a source: `null` marks a removed record. */
export class Layer<R> implements Source<R> {
  readonly collection: AnyCollection;
  readonly writes = new Map<string, R | null>();
  readonly #parent: Source<R>;
  /** Indexes over the records written in this layer only, once it holds more than scanLimit. */
  #states: States<R> | undefined;
  #sizeDelta = 0;

  constructor(collection: AnyCollection, parent: Source<R>) {
    this.collection = collection;
    this.#parent = parent;
  }

  get size(): number {
    return this.#parent.size + this.#sizeDelta;
  }
  get(key: string): R | undefined {
    return this.writes.has(key) ? (this.writes.get(key) ?? undefined) : this.#parent.get(key);
  }
  findKey(index: string, value: string): string | undefined {
    const own = this.#ownFind(index, value);
    if (own !== undefined) return own;
    // A record changed here no longer has the value beneath, or it would have been found here.
    const beneath = this.#parent.findKey(index, value);
    return beneath !== undefined && this.writes.has(beneath) ? undefined : beneath;
  }
  groupKeys(index: string, value: string): string[] {
    const beneath = this.#parent.groupKeys(index, value).filter((key) => !this.writes.has(key));
    const states = this.#ownStates();
    if (states) return [...beneath, ...state(states, index, GroupState).get(value)];
    const spec = specOf(this.collection, index, 'group') as GroupIndex<R>;
    for (const [key, record] of this.writes) if (record && spec.keyOf(record) === value) beneath.push(key);
    return beneath;
  }
  /** The source's count, corrected by this layer's few changes. */
  groupCount(index: string, value: string): number {
    if (this.collection.indexes[index]?.kind !== 'counter') return this.groupKeys(index, value).length;
    const spec = specOf(this.collection, index, 'counter') as CounterIndex<R>;
    let count = this.#parent.groupCount(index, value);
    for (const [key, record] of this.writes) {
      const beneath = this.#parent.get(key);
      if (beneath !== undefined && spec.keyOf(beneath) === value) count -= 1;
      if (record && spec.keyOf(record) === value) count += 1;
    }
    return count;
  }
  /**
   * The larger of this layer's and the source's maximum. A record removed here does not lower it, so a
   * sequence never hands out a number twice while the store is open.
   */
  maximum(index: string, group: string): number {
    const states = this.#ownStates();
    let own = 0;
    if (states) own = state(states, index, MaximumState).get(group);
    else {
      const spec = specOf(this.collection, index, 'maximum') as MaximumIndex<R>;
      for (const record of this.writes.values()) if (record && spec.groupOf(record) === group) own = Math.max(own, spec.valueOf(record));
    }
    return Math.max(this.#parent.maximum(index, group), own);
  }
  *keys(): Iterable<string> {
    for (const key of this.#parent.keys()) if (!this.writes.has(key)) yield key;
    for (const [key, record] of this.writes) if (record !== null) yield key;
  }
  *values(): Iterable<R> {
    for (const key of this.keys()) yield this.get(key) as R;
  }

  /** Records a change; a record that would share a unique key with another one is refused, changing nothing. */
  set(key: string, record: R | null): void {
    if (record !== null) {
      for (const [name, spec] of Object.entries(this.collection.indexes)) {
        if (spec.kind !== 'unique') continue;
        const value = (spec as UniqueIndex<R>).keyOf(record);
        const holder = value === undefined ? undefined : this.findKey(name, value);
        if (holder !== undefined && holder !== key) {
          throw new UniqueKeyError(`${this.collection.name}: another record has the ${name} "${value}"`);
        }
      }
    }
    const existed = this.get(key) !== undefined;
    const states = this.#ownStates();
    const old = this.writes.get(key);
    if (old && states) for (const index of states.values()) index.remove(key, old);
    // Removing what only this layer added leaves nothing to write down.
    if (record === null && this.#parent.get(key) === undefined) this.writes.delete(key);
    else this.writes.set(key, record);
    if (record && states) for (const index of states.values()) index.add(key, record);
    this.#sizeDelta += (record === null ? 0 : 1) - (existed ? 1 : 0);
  }

  #ownFind(index: string, value: string): string | undefined {
    const states = this.#ownStates();
    if (states) return state(states, index, UniqueState).map.get(value);
    const spec = specOf(this.collection, index, 'unique') as UniqueIndex<R>;
    for (const [key, record] of this.writes) if (record && spec.keyOf(record) === value) return key;
    return undefined;
  }

  #ownStates(): States<R> | undefined {
    if (!this.#states && this.writes.size > scanLimit) {
      this.#states = statesFor(this.collection.indexes);
      for (const [key, record] of this.writes) if (record) for (const index of this.#states.values()) index.add(key, record);
    }
    return this.#states;
  }
}

function specOf(collection: AnyCollection, name: string, kind: IndexSpec<unknown>['kind']): IndexSpec<unknown> {
  const spec = collection.indexes[name];
  if (spec?.kind !== kind) throw new TypeError(`No such index: ${name}`);
  return spec;
}
