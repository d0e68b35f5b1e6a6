/**
 * The site's sections as plain text for site/pages/[search].json.ts, which writes dist/_search.json for the
 * server's search (api/search/index.ts). A page is cut at its `##` headings, with the ids the built page gives
 * them (Astro's `render()` headings); a shared passage (`<Yhteinen osio="…" />`) is a section of its own, as on
 * the page; what comes before the first heading is the page's lead, found under the page's title.
 */
import type { SearchSection } from '../api/search/index.ts';

export type Heading = { depth: number; slug: string; text: string };

export type SearchPage = {
  title: string;
  path: string;
  /** Text shown under the title before the MDX body (the description, the notice's quote). */
  lead: readonly string[];
  body: string;
  /** The MDX body's headings as `render()` gives them. */
  headings: readonly Heading[];
};

/** A shared passage by its id (content/yhteiset/<id>.mdx). */
export type SharedPassage = { title: string; body: string };

const shared = /^<Yhteinen\s+osio="([^"]+)"\s*\/>$/;

/** MDX as a reader sees the words: components, link targets, emphasis, bullets and escapes left out. */
export function plainText(mdx: string, email: string): string {
  return mdx
    .replace(/<Yhteystiedot\b[^>]*\/>/g, email)
    .replace(/<[A-Z][^>]*\/>/g, ' ')
    .replace(/\[([^\]]*)\]\([^)]*\)/g, '$1')
    .replace(/\*\*|__/g, '')
    .replace(/^\s*([-*+]|\d+[.)])\s+/gm, '')
    .replace(/\\([\\`*_{}[\]()#+\-.!<>|])/g, '$1')
    .replace(/\s+/g, ' ')
    .trim();
}

/** One page's sections, each shared passage it includes as a section of its own. */
export function pageSections(page: SearchPage, passages: ReadonlyMap<string, SharedPassage>, email: string): SearchSection[] {
  const ids = page.headings.filter((heading) => heading.depth === 2);
  const sections: SearchSection[] = [];
  let next = 0;
  let current = { heading: page.title, id: '', lines: [...page.lead] };
  const close = () => {
    const text = plainText(current.lines.join('\n'), email);
    if (text) sections.push({ page: page.title, path: page.path, heading: current.heading, id: current.id, text });
  };
  for (const line of page.body.split(/\r?\n/)) {
    const heading = /^## +(.+?)\s*$/.exec(line)?.[1];
    const osio = shared.exec(line.trim())?.[1];
    if (heading !== undefined) {
      close();
      const id = ids[next++];
      if (!id || plainText(heading, email) !== id.text) throw new Error(`${page.path}: otsikolle "${heading}" ei löydy sivun tunnistetta haulle.`);
      current = { heading: id.text, id: id.slug, lines: [] };
    } else if (osio !== undefined) {
      const passage = passages.get(osio);
      if (!passage) throw new Error(`${page.path}: <Yhteinen osio="${osio}" />: tiedostoa content/yhteiset/${osio}.mdx ei ole.`);
      const text = plainText(passage.body, email);
      if (text) sections.push({ page: page.title, path: page.path, heading: passage.title, id: `osio-${osio}`, text });
    } else {
      current.lines.push(line);
    }
  }
  close();
  return sections;
}
