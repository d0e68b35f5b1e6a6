/**
 * The data directory's store and its only writer, one process at a time (db.lock): the snapshot db.json,
 * read and written by lowdb through a durable adapter, and the journal beside it (journal.ts).
 *
 * The contract, each sentence proven in tests/api/store/:
 * - `update(mutate)` runs `mutate` once, synchronously, on a draft of the collections: no I/O and no await
 *   inside it; compute those first. A mutation that throws rejects its own update alone and leaves nothing.
 * - Updates that arrive together are group-committed: their changes are one journal record, appended and
 *   fsync'd, and each update resolves only after that. Until then nobody sees them. When the write fails,
 *   every update of the batch rejects with StoreUnavailableError and memory is as it was; the next update
 *   tries again, so the store recovers by itself once the disk takes writes.
 * - A change costs what it changes: the journal record holds the changed records only, and lookups go
 *   through the indexes each collection declares.
 * - Compaction, in the background when the journal passes its limits and at close: a new segment takes the
 *   appends, the state is written as a new snapshot beside the old one and renamed over it, and only then
 *   are the older segments deleted. The snapshot names the last record it holds, so a crash at any step
 *   loses nothing and applies nothing twice.
 * - On open: the snapshot, then the journal; a torn last record is cut off, anything else damaged stops
 *   the open with StoreCorruptError (a missing or wrong key with KeyError) and every file is left as it was.
 * - Hand-off for backups (optional): a segment is sealed (a new one takes the appends) `sealAfterMs` after its
 *   first record and at every compaction; each sealed segment and each new snapshot is hard-linked into
 *   `handOff.dir` for the backup shipper, and a segment is deleted only once it is linked there.
 */
import { chmod, link, mkdir, open, readdir, rm, stat } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import type { Low } from 'lowdb';
import type { AnyCollection, Collection, IndexSpec } from './collection.ts';
import { noKeys, sealLine, type Keys } from './cipher.ts';
import { syncDirectory } from './durable-file.ts';
import { JournalWriter, type Change, type JournalRecord, type Segment } from './journal.ts';
import { acquireLock, type Lock } from './lock.ts';
import { capture, Contents, load, snapshotFile, tableOf, type Snapshot } from './snapshot.ts';
import type { Layer, Table } from './table.ts';
import { Tx } from './tx.ts';
import { View } from './view.ts';

export { KeyError } from './cipher.ts';
export { StoreCorruptError } from './durable-file.ts';
export { StoreLockedError } from './lock.ts';
export { Contents } from './snapshot.ts';
export { Tx } from './tx.ts';

/** The data directory does not take writes now (a full disk, a read-only file system) or the store is closed. */
export class StoreUnavailableError extends Error {
  override name = 'StoreUnavailableError';
}

export type CompactionStep = 'rotated' | 'before-rename' | 'renamed' | 'deleted';

export type StoreOptions = {
  /**
   * A new snapshot is written once the journal since the last one holds this many records, or this many
   * bytes and at least as many as the snapshot: rewriting the snapshot then costs at most as much as the
   * changes it takes in, and replaying the journal at start at most as much as reading the snapshot.
   */
  compactAfter?: { bytes?: number; records?: number };
  /** Encryption at rest (cipher.ts): what is written is encrypted with keys.write; without keys, plain JSON. */
  keys?: Keys;
  /** The clock of the journal records' `at`. */
  now?: () => Date;
  log?: (line: string) => void;
  /**
   * Where sealed journal segments (under their own names) and new snapshots (snapshotHandOffName) are hard-linked
   * for the backup shipper, which is told by `notify`. Must be on the data directory's file system.
   */
  handOff?: { dir: string; notify: () => void };
  /** A segment that holds records is sealed this long after its first one (with handOff: the recovery point). */
  sealAfterMs?: number;
  /** Seams for the store's own tests: called before each journal append (a rejection fails it) and at each compaction step. */
  observe?: { append?: (bytes: number) => void | Promise<void>; compaction?: (step: CompactionStep) => void | Promise<void> };
};

type Waiting = { mutate: (tx: Tx) => unknown; resolve: (result: unknown) => void; reject: (error: unknown) => void };

const defaultCompaction = { bytes: 16 << 20, records: 100_000 };
const maxSegments = 1024;
/** The small file written to learn whether the disk takes writes again. */
const probeFile = 'probe.tmp';
/** How soon a failed compaction, or the disk check after a failed write, is tried again. */
const retryMs = { compaction: 30_000, probe: 1_000 };

export class Store {
  readonly #dir: string;
  readonly #lock: Lock;
  readonly #low: Low<Snapshot>;
  readonly #tables: Map<string, Table<unknown>>;
  readonly #options: StoreOptions;
  readonly #limits: { bytes: number; records: number };
  readonly #log: (line: string) => void;
  #seq: number;
  #writer: JournalWriter;
  #segments: Segment[];
  /** The journal since the snapshot: what decides when to compact. */
  #pending: { bytes: number; records: number };
  #queue: Waiting[] = [];
  #flushing: Promise<void> | undefined;
  #closing: Promise<void> | undefined;
  #compacting: Promise<void> | undefined;
  #compactNotBefore = 0;
  #snapshotBytes = 0;
  #healthy = true;
  #probe: NodeJS.Timeout | undefined;
  #sealTimer: NodeJS.Timeout | undefined;
  #sealDue = false;
  /** Callers of compact() waiting for the next snapshot. */
  #compactWaiters: { resolve: () => void; reject: (error: unknown) => void }[] = [];
  /** Segments this process has linked into handOff.dir (once is enough: the shipper takes them from there). */
  readonly #handedOff = new Set<string>();

  private constructor(init: {
    dir: string;
    lock: Lock;
    low: Low<Snapshot>;
    tables: Map<string, Table<unknown>>;
    seq: number;
    writer: JournalWriter;
    segments: Segment[];
    pending: { bytes: number; records: number };
    snapshotBytes: number;
    options: StoreOptions;
  }) {
    this.#dir = init.dir;
    this.#lock = init.lock;
    this.#low = init.low;
    this.#tables = init.tables;
    this.#seq = init.seq;
    this.#writer = init.writer;
    this.#segments = init.segments;
    this.#pending = init.pending;
    this.#snapshotBytes = init.snapshotBytes;
    this.#options = init.options;
    this.#limits = { ...defaultCompaction, ...init.options.compactAfter };
    this.#log = init.options.log ?? console.error;
  }

  /** Locks dataDir and reads the snapshot and the journal. */
  static async open(dataDir: string, collections: AnyCollection[], options: StoreOptions = {}): Promise<Store> {
    const dir = resolve(dataDir);
    const created = await mkdir(dir, { recursive: true, mode: 0o700 });
    await chmod(dir, 0o700);
    if (created !== undefined) await syncDirectory(dirname(dir));
    const lock = await acquireLock(dir);
    try {
      const keys = options.keys ?? noKeys;
      const compaction = options.observe?.compaction;
      const low = snapshotFile(dir, keys, compaction ? () => compaction('before-rename') : undefined);
      // Read first: a damaged file or a wrong key stops the open before anything is changed.
      const loaded = await load(dir, collections, low, keys);
      const { journal, tables } = loaded;
      // Temp files of snapshot writes that never reached their rename, and of a disk check cut short; nothing
      // else writes here while we hold the lock.
      for (const name of await readdir(dir)) {
        if ((name.startsWith('db.json.') && name.endsWith('.tmp')) || name === probeFile) await rm(join(dir, name), { force: true });
      }
      if (options.handOff) await mkdir(options.handOff.dir, { recursive: true, mode: 0o700 });
      if (!loaded.snapshotExisted) {
        // A new data directory (or one whose snapshot was moved away): the snapshot comes first.
        low.data = capture(tables, journal.lastSeq, (options.now ?? (() => new Date()))());
        await low.write();
        low.data = { version: 2, seq: journal.lastSeq };
        loaded.snapshotSeq = journal.lastSeq;
        loaded.snapshotBytes = (await stat(join(dir, 'db.json'))).size;
      }
      if (journal.torn) {
        const { path, offset, bytes } = journal.torn;
        (options.log ?? console.error)(`store: ${path} ended in a torn record (${bytes} bytes at byte offset ${offset}, never acknowledged); it was cut off`);
      }
      // Segments the snapshot holds whole were left by a crash after its rename: they go now, handed off first.
      const covered = journal.segments.filter((_segment, i) => (journal.segments[i + 1]?.firstSeq ?? journal.lastSeq + 1) - 1 <= loaded.snapshotSeq);
      // Every segment but the newest is sealed; a crash may have come before it was handed off.
      const sealed = journal.segments.filter((segment, i) => i < journal.segments.length - 1 || covered.includes(segment));
      for (const segment of sealed) if (options.handOff) await linkInto(dir, segment.name, options.handOff.dir, segment.name);
      for (const segment of covered) await rm(join(dir, segment.name));
      const segments = journal.segments.filter((segment) => !covered.includes(segment));
      const active = segments.at(-1);
      const writer = active ? await JournalWriter.resume(dir, active, journal.validEnd) : await JournalWriter.create(dir, journal.lastSeq + 1);
      if (!active) segments.push(writer.segment);
      if (covered.length > 0) await syncDirectory(dir);
      const store = new Store({
        dir,
        lock,
        low,
        tables,
        seq: journal.lastSeq,
        writer,
        segments,
        pending: { bytes: loaded.snapshotExisted ? journal.bytes : 0, records: journal.lastSeq - loaded.snapshotSeq },
        snapshotBytes: loaded.snapshotBytes,
        options,
      });
      if (options.handOff && journal.segments.length > 1) options.handOff.notify();
      // Records left in the newest segment are sealed in good time, as if just appended.
      if (writer.size > 0) store.#armSeal();
      return store;
    } catch (error) {
      await lock.release();
      throw error;
    }
  }

  /**
   * The records on disk, as a server opening the data directory would find them, without taking the lock or
   * changing a file: for tests, the seed command and operators' scripts.
   */
  static async read(dataDir: string, collections: AnyCollection[], keys: Keys = noKeys): Promise<Contents> {
    const dir = resolve(dataDir);
    return new Contents((await load(dir, collections, snapshotFile(dir, keys), keys)).tables);
  }

  /** The committed state as a snapshot (lists of frozen records), for a backup taken while the server runs. */
  capture(): Snapshot & { at: string } {
    return capture(this.#tables, this.#seq, this.#now());
  }

  /** The committed records of a collection. */
  view<R, I extends Record<string, IndexSpec<R>>>(collection: Collection<R, I>): View<R, I> {
    return new View(tableOf(this.#tables, collection));
  }

  /** False from a failed write until the data directory takes writes again. */
  get healthy(): boolean {
    return this.#healthy;
  }

  /** Resolves with what mutate returned once its change is on disk; rejects, changing nothing, if it is not. */
  update<R>(mutate: (tx: Tx) => R): Promise<R> {
    if (this.#closing) return Promise.reject(new StoreUnavailableError('The store is closed'));
    const { promise, resolve, reject } = Promise.withResolvers<R>();
    this.#queue.push({ mutate, resolve: resolve as (result: unknown) => void, reject });
    this.#flushing ??= this.#flush();
    return promise;
  }

  /**
   * Writes a new snapshot now and deletes the journal it holds: after a purge, so the journal's copies of what
   * was removed go too. Resolves once the snapshot is on disk.
   */
  compact(): Promise<void> {
    if (this.#closing) return Promise.reject(new StoreUnavailableError('The store is closed'));
    const { promise, resolve, reject } = Promise.withResolvers<void>();
    this.#compactWaiters.push({ resolve, reject });
    this.#flushing ??= this.#flush();
    return promise;
  }

  /** Writes what is queued, writes a last snapshot so the next start reads one file, then releases the lock. */
  close(): Promise<void> {
    this.#closing ??= (async () => {
      while (this.#flushing) await this.#flushing;
      await this.#compacting;
      clearTimeout(this.#probe);
      clearTimeout(this.#sealTimer);
      for (const waiter of this.#compactWaiters.splice(0)) waiter.reject(new StoreUnavailableError('The store is closed'));
      if (this.#pending.records > 0) await this.#compact(true).catch(() => undefined);
      else await this.#dropHeldSegments(this.#seq, true).catch(() => undefined);
      await this.#writer.close();
      await this.#lock.release();
    })();
    return this.#closing;
  }

  async #flush(): Promise<void> {
    // One turn first, so the updates of the same tick share the first write too.
    await Promise.resolve();
    while (this.#queue.length > 0 || this.#sealDue || (this.#compactWaiters.length > 0 && !this.#compacting)) {
      if (this.#queue.length > 0) await this.#commit(this.#queue.splice(0));
      // Between batches no append is under way: the one moment a new segment may be started.
      if (this.#dueForCompaction() || (this.#compactWaiters.length > 0 && !this.#compacting)) await this.#compact(false).catch(() => undefined);
      else if (this.#sealDue && !this.#closing) await this.#seal().catch((error: unknown) => this.#log(`store: sealing a journal segment failed (${describe(error)}); it is tried again later`));
      this.#sealDue = false;
    }
    this.#flushing = undefined;
  }

  async #commit(batch: Waiting[]): Promise<void> {
    const layers = new Map<string, Layer<unknown>>();
    const done: { waiting: Waiting; result: unknown }[] = [];
    for (const waiting of batch) {
      const tx = new Tx(this.#tables, layers);
      try {
        const result = waiting.mutate(tx);
        if (result instanceof Promise) {
          // Whatever it changes after its first await would never be written.
          result.catch(() => undefined);
          throw new TypeError('A store mutation must be synchronous');
        }
        for (const [name, layer] of tx.layers) {
          const beneath = layers.get(name) as Layer<unknown>;
          for (const [key, record] of layer.writes) beneath.set(key, record);
        }
        done.push({ waiting, result });
      } catch (error) {
        waiting.reject(error);
      }
    }
    const changes: Change[] = [];
    for (const [collection, layer] of layers) {
      for (const [key, value] of layer.writes) changes.push(value === null ? { collection, key, deleted: true } : { collection, key, value });
    }
    if (changes.length > 0) {
      const record: JournalRecord = { seq: this.#seq + 1, at: this.#now().toISOString(), changes };
      let line: Buffer;
      try {
        line = Buffer.from(`${sealLine(this.#options.keys ?? noKeys, JSON.stringify(record))}\n`, 'utf8');
        await this.#options.observe?.append?.(line.length);
        await this.#writer.append(line);
      } catch (error) {
        const failure = new StoreUnavailableError(`The journal could not be written (${describe(error)})`, { cause: error });
        for (const { waiting } of done) waiting.reject(failure);
        this.#failed(error);
        return;
      }
      this.#seq = record.seq;
      for (const [name, layer] of layers) {
        const table = this.#tables.get(name) as Table<unknown>;
        for (const [key, value] of layer.writes) table.set(key, value ?? undefined);
      }
      this.#pending.bytes += line.length;
      this.#pending.records += 1;
      this.#recovered();
      this.#armSeal();
    }
    for (const { waiting, result } of done) waiting.resolve(result);
  }

  #dueForCompaction(): boolean {
    return (
      !this.#compacting &&
      !this.#closing &&
      Date.now() >= this.#compactNotBefore &&
      (this.#pending.bytes >= Math.max(this.#limits.bytes, this.#snapshotBytes) ||
        this.#pending.records >= this.#limits.records ||
        // Sealed for backups every minute or so: a start should not have to open a day of small files.
        this.#segments.length > maxSegments)
    );
  }

  /**
   * Starts a new segment (unless closing, when nothing more is appended), captures the state, and writes it
   * as the snapshot in the background; then the segments it holds are deleted.
   */
  async #compact(closing: boolean): Promise<void> {
    const observe = this.#options.observe?.compaction;
    const rotate = !closing && this.#writer.size > 0;
    const waiters = this.#compactWaiters.splice(0);
    try {
      if (rotate) await this.#seal();
    } catch (error) {
      for (const waiter of waiters) waiter.reject(new StoreUnavailableError(`A new snapshot could not be written (${describe(error)})`, { cause: error }));
      this.#compactionFailed(error);
      throw error;
    }
    const snapshot = capture(this.#tables, this.#seq, this.#now());
    const pending = this.#pending;
    this.#pending = { bytes: 0, records: 0 };
    if (rotate) await observe?.('rotated');
    const work = (async () => {
      try {
        await this.#writeSnapshot(snapshot);
        await observe?.('renamed');
        await this.#handOffSnapshot(snapshot.seq, snapshot.at);
        await this.#dropHeldSegments(snapshot.seq, closing);
        await observe?.('deleted');
        for (const waiter of waiters) waiter.resolve();
      } catch (error) {
        // Nothing is lost: the old snapshot and every segment are still there. Counted again, so it is retried.
        this.#pending = { bytes: this.#pending.bytes + pending.bytes, records: this.#pending.records + pending.records };
        for (const waiter of waiters) waiter.reject(new StoreUnavailableError(`A new snapshot could not be written (${describe(error)})`, { cause: error }));
        this.#compactionFailed(error);
        throw error;
      }
    })();
    if (closing) return work;
    this.#compacting = work
      .catch(() => undefined)
      .finally(() => {
        this.#compacting = undefined;
        // Asked for while this one was being written: it did not hold their changes.
        if (this.#compactWaiters.length > 0) this.#flushing ??= this.#flush();
      });
  }

  /**
   * Deletes the segments the snapshot (up to record `seq`) holds whole, each once it is handed off: never the
   * one appended to, unless closing. A segment sealed while the snapshot was being written holds newer records.
   */
  async #dropHeldSegments(seq: number, closing: boolean): Promise<void> {
    const held = this.#segments.filter((_segment, i) => {
      const next = this.#segments[i + 1];
      return next ? next.firstSeq - 1 <= seq : closing && this.#seq <= seq;
    });
    for (const segment of held) {
      // The segment appended to at close may have no records: nothing to back up.
      if (segment !== this.#writer.segment || this.#writer.size > 0) await this.#handOff(segment);
      await rm(join(this.#dir, segment.name), { force: true });
    }
    await syncDirectory(this.#dir);
    this.#segments = this.#segments.filter((segment) => !held.includes(segment));
  }

  /** Starts a new segment for the appends and hands the sealed one off. Only between batches. */
  async #seal(): Promise<void> {
    clearTimeout(this.#sealTimer);
    this.#sealTimer = undefined;
    if (this.#writer.size === 0) return;
    const next = await JournalWriter.create(this.#dir, this.#seq + 1);
    const sealed = this.#writer;
    this.#writer = next;
    this.#segments.push(next.segment);
    await sealed.close();
    // A failed link is tried again before the segment is deleted.
    await this.#handOff(sealed.segment).catch((error: unknown) => this.#log(`store: handing a sealed segment to the backups failed (${describe(error)}); it is tried again`));
  }

  /** After an append: the segment is sealed sealAfterMs later, if nothing sealed it before. */
  #armSeal(): void {
    const after = this.#options.sealAfterMs;
    if (after === undefined || this.#sealTimer) return;
    this.#sealTimer = setTimeout(() => {
      this.#sealTimer = undefined;
      this.#sealDue = true;
      this.#flushing ??= this.#flush();
    }, after).unref();
  }

  async #handOff(segment: Segment): Promise<void> {
    const handOff = this.#options.handOff;
    if (!handOff || this.#handedOff.has(segment.name)) return;
    await linkInto(this.#dir, segment.name, handOff.dir, segment.name);
    this.#handedOff.add(segment.name);
    handOff.notify();
  }

  /** The new snapshot for the backups; a failure costs that one backup only (the segments still go). */
  async #handOffSnapshot(seq: number, at: string): Promise<void> {
    const handOff = this.#options.handOff;
    if (!handOff) return;
    try {
      await linkInto(this.#dir, 'db.json', handOff.dir, snapshotHandOffName(seq, at));
      handOff.notify();
    } catch (error) {
      this.#log(`store: handing the new snapshot to the backups failed (${describe(error)})`);
    }
  }

  #compactionFailed(error: unknown): void {
    this.#compactNotBefore = Date.now() + retryMs.compaction;
    this.#log(`store: writing a new snapshot failed (${describe(error)}); the journal keeps every change, and it is tried again later`);
  }

  async #writeSnapshot(snapshot: Snapshot): Promise<void> {
    this.#low.data = snapshot;
    try {
      await this.#low.write();
    } finally {
      // Written, lowdb's copy would only keep records alive that have since been changed or deleted.
      this.#low.data = { version: 2, seq: snapshot.seq };
    }
    this.#snapshotBytes = (await stat(join(this.#dir, 'db.json'))).size;
  }

  #now(): Date {
    return this.#options.now?.() ?? new Date();
  }

  #recovered(): void {
    if (!this.#healthy) this.#log('store: the data directory takes writes again');
    this.#healthy = true;
  }

  /** After a failed write: unhealthy, and a small write is tried every second until the disk takes it. */
  #failed(error: unknown): void {
    if (this.#healthy) this.#log(`store: the journal could not be written (${describe(error)}); changes are refused until the data directory takes writes again`);
    this.#healthy = false;
    if (this.#probe) return;
    const probe = async () => {
      const path = join(this.#dir, probeFile);
      try {
        const handle = await open(path, 'w', 0o600);
        try {
          await handle.write(Buffer.alloc(64 << 10));
          await handle.sync();
        } finally {
          await handle.close();
        }
        this.#recovered();
        this.#probe = undefined;
      } catch {
        if (!this.#closing) this.#probe = setTimeout(() => void probe(), retryMs.probe).unref();
      } finally {
        await rm(path, { force: true }).catch(() => undefined);
      }
    };
    this.#probe = setTimeout(() => void probe(), retryMs.probe).unref();
  }
}

/** A snapshot's name in handOff.dir: `db-<seq>-<when it was taken, in ms>.json`. */
export function snapshotHandOffName(seq: number, at: string): string {
  return `db-${String(seq).padStart(12, '0')}-${Date.parse(at)}.json`;
}

/** Hard-links dir/name as into/as, durably; a link already there is taken as done. */
async function linkInto(dir: string, name: string, into: string, as: string): Promise<void> {
  try {
    await link(join(dir, name), join(into, as));
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
  }
  await syncDirectory(into);
}

/** An error as the log may show it: its code or name, never its message, which may quote data. */
function describe(error: unknown): string {
  return (error as NodeJS.ErrnoException).code ?? (error as Error).name ?? 'unknown';
}
