/** The marketing bans in force, with the CSV for the marketing tools. */
import type { Context } from 'hono';
import { html } from 'hono/html';
import { formatInstantDay } from '../../requests/messages.ts';
import type { Shell } from '../../shell/index.ts';
import type { MarketingBan } from '../../requests/collections.ts';
import { staffText } from '../messages.ts';
import { staffPage } from './frame.ts';

const t = staffText.bans;

export function bansPage(c: Context, shell: Shell, staff: string, bans: readonly MarketingBan[]) {
  const sorted = [...bans].sort((a, b) => b.createdAt.localeCompare(a.createdAt));
  return staffPage(c, shell, {
    title: t.title,
    staff,
    main: html`<h1>${t.title}</h1>
      <p><a href="/henkilosto/markkinointikiellot.csv">${t.export}</a></p>
      ${sorted.length === 0
        ? html`<p>${t.none}</p>`
        : html`<table>
            <thead><tr><th scope="col">${t.email}</th><th scope="col">${t.since}</th></tr></thead>
            <tbody>${sorted.map((ban) => html`<tr><td>${ban.email}</td><td>${formatInstantDay(ban.createdAt)}</td></tr>`)}</tbody>
          </table>`}`,
  });
}
