/** Store transactions: the drafts one update works on, layered over its batch and over the committed tables. */
import type { Collection, IndexSpec } from './collection.ts';
import { tableOf } from './snapshot.ts';
import { Layer, type Table } from './table.ts';
import { Draft } from './view.ts';

/** What one update sees and changes: a draft of each collection over the batch so far. */
export class Tx {
  readonly #tables: Map<string, Table<unknown>>;
  readonly #beneath: Map<string, Layer<unknown>>;
  readonly layers = new Map<string, Layer<unknown>>();

  constructor(tables: Map<string, Table<unknown>>, beneath: Map<string, Layer<unknown>>) {
    this.#tables = tables;
    this.#beneath = beneath;
  }

  table<R, I extends Record<string, IndexSpec<R>>>(collection: Collection<R, I>): Draft<R, I> {
    const table = tableOf(this.#tables, collection) as Table<unknown>;
    let layer = this.layers.get(collection.name);
    if (!layer) {
      let batch = this.#beneath.get(collection.name);
      if (!batch) this.#beneath.set(collection.name, (batch = new Layer<unknown>(table.collection, table)));
      this.layers.set(collection.name, (layer = new Layer<unknown>(table.collection, batch)));
    }
    return new Draft(collection, layer as Layer<R>);
  }
}
