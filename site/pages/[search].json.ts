/**
 * Builds dist/_search.json: every section of the front page, the notice and the rights pages as plain text,
 * with its page, heading and anchor, which the server's search indexes (api/search/index.ts). Named like the
 * shell ([shell].astro): a page file starting with `_` is not built.
 */
import type { APIRoute, GetStaticPaths } from 'astro';
import { getCollection, getEntry, render, type CollectionEntry } from 'astro:content';
import * as v from 'valibot';
import { searchFileSchema } from '../../api/search/index.ts';
import { getNotice, getRights, rightPath } from '../content.ts';
import { pageSections, type SearchPage } from '../search.ts';

export const getStaticPaths = (() => [{ params: { search: '_search' } }]) satisfies GetStaticPaths;

type Entry = CollectionEntry<'notice'> | CollectionEntry<'front'> | CollectionEntry<'rights'>;

async function page(entry: Entry, path: string, lead: string[]): Promise<SearchPage> {
  const { headings } = await render(entry);
  return { title: entry.data.title, path, lead, body: entry.body ?? '', headings };
}

export const GET: APIRoute = async () => {
  const notice = await getNotice();
  const front = await getEntry('front', 'etusivu');
  if (!front) throw new Error('content/etusivu.mdx puuttuu.');
  const rights = await getRights();
  const passages = new Map((await getCollection('shared')).map((entry) => [entry.id, { title: entry.data.title, body: entry.body ?? '' }]));
  const pages = [
    await page(front, '/', []),
    await page(notice, '/tietosuojaseloste/', []),
    ...(await Promise.all(rights.map((right) => page(right, rightPath(right.id), [right.data.description, right.data.quote])))),
  ];
  const sections = pages.flatMap((entry) => pageSections(entry, passages, notice.data.controller.email));
  return new Response(JSON.stringify(v.parse(searchFileSchema, { sections })), {
    headers: { 'Content-Type': 'application/json; charset=utf-8' },
  });
};
