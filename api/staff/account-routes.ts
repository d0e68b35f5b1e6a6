/**
 * One's own account (/henkilosto/oma-tili: password, sessions, recovery codes) and the access review
 * (/henkilosto/kayttajat, admin only: roles, disabling, "tarkistettu"). Every change is an audit line.
 */
import { Hono, type Context } from 'hono';
import type { AuditLog } from '../audit/index.ts';
import { bodies, readBody } from '../body/index.ts';
import type { Shell } from '../shell/index.ts';
import type { Store } from '../store/store.ts';
import { roleAuditAction, type StaffAccounts } from './accounts.ts';
import { setSessionCookie, type StaffEnv } from './auth.ts';
import { BusyError, type HashQueue } from './hash-queue.ts';
import { staffText } from './messages.ts';
import { accountPage, type PageNotice } from './pages/account.ts';
import { recoveryCodesPage } from './pages/enrol.ts';
import { usersPage } from './pages/users.ts';
import { hashPassword, isTooLong, passwordProblem, verifyPassword } from './password.ts';
import { isRole, roleNames } from './roles.ts';
import { endOtherSessions, hash, sessions, sessionsOf, startSession } from './sessions.ts';
import { hashRecoveryCode, newRecoveryCodes } from './totp.ts';

export type AccountRoutesOptions = {
  store: Store;
  accounts: StaffAccounts;
  audit: AuditLog;
  shell: Shell;
  now: () => Date;
  address: (c: Context) => string;
  hashes: HashQueue;
};

const a = staffText.account;
const u = staffText.users;

export function accountRoutes({ store, accounts, audit, shell, now, address, hashes }: AccountRoutesOptions): Hono<StaffEnv> {
  const app = new Hono<StaffEnv>();
  const viewer = (c: Context<StaffEnv>) => ({ username: c.get('staff'), role: c.get('role') });
  const log = (c: Context<StaffEnv>, action: string, id?: string) =>
    audit.append({ actor: c.get('staff'), action, ...(id === undefined ? {} : { id }), address: address(c) }, now());

  const ownPage = async (c: Context<StaffEnv>, notice?: PageNotice) => {
    const account = await accounts.find(c.get('staff'));
    if (!account) return c.notFound();
    const live = { sessions: sessionsOf(store.view(sessions), account.username, now()), current: hash(c.get('sessionId')) };
    return accountPage(c, shell, viewer(c), account, live, notice);
  };

  /** The current password, checked in the line of hashes; 'busy' when the line is full. */
  const currentMatches = async (username: string, password: string): Promise<boolean | 'busy'> => {
    const account = await accounts.find(username);
    if (!account || isTooLong(password)) return false;
    try {
      return await hashes.run(() => verifyPassword(password, account.passwordHash));
    } catch (error) {
      if (error instanceof BusyError) return 'busy';
      throw error;
    }
  };

  app.get('/henkilosto/oma-tili', async (c) => {
    if (c.req.query('varakoodi') === undefined) return ownPage(c);
    const left = (await accounts.find(c.get('staff')))?.recoveryCodes?.length ?? 0;
    return ownPage(c, { kind: 'done', message: a.recoveryUsed(left) });
  });

  app.post('/henkilosto/oma-tili', async (c) => {
    const { fields: form } = await readBody(c, bodies.staffAccount);
    const field = (name: string) => (typeof form[name] === 'string' ? (form[name] as string) : '');
    const username = c.get('staff');
    const action = field('action');
    if (action === 'end_others') {
      const ended = await store.update((tx) => endOtherSessions(tx, username, c.get('sessionId')));
      await log(c, 'sessions_end', String(ended));
      return ownPage(c, { kind: 'done', message: a.endedOthers(ended) });
    }
    if (action === 'password') {
      const matches = await currentMatches(username, field('current'));
      if (matches === 'busy') return ownPage(c, { kind: 'error', message: staffText.login.busy });
      if (!matches) {
        await log(c, 'password_change_failed');
        return ownPage(c, { kind: 'error', message: a.wrongCurrent });
      }
      const problem = passwordProblem(field('next'), [username]);
      if (problem) return ownPage(c, { kind: 'error', message: problem });
      if (field('next') !== field('repeat')) return ownPage(c, { kind: 'error', message: a.mismatch });
      const time = now();
      await accounts.setPassword(username, await hashPassword(field('next')), time);
      // The change ends every session of the account (auth.ts); this one goes on in a new session.
      const id = await store.update((tx) => {
        endOtherSessions(tx, username, undefined);
        return startSession(tx, username, time, address(c));
      });
      setSessionCookie(c, id);
      c.set('sessionId', id);
      await log(c, 'password_change');
      return ownPage(c, { kind: 'done', message: a.passwordChangedDone });
    }
    if (action === 'recovery') {
      const matches = await currentMatches(username, field('recovery-current'));
      if (matches === 'busy') return ownPage(c, { kind: 'error', message: staffText.login.busy });
      if (!matches) return ownPage(c, { kind: 'error', message: a.wrongCurrent });
      const codes = newRecoveryCodes();
      await accounts.setRecoveryCodes(username, codes.map(hashRecoveryCode));
      await log(c, 'recovery_codes');
      return recoveryCodesPage(c, shell, viewer(c), codes, a.recoveryTitle);
    }
    return ownPage(c);
  });

  const review = async (c: Context<StaffEnv>, notice?: PageNotice) => usersPage(c, shell, viewer(c), await accounts.all(), await accounts.reviewedAt(), notice);

  app.get('/henkilosto/kayttajat', (c) => review(c));

  app.post('/henkilosto/kayttajat', async (c) => {
    const { fields: form } = await readBody(c, bodies.staffLogIn);
    const field = (name: string) => (typeof form[name] === 'string' ? (form[name] as string) : '');
    const action = field('action');
    if (action === 'review') {
      await accounts.recordReview(now());
      await log(c, 'access_review', String((await accounts.all()).length));
      return review(c, { kind: 'done', message: u.reviewed });
    }
    const username = field('username');
    const account = await accounts.find(username);
    if (!account) return review(c, { kind: 'error', message: u.unknownUser });
    // An admin cannot lock themselves out, so there is always an admin left.
    if (username === c.get('staff') && (action === 'disable' || (action === 'role' && field('role') !== 'admin'))) {
      return review(c, { kind: 'error', message: u.notSelf });
    }
    if (action === 'role') {
      const role = field('role');
      if (!isRole(role)) return review(c, { kind: 'error', message: u.unknownRole });
      await accounts.setRole(username, role);
      await log(c, roleAuditAction(role), username);
      return review(c, { kind: 'done', message: u.roleChanged(username, roleNames[role].toLowerCase()) });
    }
    if (action === 'disable') {
      await accounts.disable(username, now());
      await store.update((tx) => endOtherSessions(tx, username, undefined));
      await log(c, 'staff_disable', username);
      return review(c, { kind: 'done', message: u.disabledDone(username) });
    }
    if (action === 'enable') {
      await accounts.enable(username);
      await log(c, 'staff_enable', username);
      return review(c, { kind: 'done', message: u.enabledDone(username) });
    }
    return review(c);
  });

  return app;
}

