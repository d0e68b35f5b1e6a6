/** The audit log, newest first, filtered by who and what. */
import type { Context } from 'hono';
import { html } from 'hono/html';
import type { AuditEntry } from '../../audit/index.ts';
import { formatMoment } from '../../requests/messages.ts';
import type { Shell } from '../../shell/index.ts';
import { staffText } from '../messages.ts';
import { staffPage } from './frame.ts';

const t = staffText.audit;

export function auditPage(c: Context, shell: Shell, staff: string, entries: readonly AuditEntry[], filter: { actor?: string; action?: string }) {
  return staffPage(c, shell, {
    title: t.title,
    staff,
    main: html`<h1>${t.title}</h1>
      <p>${t.note}</p>
      <form method="get" action="/henkilosto/loki" class="filters">
        <div class="field"><label for="tekija">${t.actor}</label><input id="tekija" name="tekija" value="${filter.actor ?? ''}" maxlength="64" /></div>
        <div class="field"><label for="tapahtuma">${t.action}</label><input id="tapahtuma" name="tapahtuma" value="${filter.action ?? ''}" maxlength="64" /></div>
        <p><button type="submit">${t.apply}</button></p>
      </form>
      ${entries.length === 0
        ? html`<p>${t.none}</p>`
        : html`<table>
            <thead><tr><th scope="col">${t.at}</th><th scope="col">${t.actor}</th><th scope="col">${t.action}</th><th scope="col">${t.id}</th></tr></thead>
            <tbody>${entries.map(
              (e) => html`<tr><td>${formatMoment(e.at)}</td><td>${e.actor}</td><td>${e.action}</td><td>${e.id ?? ''}${e.counts ? counts(e.counts) : ''}</td></tr>`,
            )}</tbody>
          </table>`}`,
  });
}

/** "pseudonymisoitu 3, vanhentuneita poistettu 1, jonosta poistettuja viestejä 0" */
function counts(values: Record<string, number>): string {
  return Object.entries(values)
    .map(([key, n]) => `${t.counts[key] ?? key} ${n}`)
    .join(', ');
}
