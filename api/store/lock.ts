/** The DATA_DIR lock file, db.lock: one server per data directory, so db.json has a single writer. */
import { open, readFile, stat, unlink } from 'node:fs/promises';
import { setTimeout as sleep } from 'node:timers/promises';
import { hostname } from 'node:os';
import { join } from 'node:path';

export type Lock = { release(): Promise<void> };

type Holder = { pid: number; hostname: string; startedAt: string };

export class StoreLockedError extends Error {
  readonly dataDir: string;

  constructor(dataDir: string, holder: Holder | undefined) {
    const who = holder ? `pid ${holder.pid} on ${holder.hostname}, since ${holder.startedAt}` : 'another process';
    super(
      `The data directory ${dataDir} is locked by ${who}: a second server may not use the same DATA_DIR. ` +
        `Stop the other server, or if none is running, delete ${join(dataDir, 'db.lock')}.`,
    );
    this.name = 'StoreLockedError';
    this.dataDir = dataDir;
  }
}

/** Takes db.lock in dataDir, replacing a stale one left by a server that crashed or was killed. */
export async function acquireLock(dataDir: string): Promise<Lock> {
  const path = join(dataDir, 'db.lock');
  const mine = JSON.stringify({ pid: process.pid, hostname: hostname(), startedAt: new Date().toISOString() });
  if (!(await create(path, mine))) {
    const holder = parseHolder(await readText(path));
    if (holder && isHeld(holder)) throw new StoreLockedError(dataDir, holder);
    await unlink(path).catch(ignoreMissing);
    if (!(await create(path, mine))) throw new StoreLockedError(dataDir, parseHolder(await readText(path)));
  }
  // Two servers replacing the same stale lock at once: the one whose file is not there lost.
  const found = await readText(path);
  if (found !== mine) throw new StoreLockedError(dataDir, parseHolder(found));

  let released: Promise<void> | undefined;
  return {
    release() {
      released ??= (async () => {
        if ((await readText(path)) === mine) await unlink(path).catch(ignoreMissing);
      })();
      return released;
    },
  };
}

/** Creates the lock file holding text; false when one is already there. */
async function create(path: string, text: string): Promise<boolean> {
  let handle;
  try {
    handle = await open(path, 'wx', 0o600);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'EEXIST') return false;
    throw error;
  }
  try {
    await handle.writeFile(text, 'utf8');
  } catch (error) {
    await unlink(path).catch(ignoreMissing);
    throw error;
  } finally {
    await handle.close();
  }
  return true;
}

/** Whether the holder may still be running. */
function isHeld(holder: Holder): boolean {
  // Processes on another host cannot be seen from here, so its lock is trusted.
  if (holder.hostname !== hostname()) return true;
  // Our own pid: this process holds it, or an earlier one with the same pid does (a restarted container's pid 1).
  if (holder.pid === process.pid) return !(Date.parse(holder.startedAt) < performance.timeOrigin);
  try {
    process.kill(holder.pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** The holder a lock file names, or undefined when it is unreadable (a crash while it was written). */
function parseHolder(text: string | undefined): Holder | undefined {
  if (text === undefined) return undefined;
  try {
    const { pid, hostname, startedAt } = JSON.parse(text) as Partial<Record<keyof Holder, unknown>>;
    // pid 0 and negative pids would signal whole process groups.
    if (!Number.isInteger(pid) || (pid as number) <= 0 || typeof hostname !== 'string' || typeof startedAt !== 'string') {
      return undefined;
    }
    return { pid: pid as number, hostname, startedAt };
  } catch {
    return undefined;
  }
}

async function readText(path: string): Promise<string | undefined> {
  try {
    return await readFile(path, 'utf8');
  } catch (error) {
    if (isMissing(error)) return undefined;
    throw error;
  }
}

/** The file, or the directory it was in, is gone (ENOTDIR: something replaced the directory). */
function isMissing(error: unknown): boolean {
  const code = (error as NodeJS.ErrnoException).code;
  return code === 'ENOENT' || code === 'ENOTDIR';
}

function ignoreMissing(error: unknown): void {
  if (!isMissing(error)) throw error;
}

/**
 * A short writer's lock between processes (staff.lock, audit.lock): a file created exclusively, waited for every
 * `retryMs`, and taken over when older than `staleMs` (left by a process that died mid-write). Resolves false
 * when `attempts` waits (default: no limit) did not get it.
 */
export async function takeWriterLock(path: string, { staleMs, retryMs, attempts = Infinity }: { staleMs: number; retryMs: number; attempts?: number }): Promise<boolean> {
  for (let attempt = 0; attempt < attempts; attempt++) {
    try {
      await (await open(path, 'wx', 0o600)).close();
      return true;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
      const info = await stat(path).catch(() => undefined);
      if (info && Date.now() - info.mtimeMs > staleMs) await unlink(path).catch(() => undefined);
      else await sleep(retryMs);
    }
  }
  return false;
}
