/**
 * The audit log, newest first and 50 a page (`sivu`), filtered by who (`tekija`) and what (`tapahtuma`); at the
 * top, whether the log's hash chain holds, so an edited, removed or moved line is seen on the page it is read on.
 */
import type { Context } from 'hono';
import { html } from 'hono/html';
import { reasonNames, type AuditEntry, type ChainCheck } from '../../audit/index.ts';
import { formatMoment } from '../../requests/messages.ts';
import type { Shell } from '../../shell/index.ts';
import { staffText } from '../messages.ts';
import { staffPage, type Viewer } from './frame.ts';
import { pager, type Page } from './paging.ts';

const t = staffText.audit;
const path = '/henkilosto/loki';

export function auditPage(
  c: Context,
  shell: Shell,
  viewer: Viewer,
  result: { entries: AuditEntry[]; total: number },
  page: Page,
  filter: { actor?: string; action?: string },
  chain: ChainCheck,
) {
  return staffPage(c, shell, {
    title: t.title,
    staff: viewer,
    main: html`<h1>${t.title}</h1>
      ${chain.ok
        ? html`<p role="status">${t.chainOk(chain.lines)}${chain.torn ? ` ${t.chainTorn(chain.torn)}` : ''}</p>`
        : html`<p class="error">${t.chainBroken(chain.message)}</p>`}
      <p>${t.note}</p>
      <form method="get" action="${path}" class="filters">
        <div class="field"><label for="tekija">${t.actor}</label><input id="tekija" name="tekija" value="${filter.actor ?? ''}" maxlength="64" /></div>
        <div class="field"><label for="tapahtuma">${t.action}</label><input id="tapahtuma" name="tapahtuma" value="${filter.action ?? ''}" maxlength="64" /></div>
        <p><button type="submit">${t.apply}</button></p>
      </form>
      ${page.note ? html`<p role="status">${page.note}</p>` : ''}
      ${result.entries.length === 0
        ? html`<p>${t.none}</p>`
        : html`<div class="table-scroll" role="region" aria-label="${t.table}" tabindex="0">
              <table>
                <thead>
                  <tr>
                    <th scope="col">${t.at}</th><th scope="col">${t.actor}</th><th scope="col">${t.action}</th><th scope="col">${t.id}</th>
                    <th scope="col">${t.address}</th><th scope="col">${t.reason}</th>
                  </tr>
                </thead>
                <tbody>${result.entries.map(row)}</tbody>
              </table>
            </div>
            ${pager(path, { tekija: filter.actor, tapahtuma: filter.action }, page, t.pages)}`}`,
  });
}

function row(e: AuditEntry) {
  const target = [e.id, e.counts && counts(e.counts)].filter(Boolean).join(' · ');
  return html`<tr>
    <td>${formatMoment(e.at)}</td><td>${e.actor}</td><td>${e.action}</td><td>${target}</td><td>${e.address ?? ''}</td><td>${e.reason ? reasonNames[e.reason] : ''}</td>
  </tr>`;
}

/** "pseudonymisoitu 3, vanhentuneita poistettu 1, jonosta poistettuja viestejä 0" */
function counts(values: Record<string, number>): string {
  return Object.entries(values)
    .map(([key, n]) => `${t.counts[key] ?? key} ${n}`)
    .join(', ');
}
