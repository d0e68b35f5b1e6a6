/**
 * The own-account page: the account's facts, a password change (asking the current password), the live
 * sessions with a way to end all but this one, and new recovery codes.
 */
import type { Context } from 'hono';
import { html } from 'hono/html';
import { formatInstantDay as day, formatMoment } from '../../requests/messages.ts';
import type { Shell } from '../../shell/index.ts';
import type { StaffAccount } from '../accounts.ts';
import { staffText } from '../messages.ts';
import { roleNames } from '../roles.ts';
import type { Session } from '../sessions.ts';
import { staffPage, type Viewer } from './frame.ts';

const t = staffText.account;

export type PageNotice = { kind: 'error' | 'done'; message: string };

/** The result of an action, which takes the focus so a keyboard or screen reader user meets it first. */
export function noticeOf(notice: PageNotice | undefined) {
  if (!notice) return '';
  return notice.kind === 'error'
    ? html`<p class="error" role="alert" id="tulos" tabindex="-1" autofocus>${notice.message}</p>`
    : html`<p class="done" role="status" id="tulos" tabindex="-1" autofocus>${notice.message}</p>`;
}

export function accountPage(
  c: Context,
  shell: Shell,
  viewer: Viewer,
  account: StaffAccount,
  live: { sessions: Session[]; current: string },
  notice?: PageNotice,
): Promise<Response> {
  const others = live.sessions.filter((s) => s.idHash !== live.current).length;
  const fact = (label: string, value: string) => html`<dt>${label}</dt><dd>${value}</dd>`;
  const password = (id: string, label: string, autocomplete: string) =>
    html`<div class="field"><label for="${id}">${label}</label><input type="password" id="${id}" name="${id}" autocomplete="${autocomplete}" maxlength="512" required /></div>`;
  return staffPage(
    c,
    shell,
    {
      title: t.title,
      staff: viewer,
      main: html`<h1>${t.title}</h1>
        ${noticeOf(notice)}
        <dl class="facts">
          ${fact(t.username, account.username)} ${fact(t.role, roleNames[account.role])} ${fact(t.created, day(account.createdAt))}
          ${fact(t.passwordChanged, day(account.passwordChangedAt))}
          ${fact(t.totp, account.totp ? t.totpSince(day(account.totp.enrolledAt)) : t.totpOff)}
          ${fact(t.recoveryLeft, String(account.recoveryCodes?.length ?? 0))}
        </dl>

        <h2 id="salasana">${t.passwordTitle}</h2>
        <p class="hint">${t.passwordHint}</p>
        <form method="post" action="/henkilosto/oma-tili" class="action" aria-labelledby="salasana" novalidate>
          <input type="hidden" name="action" value="password" />
          ${password('current', t.current, 'current-password')} ${password('next', t.next, 'new-password')} ${password('repeat', t.repeat, 'new-password')}
          <p><button type="submit">${t.passwordButton}</button></p>
        </form>

        <h2 id="istunnot">${t.sessionsTitle}</h2>
        <div class="table-scroll" role="region" aria-labelledby="istunnot" tabindex="0">
          <table>
            <thead><tr><th scope="col">${t.started}</th><th scope="col">${t.lastSeen}</th><th scope="col">${t.address}</th><th scope="col"><span class="visually-hidden">${t.which}</span></th></tr></thead>
            <tbody>${live.sessions.map(
              (s) => html`<tr><td>${formatMoment(s.createdAt)}</td><td>${formatMoment(s.lastSeenAt)}</td><td>${s.address ?? ''}</td><td>${s.idHash === live.current ? t.thisOne : ''}</td></tr>`,
            )}</tbody>
          </table>
        </div>
        ${others > 0
          ? html`<form method="post" action="/henkilosto/oma-tili" aria-labelledby="istunnot">
              <input type="hidden" name="action" value="end_others" />
              <p><button type="submit">${t.endOthers(others)}</button></p>
            </form>`
          : html`<p>${t.noOthers}</p>`}

        <h2 id="varakoodit">${t.recoveryTitle}</h2>
        <p>${t.recoveryHint}</p>
        <form method="post" action="/henkilosto/oma-tili" class="action" aria-labelledby="varakoodit" novalidate>
          <input type="hidden" name="action" value="recovery" />
          ${password('recovery-current', t.current, 'current-password')}
          <p><button type="submit">${t.recoveryButton}</button></p>
        </form>`,
    },
    notice?.kind === 'error' ? 422 : 200,
  );
}
