/**
 * The staff front page: the backups' health on top, then the request list: counts by status, filters, the open
 * requests by deadline pressure, unconfirmed apart.
 */
import type { Context } from 'hono';
import { html } from 'hono/html';
import type { BackupStatus } from '../../backup/shipper.ts';
import { daysLeft } from '../../requests/deadline.ts';
import { formatDay, formatInstantDay as day, formatMoment, statusNames, typeTitle } from '../../requests/messages.ts';
import { byPressure, deadlineOf, isOpen } from '../../requests/pressure.ts';
import { statuses, type RequestRecord, type Status } from '../../requests/record.ts';
import { requestTypes, type RequestType } from '../../requests/types.ts';
import type { Shell } from '../../shell/index.ts';
import { staffText } from '../messages.ts';
import { staffPage } from './frame.ts';

const t = staffText.list;

export type ListFilter = { status?: Status; type?: RequestType; reference?: string };

export function listPage(
  c: Context,
  shell: Shell,
  staff: string,
  requests: readonly RequestRecord[],
  filter: ListFilter,
  now: Date,
  backups: BackupStatus | undefined,
) {
  const confirmed = requests.filter((r) => r.status !== 'awaiting_confirmation');
  const unconfirmed = requests.filter((r) => r.status === 'awaiting_confirmation');
  const overdue = confirmed.filter((r) => isOpen(r) && daysLeft(deadlineOf(r) ?? '9999-12-31', now) < 0).length;
  const shown = byPressure(
    confirmed.filter(
      (r) =>
        (!filter.status || r.status === filter.status) &&
        (!filter.type || r.type === filter.type) &&
        (!filter.reference || r.reference.includes(filter.reference.toUpperCase())),
    ),
    now,
  );
  const count = (status: Status) => requests.filter((r) => r.status === status).length;
  const option = (value: string, label: string, selected: boolean) => html`<option value="${value}" ${selected ? 'selected' : ''}>${label}</option>`;

  const row = (r: RequestRecord) => {
    const due = deadlineOf(r);
    const left = due && isOpen(r) ? daysLeft(due, now) : undefined;
    return html`<tr class="${left !== undefined && left < 0 ? 'overdue' : ''}">
      <td><a href="/henkilosto/pyynnot/${r.reference}">${r.reference}</a></td>
      <td>${typeTitle(r.type)}</td>
      <td>${statusNames[r.status]}</td>
      <td>${day(r.confirmedAt)}</td>
      <td>${due ? formatDay(due) : ''}</td>
      <td>${left === undefined ? '' : html`<span class="${left < 0 ? 'late' : ''}">${staffText.days(left)}</span>`}</td>
    </tr>`;
  };

  return staffPage(c, shell, {
    title: t.title,
    staff,
    main: html`<h1>${t.title}</h1>
      ${backupSection(backups)}
      <h2>${t.counts}</h2>
      <ul class="counts">
        ${statuses.filter((s) => s !== 'awaiting_confirmation').map((s) => html`<li>${statusNames[s]}: <strong>${count(s)}</strong></li>`)}
        <li class="${overdue > 0 ? 'late' : ''}">${t.overdueCount}: <strong>${overdue}</strong></li>
        <li>${statusNames.awaiting_confirmation}: <strong>${unconfirmed.length}</strong></li>
      </ul>
      <form method="get" action="/henkilosto/" class="filters" aria-label="${t.filter}">
        <div class="field"><label for="tila">${t.status}</label>
          <select id="tila" name="tila">${option('', t.all, !filter.status)}${statuses
            .filter((s) => s !== 'awaiting_confirmation')
            .map((s) => option(s, statusNames[s], filter.status === s))}</select></div>
        <div class="field"><label for="tyyppi">${t.type}</label>
          <select id="tyyppi" name="tyyppi">${option('', t.all, !filter.type)}${requestTypes.map((type) => option(type, typeTitle(type), filter.type === type))}</select></div>
        <div class="field"><label for="viite">${t.reference}</label>
          <input id="viite" name="viite" value="${filter.reference ?? ''}" maxlength="20" placeholder="TS-2026-00042" /></div>
        <p><button type="submit">${t.apply}</button></p>
      </form>
      ${shown.length === 0
        ? html`<p>${t.none}</p>`
        : html`<table class="requests">
            <thead><tr><th scope="col">${t.reference}</th><th scope="col">${t.type}</th><th scope="col">${t.status}</th><th scope="col">${t.confirmed}</th><th scope="col">${t.deadline}</th><th scope="col">${t.left}</th></tr></thead>
            <tbody>${shown.map(row)}</tbody>
          </table>`}
      <p><a href="/henkilosto/pyynnot.csv">${t.export}</a></p>
      <h2>${t.unconfirmedTitle}</h2>
      <p>${t.unconfirmedNote}</p>
      ${unconfirmed.length === 0
        ? html`<p>${t.none}</p>`
        : html`<table>
            <thead><tr><th scope="col">${t.reference}</th><th scope="col">${t.type}</th><th scope="col">${t.sent}</th><th scope="col">${t.expires}</th></tr></thead>
            <tbody>${unconfirmed.map(
              (r) => html`<tr><td><a href="/henkilosto/pyynnot/${r.reference}">${r.reference}</a></td><td>${typeTitle(r.type)}</td><td>${day(r.createdAt)}</td><td>${day(r.confirmBy)}</td></tr>`,
            )}</tbody>
          </table>`}`,
  });
}

/** The backups' health; undefined when the server takes none. */
function backupSection(status: BackupStatus | undefined) {
  const b = staffText.backups;
  const file = (label: string, newest: { at: string; bytes: number } | undefined) =>
    html`<li>${label}: ${newest ? `${formatMoment(newest.at)} (${b.size(newest.bytes)})` : b.none}</li>`;
  const body = !status
    ? html`<p>${b.notSetUp}</p>`
    : html`<ul>
          ${file(b.full, status.newestFull)} ${file(b.journal, status.newestJournal)}
        </ul>
        ${status.failure ? html`<p class="error">${b.failing(formatMoment(status.failure.since), status.failure.reason, status.dir)}</p>` : ''}
        ${status.fullOverdue ? html`<p class="error">${status.newestFull ? b.fullOld : b.fullMissing}</p>` : ''}
        ${status.waiting > 0 ? html`<p>${b.waiting(status.waiting)}</p>` : ''}`;
  return html`<section class="backups" aria-labelledby="varmuuskopiot">
    <h2 id="varmuuskopiot">${b.title}</h2>
    ${body}
  </section>`;
}
