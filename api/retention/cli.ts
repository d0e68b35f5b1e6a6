/**
 * `npm run purge [-- --dry-run]`: pseudonymises the closed requests whose retention period is over, now. With
 * a server running, the server does it (through the control socket); without one, this command does, under
 * the data directory's lock. The server also does it daily.
 */
import { parseArgs } from 'node:util';
import { AuditLog } from '../audit/index.ts';
import { queueDir } from '../backup/shipper.ts';
import { collections } from '../collections.ts';
import { ask } from '../control/index.ts';
import { readSettings } from '../settings.ts';
import { keysOf } from '../store/cipher.ts';
import { Store } from '../store/store.ts';
import { FileStore } from '../files/index.ts';
import { runPurge } from './run.ts';

try {
  const { values } = parseArgs({ options: { 'dry-run': { type: 'boolean', default: false } } });
  const dryRun = values['dry-run'];
  const settings = readSettings(process.env);
  const reply = await ask(settings.dataDir, { command: 'purge', dryRun });
  let lines: string[];
  if (reply) {
    if (!reply.ok) throw new Error(reply.error);
    lines = reply.lines;
  } else {
    const store = await Store.open(settings.dataDir, collections, {
      keys: keysOf(settings.dataKey),
      handOff: { dir: queueDir(settings.dataDir), notify: () => undefined },
      log: () => undefined,
    });
    try {
      const audit = new AuditLog(settings.dataDir);
      const files = new FileStore(settings.dataDir, keysOf(settings.dataKey));
      ({ lines } = await runPurge({ store, audit, now: new Date(), months: settings.retentionMonths, dryRun, actor: 'npm run purge', auditNothing: true, files }));
    } finally {
      await store.close();
    }
  }
  for (const line of lines) console.log(line);
} catch (error) {
  console.error(`purge: ${(error as Error).message}`);
  process.exitCode = 1;
}
