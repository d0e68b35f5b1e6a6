/**
 * The audit log, DATA_DIR/audit.jsonl: one JSON line per log-in, log-out, opened request, action, export and
 * account change, appended and fsync'd before the caller goes on. It holds usernames, references and counts
 * (a purge is one line of how many requests it changed) only, never a data subject's name, e-mail or text.
 */
import { mkdir, open, readFile } from 'node:fs/promises';
import { join } from 'node:path';

export type AuditEntry = { at: string; actor: string; action: string; id?: string; counts?: Record<string, number> };

export type AuditFilter = { actor?: string; action?: string; limit?: number };

export class AuditLog {
  readonly #dir: string;
  readonly #path: string;
  /** Appends of this process, one after another, so lines never interleave. */
  #last: Promise<void> = Promise.resolve();

  constructor(dataDir: string) {
    this.#dir = dataDir;
    this.#path = join(dataDir, 'audit.jsonl');
  }

  append(entry: Omit<AuditEntry, 'at'>, at: Date): Promise<void> {
    const line = `${JSON.stringify({ at: at.toISOString(), ...entry })}\n`;
    const written = this.#last.then(async () => {
      await mkdir(this.#dir, { recursive: true, mode: 0o700 });
      const handle = await open(this.#path, 'a', 0o600);
      try {
        await handle.write(line);
        await handle.sync();
      } finally {
        await handle.close();
      }
    });
    this.#last = written.catch(() => undefined);
    return written;
  }

  /** Newest first. A line that does not parse (torn by a crash mid-write) is skipped. */
  async read({ actor, action, limit = 500 }: AuditFilter = {}): Promise<AuditEntry[]> {
    let text: string;
    try {
      text = await readFile(this.#path, 'utf8');
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return [];
      throw error;
    }
    const entries: AuditEntry[] = [];
    const lines = text.split('\n');
    for (let i = lines.length - 1; i >= 0 && entries.length < limit; i--) {
      const entry = parse(lines[i] ?? '');
      if (entry && (!actor || entry.actor === actor) && (!action || entry.action === action)) entries.push(entry);
    }
    return entries;
  }
}

function parse(line: string): AuditEntry | undefined {
  try {
    const value = JSON.parse(line) as Partial<AuditEntry>;
    if (typeof value.at !== 'string' || typeof value.actor !== 'string' || typeof value.action !== 'string') return undefined;
    if (value.counts !== undefined && !isCounts(value.counts)) delete value.counts;
    return value as AuditEntry;
  } catch {
    return undefined;
  }
}

function isCounts(value: unknown): value is Record<string, number> {
  return typeof value === 'object' && value !== null && !Array.isArray(value) && Object.values(value).every((n) => Number.isFinite(n));
}
