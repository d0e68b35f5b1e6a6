/**
 * `npm run staff -- add|passwd|disable|list <username>`: staff accounts, managed by an operator while the
 * server runs. The password comes from a hidden prompt, or from STAFF_PASSWORD when stdin is not a terminal.
 */
import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { AuditLog } from '../audit/index.ts';
import { formatInstantDay } from '../requests/messages.ts';
import { readSettings, SettingsError } from '../settings.ts';
import { StaffAccountError, StaffAccounts } from './accounts.ts';
import { hashPassword, passwordProblem, usernameProblem } from './password.ts';

export type StaffCommandIo = {
  env: Record<string, string | undefined>;
  interactive: boolean;
  readPassword: (prompt: string) => Promise<string>;
  out: (line: string) => void;
  err: (line: string) => void;
  now: () => Date;
};

const usage = `Käyttö: npm run staff -- <komento> <käyttäjätunnus>
  add <tunnus>      lisää henkilöstön käyttäjä
  passwd <tunnus>   vaihda salasana
  disable <tunnus>  poista käyttäjä käytöstä
  list              näytä käyttäjät`;

export async function runStaffCommand(args: string[], io: StaffCommandIo): Promise<number> {
  const [command, username = ''] = args;
  if (!command || !['add', 'passwd', 'disable', 'list'].includes(command) || (command !== 'list' && !username)) {
    io.err(usage);
    return 2;
  }
  let dataDir: string;
  try {
    ({ dataDir } = readSettings(io.env));
  } catch (error) {
    if (!(error instanceof SettingsError)) throw error;
    io.err(`Ympäristön asetuksissa on virhe, joten komentoa ei suoritettu: ${error.message}`);
    return 1;
  }
  const accounts = new StaffAccounts(dataDir);
  const audit = new AuditLog(dataDir);
  try {
    if (command === 'list') {
      const all = await accounts.all();
      if (all.length === 0) io.out('Ei käyttäjiä. Lisää käyttäjä: npm run staff -- add <tunnus>');
      for (const a of all) {
        io.out(`${a.username}\t${a.disabled ? 'poistettu käytöstä' : 'käytössä'}\tluotu ${formatInstantDay(a.createdAt)}\tsalasana vaihdettu ${formatInstantDay(a.passwordChangedAt)}`);
      }
      return 0;
    }
    const problem = command === 'add' ? usernameProblem(username) : undefined;
    if (problem) throw new StaffAccountError(problem);
    if (command === 'disable') {
      await accounts.disable(username, io.now());
      await audit.append({ actor: 'komento', action: 'staff_disable', id: username }, io.now());
      io.out(`Käyttäjä ${username} on poistettu käytöstä.`);
      return 0;
    }
    if (command === 'passwd' && !(await accounts.find(username))) throw new StaffAccountError('Käyttäjätunnusta ei ole.');
    if (command === 'add' && (await accounts.find(username))) throw new StaffAccountError('Käyttäjätunnus on jo olemassa.');
    const password = await newPassword(io);
    const hash = await hashPassword(password);
    if (command === 'add') await accounts.add(username, hash, io.now());
    else await accounts.setPassword(username, hash, io.now());
    await audit.append({ actor: 'komento', action: command === 'add' ? 'staff_add' : 'staff_passwd', id: username }, io.now());
    io.out(command === 'add' ? `Käyttäjä ${username} on lisätty.` : `Käyttäjän ${username} salasana on vaihdettu.`);
    return 0;
  } catch (error) {
    if (!(error instanceof StaffAccountError)) throw error;
    io.err(error.message);
    return 1;
  }
}

async function newPassword(io: StaffCommandIo): Promise<string> {
  let password: string;
  if (io.interactive) {
    password = await io.readPassword('Salasana: ');
    if ((await io.readPassword('Salasana uudelleen: ')) !== password) throw new StaffAccountError('Salasanat eivät täsmää.');
  } else {
    password = io.env.STAFF_PASSWORD ?? '';
    if (!password) throw new StaffAccountError('Anna salasana ympäristömuuttujassa STAFF_PASSWORD, kun komento ei ole päätteessä.');
  }
  const problem = passwordProblem(password);
  if (problem) throw new StaffAccountError(problem);
  return password;
}

/** Reads a line from the terminal without showing it. */
function readHidden(prompt: string): Promise<string> {
  return new Promise((done) => {
    const stdin = process.stdin;
    process.stdout.write(prompt);
    stdin.setRawMode(true);
    stdin.resume();
    stdin.setEncoding('utf8');
    let text = '';
    const onData = (chunk: string) => {
      for (const ch of chunk) {
        if (ch === '\r' || ch === '\n' || ch === '\u0004') {
          stdin.setRawMode(false);
          stdin.pause();
          stdin.off('data', onData);
          process.stdout.write('\n');
          done(text);
          return;
        }
        if (ch === '\u0003') process.exit(130);
        text = ch === '\u007f' ? text.slice(0, -1) : text + ch;
      }
    };
    stdin.on('data', onData);
  });
}

if (resolve(process.argv[1] ?? '') === fileURLToPath(import.meta.url)) {
  const code = await runStaffCommand(process.argv.slice(2), {
    env: process.env,
    interactive: process.stdin.isTTY === true,
    readPassword: readHidden,
    out: (line) => console.log(line),
    err: (line) => console.error(line),
    now: () => new Date(),
  });
  process.exit(code);
}
