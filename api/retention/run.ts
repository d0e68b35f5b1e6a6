/** A purge as the server runs it daily and `npm run purge` runs it now: plan, change, compact, one audit line. */
import type { AuditLog } from '../audit/index.ts';
import { mailJobs } from '../mail/jobs.ts';
import { requests } from '../requests/collections.ts';
import type { FileStore } from '../files/index.ts';
import type { Store } from '../store/store.ts';
import { planPurge, purge, retentionEnds, type PurgeCounts } from './index.ts';

export type PurgeRun = {
  store: Store;
  audit: AuditLog;
  now: Date;
  months: number;
  /** Only count what would be done. */
  dryRun: boolean;
  /** Who asked, for the audit line. */
  actor: string;
  /** Write the audit line even when nothing was due (a purge an operator asked for). */
  auditNothing: boolean;
  /** The answer files, which go from disk with the requests that are pseudonymised. */
  files: FileStore;
};

/** Runs a purge; resolves with its counts and a sentence for the operator. */
export async function runPurge({ store, audit, now, months, dryRun, actor, auditNothing, files }: PurgeRun): Promise<{ counts: PurgeCounts; lines: string[] }> {
  const planned = planPurge({ requests: store.view(requests), mailJobs: store.view(mailJobs) }, now, months);
  if (dryRun) return { counts: planned, lines: [`Dry run: a purge now would ${describe(planned, months, 'would')}. Nothing was changed.`] };
  let counts = planned;
  if (planned.pseudonymised + planned.expired + planned.mailsDropped > 0) {
    // The files first: pseudonymised, the request no longer names them.
    const due = [...store.view(requests).group('withFiles', 'yes')].filter((r) => r.status === 'completed' && !r.pseudonymisedAt && retentionEnds(r, months) <= now);
    for (const file of due.flatMap((r) => r.files ?? [])) await files.delete(file.id);
    counts = await store.update((tx) => purge(tx, now, months));
    // The journal still holds the records as they were: a new snapshot lets it go.
    await store.compact();
  }
  if (auditNothing || counts.pseudonymised + counts.expired + counts.mailsDropped > 0) await audit.append({ actor, action: 'purge', counts }, now);
  return { counts, lines: [`Purged: ${describe(counts, months, 'did')}.`] };
}

function describe(counts: PurgeCounts, months: number, mood: 'would' | 'did'): string {
  const [pseudonymise, remove, drop] = mood === 'would' ? ['pseudonymise', 'delete', 'drop'] : ['pseudonymised', 'deleted', 'dropped'];
  const plural = (n: number, word: string) => `${n} ${word}${n === 1 ? '' : 's'}`;
  return (
    `${pseudonymise} ${plural(counts.pseudonymised, 'request')} closed more than ${months} months ago, ` +
    `${remove} ${plural(counts.expired, 'unconfirmed request')} past their week, and ${drop} ${plural(counts.mailsDropped, 'queued mail')} they still owed`
  );
}
