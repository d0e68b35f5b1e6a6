/**
 * The staff front page: notices and the backups' health on top, then the request list: counts by status, the
 * filters, search and order (`tila`, `tyyppi`, `haku`, `jarjestys`), one page of 50 requests (`sivu`), and the
 * unconfirmed requests apart. It reads the store's indexes and sorts one array of the requests shown, so it
 * stays small and quick with tens of thousands of requests.
 */
import type { Context } from 'hono';
import { html } from 'hono/html';
import type { HtmlEscapedString } from 'hono/utils/html';
import type { BackupStatus } from '../../backup/shipper.ts';
import type { Requests } from '../../requests/collections.ts';
import { daysLeft, finnishDate } from '../../requests/deadline.ts';
import { formatDay, formatInstantDay as day, formatMoment, statusNames, typeTitle } from '../../requests/messages.ts';
import { deadlineOf, isOpen } from '../../requests/pressure.ts';
import { statuses, type RequestRecord, type Status } from '../../requests/record.ts';
import { isRequestType, requestTypes, type RequestType } from '../../requests/types.ts';
import type { Shell } from '../../shell/index.ts';
import { staffText } from '../messages.ts';
import { staffPage, type Viewer } from './frame.ts';
import { searchRequests } from '../search.ts';
import { pageOf, pager, rowsOf } from './paging.ts';

const t = staffText.list;
const path = '/henkilosto/';
/** The unconfirmed requests shown at most, newest first; search finds the others. */
const unconfirmedShown = 50;
/** The statuses of the list itself: unconfirmed requests are shown apart. */
const listed = statuses.filter((s) => s !== 'awaiting_confirmation');

const orders = ['maaraika', 'uusin', 'vanhin'] as const;
type Order = (typeof orders)[number];

type Query = { status?: Status; type?: RequestType; search?: string; order: Order; page?: string };

export function listPage(
  c: Context,
  shell: Shell,
  viewer: Viewer,
  view: Requests,
  now: Date,
  backups: BackupStatus | undefined,
  notices?: HtmlEscapedString | Promise<HtmlEscapedString>,
) {
  const query = queryOf(c.req.query());
  const today = finnishDate(now);
  const found = query.search === undefined ? undefined : searchRequests(view, query.search);
  const shown = candidates(view, query, found).sort(comparators[query.order]);
  const page = pageOf(query.page, shown.length);
  const waiting = view.group('status', 'awaiting_confirmation');
  const unconfirmed = (found ? found.filter((r) => r.status === 'awaiting_confirmation') : waiting).sort(newest);
  const overdue = ['received', 'in_progress'].flatMap((s) => view.group('status', s)).filter((r) => (deadlineOf(r) ?? '9999-12-31') < today).length;
  const filters = { tila: query.status, tyyppi: query.type, haku: query.search, jarjestys: query.order === 'maaraika' ? undefined : query.order };
  const option = (value: string, label: string, selected: boolean) => html`<option value="${value}" ${selected ? 'selected' : ''}>${label}</option>`;

  const row = (r: RequestRecord) => {
    const due = deadlineOf(r);
    const left = due && isOpen(r) ? daysLeft(due, now) : undefined;
    return html`<tr class="${left !== undefined && left < 0 ? 'overdue' : ''}">
      <td>${referenceLink(r)}</td>
      <td>${typeTitle(r.type)}</td>
      <td>${statusNames[r.status]}</td>
      <td>${day(r.confirmedAt)}</td>
      <td>${due ? formatDay(due) : ''}</td>
      <td>${left === undefined ? '' : html`<span class="${left < 0 ? 'late' : ''}">${staffText.days(left)}</span>`}</td>
    </tr>`;
  };

  return staffPage(c, shell, {
    title: t.title,
    staff: viewer,
    main: html`<h1>${t.title}</h1>
      ${notices ?? ''} ${backupSection(backups)}
      <h2>${t.counts}</h2>
      <ul class="counts">
        ${listed.map((s) => html`<li>${statusNames[s]}: <strong>${view.group('status', s).length}</strong></li>`)}
        <li class="${overdue > 0 ? 'late' : ''}">${t.overdueCount}: <strong>${overdue}</strong></li>
        <li>${statusNames.awaiting_confirmation}: <strong>${waiting.length}</strong></li>
      </ul>
      <form method="get" action="${path}" class="filters" aria-label="${t.filter}">
        <div class="field"><label for="tila">${t.status}</label>
          <select id="tila" name="tila">${option('', t.all, !query.status)}${listed.map((s) => option(s, statusNames[s], query.status === s))}</select></div>
        <div class="field"><label for="tyyppi">${t.type}</label>
          <select id="tyyppi" name="tyyppi">${option('', t.all, !query.type)}${requestTypes.map((type) => option(type, typeTitle(type), query.type === type))}</select></div>
        <div class="field"><label for="haku">${t.search}</label>
          <input id="haku" name="haku" type="search" value="${query.search ?? ''}" maxlength="254" placeholder="TS-2026-00042" /></div>
        <div class="field"><label for="jarjestys">${t.order}</label>
          <select id="jarjestys" name="jarjestys">${orders.map((order) => option(order, t.orders[order], query.order === order))}</select></div>
        <p><button type="submit">${t.apply}</button></p>
      </form>
      ${found ? html`<p role="status">${t.searched(query.search ?? '', found.length)}</p>` : ''}
      ${page.note ? html`<p role="status">${page.note}</p>` : ''}
      ${shown.length === 0
        ? html`<p>${t.none}</p>`
        : html`<div class="table-scroll" role="region" aria-label="${t.table}" tabindex="0">
              <table class="requests">
                <thead><tr><th scope="col">${t.reference}</th><th scope="col">${t.type}</th><th scope="col">${t.status}</th><th scope="col">${t.confirmed}</th><th scope="col">${t.deadline}</th><th scope="col">${t.left}</th></tr></thead>
                <tbody>${rowsOf(shown, page).map(row)}</tbody>
              </table>
            </div>
            ${pager(path, filters, page, t.pages)}`}
      <p><a href="/henkilosto/pyynnot.csv">${t.export}</a></p>
      <h2>${t.unconfirmedTitle}</h2>
      <p>${t.unconfirmedNote}</p>
      ${unconfirmed.length === 0
        ? html`<p>${t.none}</p>`
        : html`<div class="table-scroll" role="region" aria-label="${t.unconfirmedTable}" tabindex="0">
            <table>
              <thead><tr><th scope="col">${t.reference}</th><th scope="col">${t.type}</th><th scope="col">${t.sent}</th><th scope="col">${t.expires}</th></tr></thead>
              <tbody>${unconfirmed
                .slice(0, unconfirmedShown)
                .map((r) => html`<tr><td>${referenceLink(r)}</td><td>${typeTitle(r.type)}</td><td>${day(r.createdAt)}</td><td>${day(r.confirmBy)}</td></tr>`)}</tbody>
            </table>
          </div>
          ${unconfirmed.length > unconfirmedShown ? html`<p>${t.unconfirmedMore(unconfirmedShown, unconfirmed.length)}</p>` : ''}`}`,
  });
}

/** The list's query; anything not understood is left out. The old `viite` is taken as `haku`. */
function queryOf(raw: Record<string, string>): Query {
  const status = listed.find((s) => s === raw.tila);
  const type = raw.tyyppi;
  const search = (raw.haku ?? raw.viite)?.trim().slice(0, 254);
  const order = orders.find((o) => o === raw.jarjestys) ?? 'maaraika';
  return {
    order,
    ...(status ? { status } : {}),
    ...(isRequestType(type) ? { type } : {}),
    ...(search ? { search } : {}),
    ...(raw.sivu === undefined ? {} : { page: raw.sivu }),
  };
}

/** The confirmed requests the filters (and the search, when given) let through, as a new array to sort. */
function candidates(view: Requests, query: Query, found: RequestRecord[] | undefined): RequestRecord[] {
  const fits = (r: RequestRecord) => r.status !== 'awaiting_confirmation' && (!query.status || r.status === query.status) && (!query.type || r.type === query.type);
  if (found) return found.filter(fits);
  if (query.status) return query.type ? view.group('status', query.status).filter(fits) : view.group('status', query.status);
  const all: RequestRecord[] = [];
  for (const r of view.values()) if (fits(r)) all.push(r);
  return all;
}

const compare = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);
const newest = (a: RequestRecord, b: RequestRecord) => compare(b.createdAt, a.createdAt) || compare(b.reference, a.reference);

/**
 * The orders of the list. `maaraika` is byPressure's (api/requests/pressure.ts): open requests by deadline
 * (overdue first), then the decided ones newest first; deadlines are compared as dates, which orders them as
 * the days left do without working those out for every comparison.
 */
const comparators: Record<Order, (a: RequestRecord, b: RequestRecord) => number> = {
  maaraika: (a, b) => {
    const open = isOpen(a);
    if (open !== isOpen(b)) return open ? -1 : 1;
    if (!open) return compare(b.createdAt, a.createdAt);
    return compare(deadlineOf(a) ?? '~', deadlineOf(b) ?? '~') || compare(a.reference, b.reference);
  },
  uusin: newest,
  vanhin: (a, b) => newest(b, a),
};

/** A reference kept on one line, as a link to its request. */
function referenceLink(r: RequestRecord) {
  return html`<a href="/henkilosto/pyynnot/${r.reference}" class="nowrap">${r.reference}</a>`;
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
