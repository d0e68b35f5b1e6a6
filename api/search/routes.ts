/**
 * The search page, /haku/?q=…, rendered in the shell without script: the header's form posts here by GET. Each
 * result names its page and links its section's heading to the anchor, with an excerpt whose matched words
 * are marked. The query is bounded and the index in memory, so a request is cheap; results are not indexed.
 */
import { Hono, type Context } from 'hono';
import { html } from 'hono/html';
import type { Shell } from '../shell/index.ts';
import { buildIndex, loadSections, searchFile, searchSections, variantsOf, wordsOf, type Hit, type SearchIndex } from './index.ts';

/** The longest query served, in characters. */
export const maxQuery = 200;

/** Words either side of the first match in an excerpt. */
const excerptWords = 14;

const texts = {
  title: 'Haku',
  resultsTitle: (query: string) => `Haku: ${query}`,
  label: 'Hakusana',
  button: 'Hae',
  hint: 'Kirjoita hakusana, esimerkiksi ”poistaa”, ”markkinointi” tai ”valitus”. Haku löytää sanan myös taivutettuna.',
  found: (count: number) => (count === 1 ? 'Löytyi 1 kohta.' : `Löytyi ${count} kohtaa.`),
  none: (query: string) => `Hakusanalla ”${query}” ei löytynyt mitään.`,
  suggestions: 'Kokeile lyhyempää tai toista sanaa, tai katso',
  tooLong: `Hakusana on liian pitkä. Kirjoita enintään ${maxQuery} merkkiä.`,
  unavailable: 'Haku ei ole juuri nyt käytettävissä.',
};

/** Where to look when the search finds nothing. */
const suggestionLinks = html`<ul>
  <li><a href="/tietosuojaseloste/">tietosuojaseloste</a></li>
  <li><a href="/#oikeudet">oikeutesi ja niiden sivut</a></li>
</ul>`;

let warned = false;

/** The index of the site in distDir; missing (a site built before the search), the server says so once and the page says search is unavailable. */
async function indexOf(distDir: string): Promise<SearchIndex | undefined> {
  const sections = loadSections(distDir);
  if (!sections) {
    if (!warned) console.warn(`tietosuoja: dist/${searchFile} is missing, so the search finds nothing: rebuild the site (npm run build)`);
    warned = true;
    return undefined;
  }
  return buildIndex(sections);
}

/** Whether a word of the text matches a query word: it begins with one of its forms, or holds a long one (a compound). */
function matcher(query: string): (word: string) => boolean {
  const forms = wordsOf(query).flatMap(variantsOf);
  return (word) => {
    const lower = word.toLowerCase();
    return forms.some((form) => lower.startsWith(form) || (form.length >= 5 && lower.includes(form)));
  };
}

/** A stretch of the section around its first match, the matching words in `<mark>`, every word escaped. */
export function excerpt(text: string, query: string) {
  const matches = matcher(query);
  const words = text.split(/\s+/);
  const first = Math.max(0, words.findIndex((word) => matches(word)));
  const start = Math.max(0, first - excerptWords);
  const end = Math.min(words.length, first + excerptWords + 1);
  const shown = words.slice(start, end).map((word, i) => {
    const gap = i === 0 ? '' : ' ';
    // Punctuation around a word stays outside its mark.
    const [, before = '', core = '', after = ''] = /^([^\p{L}\p{N}]*)(.*?)([^\p{L}\p{N}]*)$/u.exec(word) ?? [];
    return core && matches(core) ? html`${gap}${before}<mark>${core}</mark>${after}` : html`${gap}${word}`;
  });
  return html`${start > 0 ? '… ' : ''}${shown}${end < words.length ? ' …' : ''}`;
}

function form(query: string) {
  return html`<form class="search-form" method="get" action="/haku/">
    <label for="haku-sivu">${texts.label}</label>
    <input id="haku-sivu" type="search" name="q" value="${query}" maxlength="${maxQuery}" />
    <button type="submit">${texts.button}</button>
  </form>`;
}

function resultHtml(hit: Hit, query: string) {
  return html`<li>
    <p class="search-page">${hit.page}</p>
    <h2><a href="${hit.path}${hit.id ? `#${hit.id}` : ''}">${hit.heading}</a></h2>
    <p>${excerpt(hit.text, query)}</p>
  </li>`;
}

function resultsHtml(hits: readonly Hit[], query: string) {
  if (hits.length === 0) return html`<p role="status">${texts.none(query)}</p><p>${texts.suggestions}</p>${suggestionLinks}`;
  return html`<p role="status">${texts.found(hits.length)}</p>
    <ol class="search-results">${hits.map((hit) => resultHtml(hit, query))}</ol>`;
}

export type SearchRoutesOptions = { shell: Shell; distDir: string };

export function searchRoutes({ shell, distDir }: SearchRoutesOptions): Hono {
  const app = new Hono();
  // Built at start, like the shell, so a site built without the file is reported then.
  const index = indexOf(distDir);

  const page = (c: Context, title: string, query: string, body: ReturnType<typeof html>, status: 200 | 400 | 503 = 200) => {
    c.header('X-Robots-Tag', 'noindex');
    return shell(c, { title, main: html`<h1>${title}</h1>${form(query)}${body}` }, status);
  };

  app.get('/', async (c) => {
    const query = (c.req.query('q') ?? '').trim();
    if (query.length > maxQuery) return page(c, texts.title, query.slice(0, maxQuery), html`<p role="alert">${texts.tooLong}</p>`, 400);
    if (!query) return page(c, texts.title, '', html`<p>${texts.hint}</p>`);
    const ready = await index;
    if (!ready) {
      // A site built without the index: an operator's rebuild brings it back.
      c.header('Retry-After', '300');
      return page(c, texts.title, query, html`<p>${texts.unavailable}</p>${suggestionLinks}`, 503);
    }
    return page(c, texts.resultsTitle(query), query, resultsHtml(await searchSections(ready, query), query));
  });
  return app;
}
