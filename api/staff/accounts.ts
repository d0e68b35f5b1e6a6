/**
 * Staff accounts in DATA_DIR/staff.json. The staff command writes it (so accounts can be managed while the
 * server runs, which holds db.lock); the server only reads it, again whenever the file has changed.
 */
import { mkdir, open, stat, unlink } from 'node:fs/promises';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { DurableJSONFile } from '../store/durable-file.ts';

export type StaffAccount = {
  username: string;
  passwordHash: string;
  disabled: boolean;
  createdAt: string;
  /** Sessions started before it are no longer valid. */
  passwordChangedAt: string;
  disabledAt?: string;
};

type StaffFile = { accounts: StaffAccount[] };

export class StaffAccountError extends Error {
  override name = 'StaffAccountError';
}

/** A writer's lock older than this was left by a command that died. */
const staleLockMs = 30_000;

export class StaffAccounts {
  readonly #dir: string;
  readonly #file: DurableJSONFile<StaffFile>;
  #cache: { key: string; accounts: StaffAccount[] } | undefined;

  constructor(dataDir: string) {
    this.#dir = dataDir;
    this.#file = new DurableJSONFile(join(dataDir, 'staff.json'));
  }

  async all(): Promise<StaffAccount[]> {
    const info = await stat(join(this.#dir, 'staff.json')).catch(() => undefined);
    if (!info) return [];
    // mtime and size and inode: a rename by the command always gives a new inode.
    const key = `${info.ino}:${info.mtimeMs}:${info.size}`;
    if (this.#cache?.key !== key) this.#cache = { key, accounts: (await this.#file.read())?.accounts ?? [] };
    return this.#cache.accounts;
  }

  async find(username: string): Promise<StaffAccount | undefined> {
    return (await this.all()).find((account) => account.username === username);
  }

  add(username: string, passwordHash: string, now: Date): Promise<void> {
    return this.#change((accounts) => {
      if (accounts.some((a) => a.username === username)) throw new StaffAccountError('Käyttäjätunnus on jo olemassa.');
      const at = now.toISOString();
      accounts.push({ username, passwordHash, disabled: false, createdAt: at, passwordChangedAt: at });
    });
  }

  setPassword(username: string, passwordHash: string, now: Date): Promise<void> {
    return this.#change((accounts) => {
      const account = existing(accounts, username);
      account.passwordHash = passwordHash;
      account.passwordChangedAt = now.toISOString();
    });
  }

  disable(username: string, now: Date): Promise<void> {
    return this.#change((accounts) => {
      const account = existing(accounts, username);
      account.disabled = true;
      account.disabledAt = now.toISOString();
    });
  }

  async #change(edit: (accounts: StaffAccount[]) => void): Promise<void> {
    await mkdir(this.#dir, { recursive: true, mode: 0o700 });
    const lock = join(this.#dir, 'staff.lock');
    await take(lock);
    try {
      const accounts = (await this.#file.read())?.accounts ?? [];
      edit(accounts);
      await this.#file.write({ accounts });
      this.#cache = undefined;
    } finally {
      await unlink(lock).catch(() => undefined);
    }
  }
}

function existing(accounts: StaffAccount[], username: string): StaffAccount {
  const account = accounts.find((a) => a.username === username);
  if (!account) throw new StaffAccountError('Käyttäjätunnusta ei ole.');
  return account;
}

/** Waits for the writer's lock (another staff command), taking over one that was left behind. */
async function take(path: string): Promise<void> {
  for (let attempt = 0; attempt < 100; attempt++) {
    try {
      await (await open(path, 'wx', 0o600)).close();
      return;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
      const info = await stat(path).catch(() => undefined);
      if (info && Date.now() - info.mtimeMs > staleLockMs) await unlink(path).catch(() => undefined);
      else await sleep(50);
    }
  }
  throw new StaffAccountError('Toinen henkilöstökomento on kesken. Yritä hetken kuluttua uudelleen.');
}
