/**
 * Every staff page and export requires a live session of an account that is still in use and whose password
 * has not changed since the log-in. Without one, a browser is sent to the log-in page and anything else gets
 * 401. Default deny: the check runs for the whole /henkilosto area except the log-in page itself.
 */
import type { Context, MiddlewareHandler } from 'hono';
import { deleteCookie, getCookie, setCookie } from 'hono/cookie';
import type { Store } from '../store/store.ts';
import type { StaffAccounts } from './accounts.ts';
import { findSession, needsTouch, sessions, touchSession } from './sessions.ts';

export const loginPath = '/henkilosto/kirjaudu';
export const sessionCookie = '__Host-istunto';

export type StaffEnv = { Variables: { staff: string; sessionId: string } };

export function setSessionCookie(c: Context, id: string): void {
  setCookie(c, sessionCookie, id, { httpOnly: true, secure: true, sameSite: 'Strict', path: '/' });
}

export function clearSessionCookie(c: Context): void {
  deleteCookie(c, sessionCookie, { httpOnly: true, secure: true, sameSite: 'Strict', path: '/' });
}

/** The request's live staff session and its account, if it has one; reads only. */
export async function staffSession(c: Context, store: Pick<Store, 'view'>, accounts: Pick<StaffAccounts, 'find'>, time: Date) {
  const id = getCookie(c, sessionCookie);
  const session = id ? findSession(store.view(sessions), id, time) : undefined;
  const account = session ? await accounts.find(session.username) : undefined;
  if (!id || !session || !account || account.disabled || account.passwordChangedAt > session.createdAt) return undefined;
  return { id, session, account };
}

export function requireStaff({ store, accounts, now }: { store: Store; accounts: StaffAccounts; now: () => Date }): MiddlewareHandler<StaffEnv> {
  return async (c, next) => {
    c.header('Cache-Control', 'no-store');
    if (c.req.path === loginPath) return next();
    const time = now();
    const live = await staffSession(c, store, accounts, time);
    if (!live) {
      if (getCookie(c, sessionCookie)) clearSessionCookie(c);
      const browser = (c.req.header('accept') ?? '').includes('text/html');
      return browser ? c.redirect(`${loginPath}?istunto=paattynyt`, 303) : c.json({ error: 'Kirjaudu sisään.' }, 401);
    }
    const { id, session, account } = live;
    if (needsTouch(session, time)) await store.update((tx) => touchSession(tx, id, time));
    c.set('staff', account.username);
    c.set('sessionId', id);
    await next();
  };
}
