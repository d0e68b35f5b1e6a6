/**
 * `npm run staff -- <command>`: staff accounts, managed by an operator while the server runs. add (with a role),
 * role, passwd, disable, enable, totp (a new second factor: its QR code, key and recovery codes, shown once) and
 * list. The password comes from a hidden prompt, or from STAFF_PASSWORD when stdin is not a terminal.
 *
 * Every run first makes the accounts from before roles admins (accounts.upgrade()). Each change is an audit line
 * by actor `komento` with the username as id: staff_add, staff_passwd, staff_disable, staff_enable, staff_totp,
 * staff_role_upgrade for an upgraded account, and staff_role_<role> (roleAuditAction) for the role a new account
 * is given or an account is changed to.
 */
import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { AuditLog } from '../audit/index.ts';
import { formatInstantDay } from '../requests/messages.ts';
import { commandSettings } from '../settings.ts';
import { roleAuditAction, StaffAccountError, StaffAccounts, type StaffAccount } from './accounts.ts';
import { hashPassword, passwordProblem, usernameProblem } from './password.ts';
import { isRole, roleNames, roles, type Role } from './roles.ts';
import { hashRecoveryCode, newRecoveryCodes, newSecret, qrTerminal, totpUri } from './totp.ts';

export type StaffCommandIo = {
  env: Record<string, string | undefined>;
  interactive: boolean;
  readPassword: (prompt: string) => Promise<string>;
  out: (line: string) => void;
  err: (line: string) => void;
  now: () => Date;
};

const roleList = `Roolit: ${roles.map((role) => `${role} (${roleNames[role]})`).join(', ')}.`;

const usage = `Käyttö: npm run staff -- <komento>
  add <tunnus> --role <rooli>  lisää henkilöstön käyttäjä
  role <tunnus> <rooli>        vaihda käyttäjän rooli
  passwd <tunnus>              vaihda salasana
  disable <tunnus>             poista käyttäjä käytöstä
  enable <tunnus>              ota käyttäjä uudelleen käyttöön
  totp <tunnus>                ota kaksivaiheinen tunnistautuminen käyttöön: uusi avain ja uudet varakoodit
  list                         näytä käyttäjät
${roleList}`;

const commands = ['add', 'role', 'passwd', 'disable', 'enable', 'totp', 'list'] as const;
type Command = (typeof commands)[number];

/** What was asked: `role` is the text given for a role (add's --role, role's second word), not yet checked. */
type Invocation = { command: Command; username: string; role: string };

type Run = { io: StaffCommandIo; accounts: StaffAccounts; log: (action: string, username: string) => Promise<void> };

export async function runStaffCommand(args: string[], io: StaffCommandIo): Promise<number> {
  const invocation = parse(args);
  if (!invocation) {
    io.err(usage);
    return 2;
  }
  const settings = commandSettings(io.env, io.err);
  if (!settings) return 1;
  const { dataDir } = settings;
  const accounts = new StaffAccounts(dataDir);
  const audit = new AuditLog(dataDir);
  const run: Run = { io, accounts, log: (action, username) => audit.append({ actor: 'komento', action, id: username }, io.now()) };
  try {
    await upgrade(run);
    await perform[invocation.command](invocation, run);
    return 0;
  } catch (error) {
    if (!(error instanceof StaffAccountError)) throw error;
    io.err(error.message);
    return 1;
  }
}

/** The command, its username and role, or undefined when the words do not make one (the usage is shown). */
function parse(args: string[]): Invocation | undefined {
  const [command = '', ...rest] = args;
  if (!isCommand(command)) return undefined;
  const flag = rest.indexOf('--role');
  const role = flag < 0 ? undefined : rest[flag + 1];
  const words = flag < 0 ? rest : rest.toSpliced(flag, 2);
  const [username = '', second] = words;
  switch (command) {
    case 'add':
      return role !== undefined && words.length === 1 ? { command, username, role } : undefined;
    case 'role':
      return flag < 0 && second !== undefined && words.length === 2 ? { command, username, role: second } : undefined;
    case 'list':
      return rest.length === 0 ? { command, username: '', role: '' } : undefined;
    default:
      return flag < 0 && words.length === 1 ? { command, username, role: '' } : undefined;
  }
}

function isCommand(word: string): word is Command {
  return (commands as readonly string[]).includes(word);
}

/** Accounts from before roles become admins, as they could do everything then; the operator is told. */
async function upgrade({ io, accounts, log }: Run): Promise<void> {
  for (const username of await accounts.upgrade()) {
    await log('staff_role_upgrade', username);
    io.out(`Käyttäjä ${username} on nyt ${roleNames.admin.toLowerCase()}: tunnuksille tuli roolit, ja aiemmat tunnukset pitivät kaikki oikeutensa. Vaihda rooli tarvittaessa: npm run staff -- role ${username} <rooli>`);
  }
}

const perform: Record<Command, (invocation: Invocation, run: Run) => Promise<void>> = {
  async add({ username, role: text }, { io, accounts, log }) {
    const role = checkedRole(text);
    const problem = usernameProblem(username);
    if (problem) throw new StaffAccountError(problem);
    if (await accounts.find(username)) throw new StaffAccountError('Käyttäjätunnus on jo olemassa.');
    await accounts.add(username, await hashPassword(await newPassword(io, username)), io.now(), role);
    await log('staff_add', username);
    await log(roleAuditAction(role), username);
    io.out(`Käyttäjä ${username} on lisätty roolilla ${roleNames[role]}.`);
  },

  async role({ username, role: text }, { io, accounts, log }) {
    const role = checkedRole(text);
    await accounts.setRole(username, role);
    await log(roleAuditAction(role), username);
    io.out(`Käyttäjän ${username} rooli on nyt ${roleNames[role]}.`);
  },

  async passwd({ username }, { io, accounts, log }) {
    if (!(await accounts.find(username))) throw new StaffAccountError('Käyttäjätunnusta ei ole.');
    await accounts.setPassword(username, await hashPassword(await newPassword(io, username)), io.now());
    await log('staff_passwd', username);
    io.out(`Käyttäjän ${username} salasana on vaihdettu.`);
  },

  async disable({ username }, { io, accounts, log }) {
    await accounts.disable(username, io.now());
    await log('staff_disable', username);
    io.out(`Käyttäjä ${username} on poistettu käytöstä.`);
  },

  async enable({ username }, { io, accounts, log }) {
    await accounts.enable(username);
    await log('staff_enable', username);
    io.out(`Käyttäjä ${username} on otettu uudelleen käyttöön.`);
  },

  async totp({ username }, { io, accounts, log }) {
    const secret = newSecret();
    const codes = newRecoveryCodes();
    await accounts.enrolTotp(username, secret, io.now(), codes.map(hashRecoveryCode));
    await log('staff_totp', username);
    const uri = totpUri(username, secret);
    io.out(`Käyttäjälle ${username} on luotu uusi kaksivaiheisen tunnistautumisen avain. Aiempi avain ja aiemmat varakoodit eivät enää käy.`);
    io.out('Lue QR-koodi puhelimen todennussovelluksella (esimerkiksi Google Authenticator, Microsoft Authenticator tai FreeOTP):');
    io.out((await qrTerminal(uri)).trimEnd());
    io.out(`Jos QR-koodia ei voi lukea, lisää sovellukseen tili kirjoittamalla avain: ${groupsOfFour(secret)}`);
    io.out(`Sama osoitteena: ${uri}`);
    io.out('Varakoodit: kukin käy kerran tunnistuskoodin sijasta, jos puhelin ei ole käytettävissä. Ne näytetään vain nyt, joten säilytä ne turvallisesti, esimerkiksi salasanojen hallintaohjelmassa.');
    for (const code of codes) io.out(`  ${code}`);
    io.out('Kun avain ja varakoodit on otettu talteen, tyhjennä pääte, ettei niitä jää näkyviin.');
  },

  async list(_, { io, accounts }) {
    const all = await accounts.all();
    if (all.length === 0) io.out('Ei käyttäjiä. Lisää käyttäjä: npm run staff -- add <tunnus> --role <rooli>');
    for (const account of all) io.out(listLine(account));
  },
};

function checkedRole(text: string): Role {
  if (!isRole(text)) throw new StaffAccountError(`Tuntematon rooli ”${text}”. ${roleList}`);
  return text;
}

function listLine(a: StaffAccount): string {
  return [
    a.username,
    a.role ? roleNames[a.role] : 'ei roolia',
    a.disabled ? 'poistettu käytöstä' : 'käytössä',
    `luotu ${formatInstantDay(a.createdAt)}`,
    a.lastLoginAt ? `kirjautunut viimeksi ${formatInstantDay(a.lastLoginAt)}` : 'ei ole kirjautunut',
    `salasana vaihdettu ${formatInstantDay(a.passwordChangedAt)}`,
    a.totp ? 'kaksivaiheinen tunnistautuminen käytössä' : 'ei kaksivaiheista tunnistautumista',
  ].join('\t');
}

/** A base32 key as it is easiest to copy by hand: ABCD EFGH … */
function groupsOfFour(text: string): string {
  return text.match(/.{1,4}/g)?.join(' ') ?? text;
}

async function newPassword(io: StaffCommandIo, username: string): Promise<string> {
  let password: string;
  if (io.interactive) {
    password = await io.readPassword('Salasana: ');
    if ((await io.readPassword('Salasana uudelleen: ')) !== password) throw new StaffAccountError('Salasanat eivät täsmää.');
  } else {
    password = io.env.STAFF_PASSWORD ?? '';
    if (!password) throw new StaffAccountError('Anna salasana ympäristömuuttujassa STAFF_PASSWORD, kun komento ei ole päätteessä.');
  }
  const problem = passwordProblem(password, [username]);
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
