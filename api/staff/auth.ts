/**
 * Every staff page and export requires a live session of an account that is still in use, whose password has
 * not changed since the log-in, and whose role may use the route (roles.ts). Default deny: the check runs for
 * the whole /henkilosto area except the log-in pages. Without a session a browser is sent to the log-in page
 * and anything else gets 401; a role that may not use the route gets 403 with a Finnish page. Both refusals
 * are audit lines.
 */
import type { Context, MiddlewareHandler } from 'hono';
import { html } from 'hono/html';
import { deleteCookie, getCookie, setCookie } from 'hono/cookie';
import type { RefusalReason } from '../audit/index.ts';
import type { Shell } from '../shell/index.ts';
import type { Store } from '../store/store.ts';
import type { StaffAccounts } from './accounts.ts';
import { staffText } from './messages.ts';
import { staffPage } from './pages/frame.ts';
import { isKnown, isRole, mayUse, type Role } from './roles.ts';
import { findSession, needsTouch, sessions, touchSession } from './sessions.ts';

export const loginPath = '/henkilosto/kirjaudu';
export const enrolPath = `${loginPath}/kayttoonotto`;
export const sessionCookie = '__Host-istunto';

export type StaffEnv = { Variables: { staff: string; role: Role; sessionId: string } };

/** A refusal for the audit log, written within its bounds (api/audit/bounded.ts). */
export type RefusalLog = (entry: { actor: string; action: string; id?: string; reason: RefusalReason; address: string }) => Promise<void>;

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

export type RequireStaffOptions = {
  store: Store;
  accounts: StaffAccounts;
  shell: Shell;
  now: () => Date;
  refusals: RefusalLog;
  address: (c: Context) => string;
};

export function requireStaff({ store, accounts, shell, now, refusals, address }: RequireStaffOptions): MiddlewareHandler<StaffEnv> {
  return async (c, next) => {
    c.header('Cache-Control', 'no-store');
    if (c.req.path === loginPath || c.req.path === enrolPath) return next();
    const time = now();
    const live = await staffSession(c, store, accounts, time);
    const browser = (c.req.header('accept') ?? '').includes('text/html');
    // The path only, never the query: a search there may hold an address.
    const where = c.req.path.slice(0, 200);
    if (!live) {
      const hadCookie = getCookie(c, sessionCookie) !== undefined;
      if (hadCookie) clearSessionCookie(c);
      await refusals({ actor: '(ei istuntoa)', action: 'refused', id: `${c.req.method} ${where}`, reason: 'no_session', address: address(c) });
      // Only a session that was there can have ended: a first visit is just asked to log in.
      if (browser) return c.redirect(hadCookie ? `${loginPath}?istunto=paattynyt` : loginPath, 303);
      return c.json({ error: 'Kirjaudu sisään.' }, 401);
    }
    const { id, session, account } = live;
    // No rule, no page: nothing runs, and a mistyped address is "not found", not "forbidden".
    if (!isKnown(c.req.method, c.req.path)) return c.notFound();
    if (!isRole(account.role) || !mayUse(account.role, c.req.method, c.req.path)) {
      await refusals({ actor: account.username, action: 'forbidden', id: `${c.req.method} ${where}`, reason: 'forbidden', address: address(c) });
      if (!browser || !isRole(account.role)) return c.json({ error: staffText.forbidden.text }, 403);
      const t = staffText.forbidden;
      return staffPage(
        c,
        shell,
        {
          title: t.title,
          staff: { username: account.username, role: account.role },
          main: html`<h1>${t.title}</h1>
            <p class="error" role="alert" tabindex="-1" autofocus>${t.text}</p>
            <p><a href="/henkilosto/">${t.back}</a></p>`,
        },
        403,
      );
    }
    if (needsTouch(session, time)) await store.update((tx) => touchSession(tx, id, time));
    c.set('staff', account.username);
    c.set('role', account.role);
    c.set('sessionId', id);
    await next();
  };
}
