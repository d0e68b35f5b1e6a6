/**
 * How areas read and change a collection: a View reads (the committed records, or a transaction's), a
 * Draft inside a store update also writes. Records are frozen: a change is a new record put in the old one's
 * place, so nothing can change stored data behind the journal's back.
 */
import type { Collection, IndexNames, IndexSpec } from './collection.ts';
import type { Layer, Source } from './table.ts';

export class View<R, I extends Record<string, IndexSpec<R>>> {
  protected readonly source: Source<R>;

  constructor(source: Source<R>) {
    this.source = source;
  }

  get size(): number {
    return this.source.size;
  }

  get(key: string): R | undefined {
    return this.source.get(key);
  }

  /** The record whose unique index value is `value`. */
  find(index: IndexNames<I, 'unique'>, value: string): R | undefined {
    const key = this.source.findKey(index, value);
    return key === undefined ? undefined : this.source.get(key);
  }

  /** The records a group index files under `value`. */
  group(index: IndexNames<I, 'group'>, value: string): R[] {
    return this.source.groupKeys(index, value).map((key) => this.source.get(key) as R);
  }

  /** How many records a group or counter index files under `value`, without reading them. */
  count(index: IndexNames<I, 'group' | 'counter'>, value: string): number {
    return this.source.groupCount(index, value);
  }

  /** The largest value a maximum index holds for `group`, or 0. */
  maximum(index: IndexNames<I, 'maximum'>, group: string): number {
    return this.source.maximum(index, group);
  }

  values(): Iterable<R> {
    return this.source.values();
  }
}

export class Draft<R, I extends Record<string, IndexSpec<R>>> extends View<R, I> {
  readonly #collection: Collection<R, I>;
  readonly #layer: Layer<R>;

  constructor(collection: Collection<R, I>, layer: Layer<R>) {
    super(layer);
    this.#collection = collection;
    this.#layer = layer;
  }

  /** Stores the record (new, or in place of the one with its key) and freezes it. Returns it. */
  put(record: R): R {
    const sealed = seal(record) as R;
    this.#layer.set(this.#collection.key(sealed), sealed);
    return sealed;
  }

  delete(key: string): void {
    this.#layer.set(key, null);
  }

  /** Changes a copy of the record with `key` and puts it; undefined when there is none. */
  change<T>(key: string, edit: (draft: R) => T): T | undefined {
    const current = this.get(key);
    if (current === undefined) return undefined;
    const draft = structuredClone(current);
    const result = edit(draft);
    this.put(draft);
    return result;
  }
}

/**
 * Freezes a record as JSON will store it, so the record in memory equals the one read back after a restart:
 * undefined properties are dropped, and what JSON cannot hold as it is (a Date, NaN, undefined in an array)
 * is refused. An object already frozen was sealed before (records share unchanged parts) and is skipped.
 */
export function seal(value: unknown, path = 'record'): unknown {
  if (value === null || typeof value === 'string' || typeof value === 'boolean') return value;
  if (typeof value === 'number') {
    if (!Number.isFinite(value)) throw new TypeError(`${path} is not a finite number`);
    return value;
  }
  if (typeof value !== 'object') throw new TypeError(`${path} cannot be stored as JSON (${typeof value})`);
  if (Object.isFrozen(value)) return value;
  if (Array.isArray(value)) {
    value.forEach((item, i) => {
      if (item === undefined) throw new TypeError(`${path}[${i}] is undefined`);
      seal(item, `${path}[${i}]`);
    });
    return Object.freeze(value);
  }
  const proto = Object.getPrototypeOf(value);
  if (proto !== Object.prototype && proto !== null) throw new TypeError(`${path} is not a plain object`);
  const object = value as Record<string, unknown>;
  for (const key of Object.keys(object)) {
    if (object[key] === undefined) delete object[key];
    else seal(object[key], `${path}.${key}`);
  }
  return Object.freeze(object);
}

/** The view type of a collection. */
export type ViewOf<C> = C extends Collection<infer R, infer I> ? View<R, I> : never;
