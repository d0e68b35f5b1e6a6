/**
 * Builds dist/_art15.json: the notice's own sections that answer an access request (GDPR Art. 15(1)), which
 * the server quotes in the answer. Named like the shell ([shell].astro): a page file starting with `_` is not built.
 */
import type { APIRoute, GetStaticPaths } from 'astro';
import { art15Answer } from '../art15.ts';
import { getNotice } from '../content.ts';

export const getStaticPaths = (() => [{ params: { art15: '_art15' } }]) satisfies GetStaticPaths;

export const GET: APIRoute = async () => {
  const notice = await getNotice();
  return new Response(JSON.stringify(art15Answer(notice.body ?? '', notice.data.updated)), {
    headers: { 'Content-Type': 'application/json; charset=utf-8' },
  });
};
