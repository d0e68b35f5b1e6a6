/**
 * The site's search: the sections the build wrote to dist/_search.json (site/pages/[search].json.ts), indexed
 * once with Orama and the Finnish stemmer. Finnish inflects and compounds, so a query word is also tried with
 * its stem cut shorter ("valituks" finds "valitus"), and a compound is indexed with the words it ends in as
 * well ("suoramarkkinointikielto" is found by "markkinoinnin"). The server never reads content/.
 */
import { create, insertMultiple, search, type Orama } from '@orama/orama';
import { stemmer } from '@orama/stemmers/finnish';
import { loadBuiltJson } from '../site/built.ts';
import * as v from 'valibot';

const filled = v.pipe(v.string(), v.minLength(1));

/** One section of a page: its heading's anchor id ('' for the text before the first heading) and its words. */
const sectionSchema = v.strictObject({
  page: filled,
  path: v.pipe(v.string(), v.regex(/^\/(?![/\\])[^\s"<>#?]*$/)),
  heading: filled,
  id: v.pipe(v.string(), v.regex(/^[^\s"<>#]*$/)),
  text: filled,
});

/** dist/_search.json. */
export const searchFileSchema = v.strictObject({ sections: v.array(sectionSchema) });

export type SearchSection = v.InferOutput<typeof sectionSchema>;

export const searchFile = '_search.json';

/** How many sections a search returns at most. */
export const maxResults = 20;

/** Query words at most: each one is a few index look-ups. */
const maxWords = 8;

/** The shortest stem a word is cut to. */
const minStem = 5;

/** The sections built into distDir; undefined when the site was built without them. A damaged file stops the start, like the shell. */
export function loadSections(distDir: string): SearchSection[] | undefined {
  return loadBuiltJson(distDir, searchFile, searchFileSchema, "does not hold the site's sections for the search")?.sections;
}

const schema = { page: 'string', heading: 'string', text: 'string', parts: 'string' } as const;

/** Words as the index sees them: lower case, letters and digits. */
export function wordsOf(text: string): string[] {
  return text.toLowerCase().match(/[\p{L}\p{N}]+/gu) ?? [];
}

/** The words a compound ends in, where one of the known words begins: "suoramarkkinointikielto" gives "markkinointikielto" and "kielto". */
function compoundParts(words: readonly string[], known: ReadonlySet<string>): string[] {
  const parts = new Set<string>();
  for (const word of words) {
    for (let i = 3; i <= word.length - minStem; i++) {
      const tail = word.slice(i);
      for (let end = minStem; end <= tail.length; end++) {
        if (known.has(tail.slice(0, end))) {
          parts.add(tail);
          break;
        }
      }
    }
  }
  return [...parts];
}

export type SearchIndex = { db: Orama<typeof schema>; sections: readonly SearchSection[] };

/** The index of the sections; the compound parts go in a field of their own, weighted less than the words. */
export async function buildIndex(sections: readonly SearchSection[]): Promise<SearchIndex> {
  const db = create({ schema, components: { tokenizer: { language: 'finnish', stemming: true, stemmer } } });
  const all = sections.map((section) => wordsOf(`${section.page} ${section.heading} ${section.text}`));
  const known = new Set(all.flat().filter((word) => word.length >= minStem));
  await insertMultiple(
    db,
    sections.map((section, i) => ({ id: String(i), page: section.page, heading: section.heading, text: section.text, parts: compoundParts(all[i] ?? [], known).join(' ') })),
  );
  return { db, sections };
}

/** A query word, its stem, and the stem cut shorter, down to minStem letters or two letters off. */
export function variantsOf(word: string): string[] {
  const stem = stemmer(word);
  const variants = new Set([word, stem]);
  for (let end = stem.length - 1; end >= Math.max(minStem, stem.length - 2); end--) variants.add(stem.slice(0, end));
  return [...variants];
}

export type Hit = SearchSection & { score: number };

/** The best sections for the query, the page title weighing most; the query is bounded by the caller. */
export async function searchSections({ db, sections }: SearchIndex, query: string): Promise<Hit[]> {
  const words = [...new Set(wordsOf(query))].slice(0, maxWords);
  if (words.length === 0) return [];
  const result = await search(db, {
    term: words.flatMap(variantsOf).join(' '),
    properties: ['page', 'heading', 'text', 'parts'],
    boost: { page: 6, heading: 3, text: 1, parts: 0.5 },
    threshold: 1,
    limit: maxResults,
  });
  return result.hits.flatMap((hit) => {
    const section = sections[Number(hit.id)];
    return section ? [{ ...section, score: hit.score }] : [];
  });
}
