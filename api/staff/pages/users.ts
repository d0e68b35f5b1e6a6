/**
 * The access review (admin only): every account with its role, dates and second factor; the admin changes a
 * role, disables or enables an account, and records that the review was done.
 */
import type { Context } from 'hono';
import { html } from 'hono/html';
import { formatInstantDay as day } from '../../requests/messages.ts';
import type { Shell } from '../../shell/index.ts';
import type { StaffAccount } from '../accounts.ts';
import { staffText } from '../messages.ts';
import { roleNames, roles } from '../roles.ts';
import { noticeOf, type PageNotice } from './account.ts';
import { staffPage, type Viewer } from './frame.ts';

const t = staffText.users;

export function usersPage(
  c: Context,
  shell: Shell,
  viewer: Viewer,
  accounts: readonly StaffAccount[],
  reviewedAt: string | undefined,
  notice?: PageNotice,
): Promise<Response> {
  const sorted = [...accounts].sort((a, b) => Number(a.disabled) - Number(b.disabled) || a.username.localeCompare(b.username));
  const row = (a: StaffAccount, i: number) => {
    const id = `kayttaja-${i}`;
    return html`<tr>
      <th scope="row" id="${id}">${a.username}</th>
      <td>${roleNames[a.role] ?? '–'}</td>
      <td>${a.disabled ? t.disabled : t.active}</td>
      <td>${day(a.createdAt)}</td>
      <td>${a.lastLoginAt ? day(a.lastLoginAt) : t.never}</td>
      <td>${day(a.passwordChangedAt)}</td>
      <td>${a.totp ? t.totpOn : t.totpOff}</td>
      <td>
        <form method="post" action="/henkilosto/kayttajat" class="inline">
          <input type="hidden" name="action" value="role" /><input type="hidden" name="username" value="${a.username}" />
          <label for="${id}-rooli" class="visually-hidden">${t.roleOf(a.username)}</label>
          <select id="${id}-rooli" name="role">${roles.map((r) => html`<option value="${r}" ${a.role === r ? 'selected' : ''}>${roleNames[r]}</option>`)}</select>
          <button type="submit" aria-describedby="${id}">${t.changeRole}</button>
        </form>
        <form method="post" action="/henkilosto/kayttajat" class="inline">
          <input type="hidden" name="action" value="${a.disabled ? 'enable' : 'disable'}" /><input type="hidden" name="username" value="${a.username}" />
          <button type="submit" aria-describedby="${id}">${a.disabled ? t.enable : t.disable}</button>
        </form>
      </td>
    </tr>`;
  };
  return staffPage(
    c,
    shell,
    {
      title: t.title,
      staff: viewer,
      main: html`<h1>${t.title}</h1>
        ${noticeOf(notice)}
        <p>${t.intro}</p>
        <div class="table-scroll" role="region" aria-label="${t.title}" tabindex="0">
          <table class="users">
            <thead><tr>
              <th scope="col">${t.username}</th><th scope="col">${t.role}</th><th scope="col">${t.state}</th><th scope="col">${t.created}</th>
              <th scope="col">${t.lastLogin}</th><th scope="col">${t.passwordChanged}</th><th scope="col">${t.totp}</th><th scope="col">${t.actions}</th>
            </tr></thead>
            <tbody>${sorted.map(row)}</tbody>
          </table>
        </div>
        <h2 id="tarkistus">${t.reviewTitle}</h2>
        <p>${reviewedAt ? t.reviewedAt(day(reviewedAt)) : t.neverReviewed}</p>
        <form method="post" action="/henkilosto/kayttajat" aria-labelledby="tarkistus">
          <input type="hidden" name="action" value="review" />
          <p><button type="submit">${t.reviewButton}</button></p>
        </form>`,
    },
    notice?.kind === 'error' ? 422 : 200,
  );
}
