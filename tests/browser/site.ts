/** What the browser specs share: the pages the site must have, and the seed notice they are checked against. */
import { readdirSync, readFileSync } from 'node:fs';

const root = new URL('../../', import.meta.url);

/** Every page: the front page, the notice and its change history, the accessibility statement, and one page per MDX file in content/oikeudet/. */
export const pages = [
  '/',
  '/tietosuojaseloste/',
  '/tietosuojaseloste/muutokset/',
  '/saavutettavuusseloste/',
  ...readdirSync(new URL('content/oikeudet/', root))
    .filter((file) => file.endsWith('.mdx'))
    .map((file) => `/oikeudet/${file.replace(/\.mdx$/, '')}/`),
];

/** An address with no page behind it, answered with the 404 page. */
export const missingPage = '/ei-tallaista-sivua/';

/** The seed notice as given, the test fixture every word of the notice page is checked against. */
export const seed = readFileSync(new URL('tests/fixtures/tietosuojaseloste.txt', root), 'utf8');

/** Whitespace as the reader sees it: runs of any white space are one space. */
export function squash(text: string): string {
  return text.replace(/\s+/g, ' ').trim();
}
