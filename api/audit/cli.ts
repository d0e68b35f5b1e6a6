/**
 * `npm run audit -- verify`: checks that the audit log's hash chain holds, so an operator can see that no line
 * was edited, removed or moved. Exits 1 when it does not hold, naming the line where it breaks.
 */
import { stat } from 'node:fs/promises';
import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { commandSettings } from '../settings.ts';
import { AuditLog } from './index.ts';

export type AuditCommandIo = {
  env: Record<string, string | undefined>;
  out: (line: string) => void;
  err: (line: string) => void;
};

const usage = `Käyttö: npm run audit -- <komento>
  verify   tarkista, että tapahtumalokin ketju on eheä`;

export async function runAuditCommand(args: string[], io: AuditCommandIo): Promise<number> {
  if (args.length !== 1 || args[0] !== 'verify') {
    io.err(usage);
    return 2;
  }
  const settings = commandSettings(io.env, io.err);
  if (!settings) return 1;
  const { dataDir } = settings;
  const audit = new AuditLog(dataDir);
  if (!(await exists(audit.path))) {
    io.out(`Tapahtumalokia ei ole vielä: tiedostoa ${audit.path} ei ole.`);
    return 0;
  }
  const chain = await audit.verify();
  if (!chain.ok) {
    io.err(`Tapahtumaloki ei ole eheä (${rows(chain.lines)}). ${chain.message}`);
    return 1;
  }
  io.out(`Tapahtumaloki on eheä: ${rows(chain.lines)}, ketju täsmää.`);
  if (chain.torn) io.out(`Vajaat rivit (kirjoitus keskeytyi, ketju jatkuu niiden yli): ${chain.torn.join(', ')}.`);
  return 0;
}

/** 1234 → "1 234 riviä". */
function rows(n: number): string {
  return `${n.toLocaleString('fi-FI')} ${n === 1 ? 'rivi' : 'riviä'}`;
}

async function exists(path: string): Promise<boolean> {
  return stat(path).then(
    () => true,
    (error: NodeJS.ErrnoException) => {
      if (error.code === 'ENOENT') return false;
      throw error;
    },
  );
}

if (resolve(process.argv[1] ?? '') === fileURLToPath(import.meta.url)) {
  const code = await runAuditCommand(process.argv.slice(2), {
    env: process.env,
    out: (line) => console.log(line),
    err: (line) => console.error(line),
  });
  process.exit(code);
}
