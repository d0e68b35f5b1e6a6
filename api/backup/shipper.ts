/**
 * Continuous backup, in the server: the store hard-links each sealed journal segment and each new snapshot into
 * DATA_DIR/backup-queue/; the shipper copies them into BACKUP_DIR as backup files (file.ts) and only then lets
 * go of them, so a BACKUP_DIR that is missing or full delays backups and loses nothing: it is retried, and
 * reported (status()) on the staff page and in /api/health. It also takes a full backup when the newest is a
 * day old (and at start when there is none), and prunes what BACKUP_KEEP_DAYS no longer needs.
 */
import { mkdir, readdir, rm } from 'node:fs/promises';
import { join } from 'node:path';
import type { Keys } from '../store/cipher.ts';
import { syncDirectory } from '../store/durable-file.ts';
import type { Snapshot } from '../store/snapshot.ts';
import { listBackups, sizeAndTime, type FullHeader, type Listed } from './file.ts';
import { writeFull } from './full.ts';
import { writeJournal } from './journal.ts';

export type BackupStatus = {
  dir: string;
  /** The newest full backup: the moment its state is from, and its size. */
  newestFull: { name: string; at: string; bytes: number } | undefined;
  /** The newest journal backup: when it was shipped, and its size. */
  newestJournal: { name: string; at: string; bytes: number } | undefined;
  /** Since when shipping has failed, and why (an error code, never a path or data). */
  failure: { since: string; reason: string } | undefined;
  /** Files waiting in the queue. */
  waiting: number;
  /** The newest full backup is older than a day, or there is none. */
  fullOverdue: boolean;
};

export type ShipperOptions = {
  dataDir: string;
  backupDir: string;
  keys: Keys;
  keepDays: number;
  /** The store's state now (Store.capture). */
  capture: () => Snapshot & { at: string };
  now?: () => Date;
  log?: (line: string) => void;
};

const dayMs = 86_400_000;
/** How soon a failed shipment is tried again, and how often the daily full backup and pruning are looked at. */
const retryMs = 30_000;
const checkMs = 3_600_000;
const startDelayMs = 60_000;
const queued = /^(?:journal-(\d{12})\.jsonl|db-(\d{12})-(\d+)\.json)$/;

export function queueDir(dataDir: string): string {
  return join(dataDir, 'backup-queue');
}

export class Shipper {
  readonly #options: ShipperOptions;
  readonly #queue: string;
  readonly #now: () => Date;
  readonly #log: (line: string) => void;
  #status: BackupStatus;
  #running: Promise<void> | undefined;
  #again = false;
  #timer: NodeJS.Timeout | undefined;
  #stopped = false;
  #fullNotBefore = 0;

  constructor(options: ShipperOptions) {
    this.#options = options;
    this.#queue = queueDir(options.dataDir);
    this.#now = options.now ?? (() => new Date());
    this.#log = options.log ?? console.error;
    this.#status = { dir: options.backupDir, newestFull: undefined, newestJournal: undefined, failure: undefined, waiting: 0, fullOverdue: true };
  }

  /** Ships what waits now, takes a full backup a minute later if one is due, and looks again every hour. */
  start(): void {
    this.#fullNotBefore = this.#now().getTime() + startDelayMs;
    this.notify();
    setTimeout(() => this.notify(), startDelayMs).unref();
  }

  /** Something was queued: ship it soon. */
  notify(): void {
    if (this.#stopped) return;
    if (this.#running) {
      this.#again = true;
      return;
    }
    this.#running = this.#run().finally(() => {
      this.#running = undefined;
      if (this.#again) {
        this.#again = false;
        this.notify();
      }
    });
  }

  status(): BackupStatus {
    const full = this.#status.newestFull;
    return { ...this.#status, fullOverdue: !full || this.#now().getTime() - Date.parse(full.at) > dayMs };
  }

  /** A full backup of the state now; resolves with its path once it is on disk in BACKUP_DIR. */
  async takeFull(): Promise<{ path: string; bytes: number; header: FullHeader }> {
    await mkdir(this.#options.backupDir, { mode: 0o700 }).catch(existing);
    const { dataDir, backupDir, keys } = this.#options;
    const written = await writeFull(backupDir, dataDir, { snapshot: this.#options.capture() }, keys, this.#now());
    this.#status.newestFull = { name: written.path.slice(backupDir.length + 1), at: written.header.at, bytes: written.bytes };
    return written;
  }

  /** Resolves once no shipment is under way or asked for. */
  async idle(): Promise<void> {
    while (this.#running) await this.#running;
  }

  /** Waits for the shipment under way, and stops looking. */
  async stop(): Promise<void> {
    this.#stopped = true;
    clearTimeout(this.#timer);
    await this.#running;
  }

  async #run(): Promise<void> {
    clearTimeout(this.#timer);
    let next = checkMs;
    try {
      await mkdir(this.#options.backupDir, { mode: 0o700 }).catch(existing);
      await this.#look();
      await this.#ship();
      // Not in the server's first minute, which belongs to the requests waiting for it to start.
      if (this.status().fullOverdue && this.#now().getTime() >= this.#fullNotBefore) await this.takeFull();
      await this.#prune();
      if (this.#status.failure) this.#log('backup: backups are written again');
      this.#status.failure = undefined;
    } catch (error) {
      const reason = (error as NodeJS.ErrnoException).code ?? (error as Error).name;
      if (!this.#status.failure) this.#log(`backup: writing to BACKUP_DIR failed (${reason}); the data directory keeps what waits, and it is tried again`);
      this.#status.failure = { since: this.#status.failure?.since ?? this.#now().toISOString(), reason };
      next = retryMs;
    }
    if (!this.#stopped) this.#timer = setTimeout(() => this.notify(), next).unref();
  }

  /** What BACKUP_DIR holds now: the newest full and journal backups. */
  async #look(): Promise<void> {
    const listed = await listBackups(this.#options.backupDir);
    const full = listed
      .filter((entry) => entry.kind === 'full')
      .sort((a, b) => Date.parse(a.at) - Date.parse(b.at))
      .at(-1);
    const journal = listed.filter((entry) => entry.kind === 'journal').at(-1);
    const dir = this.#options.backupDir;
    const fullInfo = full && (await sizeAndTime(dir, full.name));
    const journalInfo = journal && (await sizeAndTime(dir, journal.name));
    this.#status.newestFull = full && fullInfo && { name: full.name, at: full.at, bytes: fullInfo.bytes };
    this.#status.newestJournal = journal && journalInfo && { name: journal.name, at: journalInfo.mtime.toISOString(), bytes: journalInfo.bytes };
  }

  /** Every queued file into BACKUP_DIR, oldest first; each leaves the queue once its backup is on disk. */
  async #ship(): Promise<void> {
    const names = (await readdir(this.#queue).catch(() => [])).filter((name) => queued.test(name)).sort();
    this.#status.waiting = names.length;
    const { backupDir, keys } = this.#options;
    for (const name of names) {
      const match = queued.exec(name) as RegExpExecArray;
      const path = join(this.#queue, name);
      if (match[1] !== undefined) {
        const written = await writeJournal(backupDir, path, keys, this.#now());
        if (written) this.#status.newestJournal = { name: written.path.slice(backupDir.length + 1), at: this.#now().toISOString(), bytes: written.bytes };
      } else {
        const at = new Date(Number(match[3])).toISOString();
        const written = await writeFull(backupDir, this.#options.dataDir, { file: path, seq: Number(match[2]), at }, keys, this.#now());
        if (!this.#status.newestFull || Date.parse(this.#status.newestFull.at) <= Date.parse(at)) {
          this.#status.newestFull = { name: written.path.slice(backupDir.length + 1), at, bytes: written.bytes };
        }
      }
      await rm(path, { force: true });
      await syncDirectory(this.#queue);
      this.#status.waiting -= 1;
    }
  }

  async #prune(): Promise<void> {
    const { backupDir, keepDays } = this.#options;
    for (const name of prunable(await listBackups(backupDir), this.#now(), keepDays)) await rm(join(backupDir, name), { force: true });
  }
}

/**
 * The backups that BACKUP_KEEP_DAYS lets go: full backups from before the window except the newest of them
 * (the base a restore to the window's first moment starts from), and journals that end before that base.
 * The newest full backup always stays. Without a full backup before the window, nothing older goes.
 */
export function prunable(listed: Listed[], now: Date, keepDays: number): string[] {
  const windowStart = now.getTime() - keepDays * dayMs;
  const fulls = listed.filter((entry) => entry.kind === 'full');
  const base = fulls.filter((entry) => Date.parse(entry.at) <= windowStart).at(-1);
  if (!base) return [];
  return listed
    .filter((entry) => (entry.kind === 'full' ? entry.seq < base.seq || (entry.seq === base.seq && entry.name < base.name) : entry.lastSeq <= base.seq))
    .map((entry) => entry.name);
}

function existing(error: NodeJS.ErrnoException): void {
  if (error.code !== 'EEXIST') throw error;
}
