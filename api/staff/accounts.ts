/**
 * Staff accounts in DATA_DIR/staff.json: each account's role, password hash, TOTP secret and recovery code
 * hashes, and when the accounts were last reviewed. Both the staff command (while the server runs and holds
 * db.lock) and the server (log-ins, the users and own-account pages) write it: one writer at a time under
 * staff.lock, each change made on the file's current content. Readers read it again whenever it has changed.
 * It holds secrets (hashes and TOTP keys) only, and is 0600.
 */
import { mkdir, stat, unlink } from 'node:fs/promises';
import { join } from 'node:path';
import { DurableJSONFile } from '../store/durable-file.ts';
import { takeWriterLock } from '../store/lock.ts';
import type { Role } from './roles.ts';

export type StaffAccount = {
  username: string;
  /**
   * Missing (undefined, never taken for admin) in an account from before roles until upgrade() has run: such an
   * account may not log in, so check it with isRole before relying on it.
   */
  role: Role;
  passwordHash: string;
  disabled: boolean;
  createdAt: string;
  /** Sessions started before it are no longer valid. */
  passwordChangedAt: string;
  disabledAt?: string;
  lastLoginAt?: string;
  totp?: StaffTotp;
  /** The SHA-256 of each unused recovery code (totp.ts), never the codes. */
  recoveryCodes?: string[];
};

export type StaffTotp = {
  /** Base32. */
  secret: string;
  enrolledAt: string;
  /** The time step of the last accepted code: a code is accepted once, and no older one after it. */
  lastStep: number;
};

type StaffFile = { accounts: StaffAccount[]; reviewedAt?: string };

/**
 * The audit action of giving an account a role, at its creation or later: `staff_role_admin`, `staff_role_handler`
 * or `staff_role_marketing`, with the username as the id (as in every staff_* line), so the role shows in the
 * action and a filter on it finds, say, every account made an admin.
 */
export function roleAuditAction(role: Role): string {
  return `staff_role_${role}`;
}

export class StaffAccountError extends Error {
  override name = 'StaffAccountError';
}

/** A writer's lock older than this was left by a command that died. */
const staleLockMs = 30_000;

export class StaffAccounts {
  readonly #dir: string;
  readonly #file: DurableJSONFile<StaffFile>;
  #cache: { key: string; file: StaffFile } | undefined;

  constructor(dataDir: string) {
    this.#dir = dataDir;
    this.#file = new DurableJSONFile(join(dataDir, 'staff.json'));
  }

  async all(): Promise<StaffAccount[]> {
    return (await this.#current()).accounts;
  }

  async find(username: string): Promise<StaffAccount | undefined> {
    return (await this.all()).find((account) => account.username === username);
  }

  /** When the accounts and their roles were last reviewed by an admin. */
  async reviewedAt(): Promise<string | undefined> {
    return (await this.#current()).reviewedAt;
  }

  add(username: string, passwordHash: string, now: Date, role: Role): Promise<void> {
    return this.#change(({ accounts }) => {
      if (accounts.some((a) => a.username === username)) throw new StaffAccountError('Käyttäjätunnus on jo olemassa.');
      const at = now.toISOString();
      accounts.push({ username, role, passwordHash, disabled: false, createdAt: at, passwordChangedAt: at });
    });
  }

  setPassword(username: string, passwordHash: string, now: Date): Promise<void> {
    return this.#edit(username, (account) => {
      account.passwordHash = passwordHash;
      account.passwordChangedAt = now.toISOString();
    });
  }

  disable(username: string, now: Date): Promise<void> {
    return this.#edit(username, (account) => {
      account.disabled = true;
      account.disabledAt = now.toISOString();
    });
  }

  enable(username: string): Promise<void> {
    return this.#edit(username, (account) => {
      account.disabled = false;
      delete account.disabledAt;
    });
  }

  setRole(username: string, role: Role): Promise<void> {
    return this.#edit(username, (account) => {
      account.role = role;
    });
  }

  /** A new TOTP secret, and new recovery codes in place of the old ones: the old secret and codes stop working. */
  enrolTotp(username: string, secret: string, now: Date, recoveryHashes: string[]): Promise<void> {
    return this.#edit(username, (account) => {
      account.totp = { secret, enrolledAt: now.toISOString(), lastStep: 0 };
      account.recoveryCodes = [...recoveryHashes];
    });
  }

  /** Records a code's time step and returns true, unless that step or a later one was accepted already (a replay). */
  acceptStep(username: string, step: number): Promise<boolean> {
    return this.#edit(username, (account) => {
      if (!account.totp || step <= account.totp.lastStep) return false;
      account.totp.lastStep = step;
      return true;
    });
  }

  /** Removes the recovery code hash and returns true when the account has it; false when not (or used already). */
  useRecoveryCode(username: string, hash: string): Promise<boolean> {
    return this.#edit(username, (account) => {
      const at = account.recoveryCodes?.indexOf(hash) ?? -1;
      if (at < 0) return false;
      account.recoveryCodes?.splice(at, 1);
      return true;
    });
  }

  setRecoveryCodes(username: string, hashes: string[]): Promise<void> {
    return this.#edit(username, (account) => {
      account.recoveryCodes = [...hashes];
    });
  }

  recordLogin(username: string, now: Date): Promise<void> {
    return this.#edit(username, (account) => {
      account.lastLoginAt = now.toISOString();
    });
  }

  recordReview(now: Date): Promise<void> {
    return this.#change((file) => {
      file.reviewedAt = now.toISOString();
    });
  }

  /**
   * Makes the accounts from before roles admins, as they could do everything then; returns their usernames for
   * the caller's audit lines. Once done, nothing is left to change: later calls return none without locking.
   */
  async upgrade(): Promise<string[]> {
    if ((await this.all()).every((account) => account.role !== undefined)) return [];
    return this.#change(({ accounts }) =>
      accounts
        .filter((account) => account.role === undefined)
        .map((account) => {
          account.role = 'admin';
          return account.username;
        }),
    );
  }

  async #current(): Promise<StaffFile> {
    const info = await stat(join(this.#dir, 'staff.json')).catch(() => undefined);
    if (!info) return { accounts: [] };
    // mtime and size and inode: a rename by a writer always gives a new inode.
    const key = `${info.ino}:${info.mtimeMs}:${info.size}`;
    if (this.#cache?.key !== key) this.#cache = { key, file: complete(await this.#file.read()) };
    return this.#cache.file;
  }

  #edit<T>(username: string, edit: (account: StaffAccount) => T): Promise<T> {
    return this.#change(({ accounts }) => edit(existing(accounts, username)));
  }

  /** Edits the file's current content under the writer's lock; writes it only when the edit changed something. */
  async #change<T>(edit: (file: StaffFile) => T): Promise<T> {
    await mkdir(this.#dir, { recursive: true, mode: 0o700 });
    const lock = join(this.#dir, 'staff.lock');
    await take(lock);
    try {
      const file = complete(await this.#file.read());
      const before = JSON.stringify(file);
      const result = edit(file);
      if (JSON.stringify(file) !== before) {
        await this.#file.write(file);
        this.#cache = undefined;
      }
      return result;
    } finally {
      await unlink(lock).catch(() => undefined);
    }
  }
}

function complete(file: StaffFile | null): StaffFile {
  return { ...file, accounts: file?.accounts ?? [] };
}

function existing(accounts: StaffAccount[], username: string): StaffAccount {
  const account = accounts.find((a) => a.username === username);
  if (!account) throw new StaffAccountError('Käyttäjätunnusta ei ole.');
  return account;
}

/** Waits for the writer's lock (another staff command or the server), taking over one that was left behind. */
async function take(path: string): Promise<void> {
  if (!(await takeWriterLock(path, { staleMs: staleLockMs, retryMs: 50, attempts: 100 }))) {
    throw new StaffAccountError('Käyttäjätietoja muutetaan juuri toisaalla. Yritä hetken kuluttua uudelleen.');
  }
}
