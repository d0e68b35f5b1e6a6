/**
 * Paging of the staff lists: 50 rows a page, `sivu=N` in the query. A page number out of range (0, -3, 9999,
 * "abc") shows the nearest page with a note; links to the other pages keep every filter of the query.
 */
import { html } from 'hono/html';
import type { HtmlEscapedString } from 'hono/utils/html';

export const pageSize = 50;

export type Page = {
  /** 1-based; always within 1 … count. */
  number: number;
  count: number;
  total: number;
  /** Index of the page's first row. */
  offset: number;
  /** Set when the asked page did not exist and the nearest one is shown instead. */
  note?: string;
};

/** The page `asked` (the raw `sivu` value) of `total` rows. */
export function pageOf(asked: string | undefined, total: number, size = pageSize): Page {
  const count = Math.max(1, Math.ceil(total / size));
  const wanted = asked === undefined || asked === '' ? 1 : /^\d{1,9}$/.test(asked.trim()) ? Number(asked.trim()) : Number.NaN;
  const number = Number.isNaN(wanted) ? 1 : Math.min(Math.max(wanted, 1), count);
  const note = asked !== undefined && asked !== '' && number !== wanted ? `Sivua ${asked.slice(0, 20)} ei ole, joten näytetään sivu ${number}.` : undefined;
  return { number, count, total, offset: (number - 1) * size, ...(note ? { note } : {}) };
}

/** The rows of `page` out of `rows`. */
export function rowsOf<T>(rows: readonly T[], page: Page, size = pageSize): T[] {
  return rows.slice(page.offset, page.offset + size);
}

/** `path?filters&sivu=N`, keeping the filters that have a value. */
export function pageHref(path: string, filters: Record<string, string | undefined>, number: number): string {
  const query = new URLSearchParams();
  for (const [key, value] of Object.entries(filters)) if (value) query.set(key, value);
  if (number > 1) query.set('sivu', String(number));
  const text = query.toString();
  return text ? `${path}?${text}` : path;
}

/**
 * "Rivit 51–100 / 1 234" and the page links: first, previous, a few around the current one, next, last.
 * `label` names the list for screen readers ("Pyyntölistan sivut").
 */
export function pager(path: string, filters: Record<string, string | undefined>, page: Page, label: string, size = pageSize): HtmlEscapedString | Promise<HtmlEscapedString> {
  const first = page.total === 0 ? 0 : page.offset + 1;
  const last = Math.min(page.offset + size, page.total);
  const summary = html`<p class="page-summary">${page.total === 0 ? 'Ei rivejä.' : `Rivit ${fi(first)}–${fi(last)} / ${fi(page.total)}`}</p>`;
  if (page.count === 1) return summary;
  const numbers = new Set([1, page.number - 2, page.number - 1, page.number, page.number + 1, page.number + 2, page.count]);
  const shown = [...numbers].filter((n) => n >= 1 && n <= page.count).sort((a, b) => a - b);
  const items: (HtmlEscapedString | Promise<HtmlEscapedString>)[] = [];
  if (page.number > 1) items.push(html`<li><a href="${pageHref(path, filters, page.number - 1)}" rel="prev">Edellinen<span class="visually-hidden"> sivu</span></a></li>`);
  let previous = 0;
  for (const n of shown) {
    if (n > previous + 1) items.push(html`<li aria-hidden="true">…</li>`);
    items.push(
      n === page.number
        ? html`<li><a href="${pageHref(path, filters, n)}" aria-current="page"><span class="visually-hidden">Sivu </span>${n}</a></li>`
        : html`<li><a href="${pageHref(path, filters, n)}"><span class="visually-hidden">Sivu </span>${n}</a></li>`,
    );
    previous = n;
  }
  if (page.number < page.count) items.push(html`<li><a href="${pageHref(path, filters, page.number + 1)}" rel="next">Seuraava<span class="visually-hidden"> sivu</span></a></li>`);
  return html`${summary}<nav class="pager" aria-label="${label}"><ul>${items}</ul></nav>`;
}

/** 1234 → "1 234" (a narrow no-break space, as Finnish writes it). */
function fi(n: number): string {
  return n.toLocaleString('fi-FI');
}
