/**
 * Logging in to the staff area: username, password and the second factor's code (TOTP, RFC 6238, or a one-time
 * recovery code) in one form; an account without a second factor is led to take one into use first.
 *
 * Back-off that cannot be turned against staff (backoff.ts): failures count against the pair (account, address)
 * and, for names that are no account, against the address alone, so made-up names lock no real account and
 * one address never locks another's. Failures also count against the account's name from every address; while
 * that lock lasts, only a correct password with a correct code gets in, so a guesser learns nothing from a
 * password alone. Every refusal is an audit line with its reason and address, and every lock is one too.
 */
import { createHash, randomBytes } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { Hono, type Context, type MiddlewareHandler } from 'hono';
import { deleteCookie, getCookie, setCookie } from 'hono/cookie';
import type { AuditLog, RefusalReason } from '../audit/index.ts';
import { bodies, readBody } from '../body/index.ts';
import { rateLimit } from '../rate-limit/index.ts';
import type { Shell } from '../shell/index.ts';
import type { Store } from '../store/store.ts';
import type { StaffAccount, StaffAccounts } from './accounts.ts';
import { clearSessionCookie, enrolPath, loginPath, sessionCookie, setSessionCookie, type RefusalLog, type StaffEnv } from './auth.ts';
import { Backoff } from './backoff.ts';
import { BusyError, HashQueue } from './hash-queue.ts';
import { staffText } from './messages.ts';
import { enrolPage, recoveryCodesPage } from './pages/enrol.ts';
import { loginPage, type LoginNotice } from './pages/login.ts';
import { hashPassword, isTooLong, verifyPassword } from './password.ts';
import { endSession, startSession } from './sessions.ts';
import { hashRecoveryCode, isRecoveryCodeShape, matchCode, newRecoveryCodes, newSecret, qrSvg, totpUri } from './totp.ts';

export type LoginOptions = {
  store: Store;
  accounts: StaffAccounts;
  audit: AuditLog;
  refusals: RefusalLog;
  shell: Shell;
  now: () => Date;
  address: (c: Context) => string;
  hashes: HashQueue;
  refusalDelayMs: number;
};

/** How long a started enrolment waits for its first code, and how many wrong codes it takes. */
const enrolMs = 10 * 60_000;
const enrolTries = 5;
/** Enrolments start only after a correct password, so few are ever pending; this bounds them anyway. */
const maxEnrolments = 100;
const enrolCookie = '__Host-kayttoonotto';

type Enrolment = { username: string; secret: string; expiresAt: number; tries: number };

export function loginRoutes(options: LoginOptions): Hono<StaffEnv> {
  const { store, accounts, audit, refusals, shell, now, address, hashes, refusalDelayMs } = options;
  const app = new Hono<StaffEnv>();
  const backoff = new Backoff();
  const enrolments = new Map<string, Enrolment>();
  // Unknown names are checked against this, so they cost as much time as a wrong password.
  let decoy: Promise<string> | undefined;

  // Only a flood reaches 30 tries a minute from one address (an office shares one): it is never a lock-out.
  // A refused try is answered a second late, which costs the server nothing meanwhile.
  const perAddress = rateLimit({ limit: 30, windowMs: 60_000, key: address, now: () => now().getTime() });
  const floodGuard: MiddlewareHandler = async (c, next) => {
    try {
      await perAddress(c, async () => undefined);
    } catch (error) {
      await sleep(refusalDelayMs);
      throw error;
    }
    await next();
  };
  const busy = async (c: Context, retryAfterSeconds: number) => {
    await sleep(refusalDelayMs);
    c.header('Retry-After', String(retryAfterSeconds));
    return loginPage(c, shell, 'busy');
  };
  // A full line of hashes answers at once, before the body is read or the accounts looked at.
  const notWhenBusy: MiddlewareHandler = async (c, next) => (hashes.full ? busy(c, hashes.retryAfterSeconds) : next());

  /** Counts a failure; a key this locks is an audit line of its own. */
  const fail = async (keys: string[], actor: string, from: string) => {
    for (const key of backoff.fail(keys, now().getTime())) {
      const kind = key.startsWith('pair:') ? 'tunnus ja osoite' : key.startsWith('user:') ? 'tunnus' : 'osoite';
      await audit.append({ actor, action: 'login_lock', id: kind, address: from }, now());
    }
  };
  const refuse = async (c: Context, actor: string, reason: RefusalReason, from: string, notice: LoginNotice = 'failed', username = '') => {
    await refusals({ actor, action: 'login_failed', reason, address: from });
    return loginPage(c, shell, notice, username);
  };

  app.get(loginPath, (c) => {
    const notice = c.req.query('ulos') !== undefined ? 'loggedOut' : c.req.query('istunto') !== undefined ? 'expired' : undefined;
    return loginPage(c, shell, notice);
  });

  app.post(loginPath, floodGuard, notWhenBusy, async (c) => {
    const { fields: form } = await readBody(c, bodies.staffLogIn);
    const username = typeof form.username === 'string' ? form.username.trim().toLowerCase().slice(0, 64) : '';
    const password = typeof form.password === 'string' ? form.password : '';
    const code = typeof form.code === 'string' ? form.code.trim().slice(0, 40) : '';
    const from = address(c);
    const time = now().getTime();
    const account = await accounts.find(username);
    if (!account) {
      // Only a name that is an account goes into the log: a mistyped password in the name field must not.
      const keys = [`unknown:${from}`];
      if (backoff.waitMs(keys, time) > 0) return refuse(c, '(tuntematon)', 'locked', from);
      const matched = await check(password, undefined);
      if (matched === 'busy') return busy(c, hashes.retryAfterSeconds);
      await fail(keys, '(tuntematon)', from);
      return refuse(c, '(tuntematon)', 'unknown_user', from);
    }
    const name = account.username;
    const pair = `pair:${name}|${from}`;
    const user = `user:${name}`;
    // A try during its pair's lock is refused unheard, before any hashing: it neither counts nor extends it.
    if (backoff.waitMs([pair], time) > 0) return refuse(c, name, 'locked', from);
    const nameLocked = backoff.waitMs([user], time) > 0;
    const matched = await check(password, account);
    if (matched === 'busy') return busy(c, hashes.retryAfterSeconds);
    if (!matched) {
      await fail([pair, user], name, from);
      return refuse(c, name, 'wrong_password', from);
    }
    if (account.disabled) return refuse(c, name, 'disabled', from);
    if (!account.role) return refuse(c, name, 'forbidden', from);
    if (!account.totp) {
      // Taking the second factor into use rests on the password alone: not while the name is being guessed.
      if (nameLocked) return refuse(c, name, 'locked', from);
      return startEnrolment(c, account);
    }
    if (!code) {
      if (nameLocked) return refuse(c, name, 'locked', from);
      await fail([pair, user], name, from);
      return refuse(c, name, 'missing_code', from, 'missingCode', name);
    }
    const second = await secondFactor(account, code);
    if (!second) {
      await fail([pair, user], name, from);
      return refuse(c, name, nameLocked ? 'locked' : 'wrong_code', from);
    }
    backoff.succeed(pair);
    await logIn(c, name, from, second === 'recovery' ? 'recovery' : undefined);
    if (second === 'recovery') return c.redirect('/henkilosto/oma-tili?varakoodi', 303);
    return c.redirect('/henkilosto/', 303);
  });

  /** The password checked in the line of hashes; an unknown name against the decoy. */
  async function check(password: string, account: StaffAccount | undefined): Promise<boolean | 'busy'> {
    // Longer than any password can be: refused without hashing (and never cut short to fit).
    if (isTooLong(password)) return false;
    decoy ??= hashPassword('tietosuoja: no such account');
    const hash = account?.passwordHash ?? (await decoy);
    try {
      return (await hashes.run(() => verifyPassword(password, hash))) && account !== undefined;
    } catch (error) {
      if (error instanceof BusyError) return 'busy';
      throw error;
    }
  }

  /** A TOTP code (each accepted once) or a recovery code (each usable once). */
  async function secondFactor(account: StaffAccount, code: string): Promise<'totp' | 'recovery' | undefined> {
    const secret = account.totp?.secret;
    if (!secret) return undefined;
    const step = matchCode(secret, code, now());
    if (step !== undefined) return (await accounts.acceptStep(account.username, step)) ? 'totp' : undefined;
    if (isRecoveryCodeShape(code) && (await accounts.useRecoveryCode(account.username, hashRecoveryCode(code)))) return 'recovery';
    return undefined;
  }

  async function logIn(c: Context, username: string, from: string, how?: 'recovery' | 'enrolment') {
    const previous = getCookie(c, sessionCookie);
    const time = now();
    const id = await store.update((tx) => {
      if (previous) endSession(tx, previous);
      return startSession(tx, username, time, from);
    });
    await accounts.recordLogin(username, time);
    setSessionCookie(c, id);
    await audit.append({ actor: username, action: how === 'recovery' ? 'login_recovery_code' : 'login', address: from }, time);
  }

  async function startEnrolment(c: Context, account: StaffAccount) {
    const time = now().getTime();
    for (const [key, e] of enrolments) if (e.expiresAt <= time || e.username === account.username) enrolments.delete(key);
    while (enrolments.size >= maxEnrolments) enrolments.delete(enrolments.keys().next().value ?? '');
    const token = randomBytes(32).toString('base64url');
    const enrolment = { username: account.username, secret: newSecret(), expiresAt: time + enrolMs, tries: 0 };
    enrolments.set(tokenHash(token), enrolment);
    setCookie(c, enrolCookie, token, { httpOnly: true, secure: true, sameSite: 'Strict', path: '/', maxAge: enrolMs / 1000 });
    return showEnrolment(c, enrolment);
  }

  async function showEnrolment(c: Context, enrolment: Enrolment, error?: string) {
    const svg = await qrSvg(totpUri(enrolment.username, enrolment.secret), staffText.enrol.qrLabel);
    return enrolPage(c, shell, { username: enrolment.username, secret: enrolment.secret, svg, ...(error ? { error } : {}) });
  }

  const pending = (c: Context) => {
    const token = getCookie(c, enrolCookie);
    const enrolment = token ? enrolments.get(tokenHash(token)) : undefined;
    if (!token || !enrolment) return undefined;
    if (enrolment.expiresAt > now().getTime()) return { token, enrolment };
    enrolments.delete(tokenHash(token));
    return undefined;
  };
  const restart = (c: Context) => {
    deleteCookie(c, enrolCookie, { httpOnly: true, secure: true, sameSite: 'Strict', path: '/' });
    return loginPage(c, shell, 'enrolExpired');
  };

  app.get(enrolPath, (c) => {
    const found = pending(c);
    return found ? showEnrolment(c, found.enrolment) : restart(c);
  });

  app.post(enrolPath, floodGuard, async (c) => {
    const { fields: form } = await readBody(c, bodies.staffLogIn);
    const found = pending(c);
    if (!found) return restart(c);
    const { token, enrolment } = found;
    const account = await accounts.find(enrolment.username);
    if (!account || account.disabled || account.totp) {
      enrolments.delete(tokenHash(token));
      return restart(c);
    }
    const from = address(c);
    const code = typeof form.code === 'string' ? form.code.trim().slice(0, 40) : '';
    const step = matchCode(enrolment.secret, code, now());
    if (step === undefined) {
      enrolment.tries += 1;
      await refusals({ actor: account.username, action: 'totp_enrol_failed', reason: code ? 'wrong_code' : 'missing_code', address: from });
      if (enrolment.tries >= enrolTries) {
        enrolments.delete(tokenHash(token));
        return restart(c);
      }
      return showEnrolment(c, enrolment, staffText.enrol.wrongCode);
    }
    enrolments.delete(tokenHash(token));
    deleteCookie(c, enrolCookie, { httpOnly: true, secure: true, sameSite: 'Strict', path: '/' });
    const codes = newRecoveryCodes();
    const time = now();
    await accounts.enrolTotp(account.username, enrolment.secret, time, codes.map(hashRecoveryCode));
    // The code that proved the enrolment is used: it cannot log in a second time.
    await accounts.acceptStep(account.username, step);
    await audit.append({ actor: account.username, action: 'totp_enrol', address: from }, time);
    await logIn(c, account.username, from, 'enrolment');
    return recoveryCodesPage(c, shell, { username: account.username, role: account.role }, codes, staffText.enrol.codesTitle);
  });

  app.post('/henkilosto/ulos', async (c) => {
    const id = c.get('sessionId');
    await store.update((tx) => endSession(tx, id));
    clearSessionCookie(c);
    await audit.append({ actor: c.get('staff'), action: 'logout', address: address(c) }, now());
    return c.redirect(`${loginPath}?ulos`, 303);
  });

  return app;
}

const tokenHash = (token: string) => createHash('sha256').update(token).digest('base64url');
