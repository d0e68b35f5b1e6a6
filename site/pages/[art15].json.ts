/**
 * Builds dist/_art15.json: the notice's own sections that answer an access request (GDPR Art. 15(1)), which
 * the server quotes in the answer, the controller's contact, which its mails and pages give, and each rights
 * page's title, which the page of a failed plain post names. Named like
 * the shell ([shell].astro): a page file starting with `_` is not built.
 */
import type { APIRoute, GetStaticPaths } from 'astro';
import { art15Json } from '../art15.ts';
import { getNotice, getRights } from '../content.ts';

export const getStaticPaths = (() => [{ params: { art15: '_art15' } }]) satisfies GetStaticPaths;

export const GET: APIRoute = async () => {
  const notice = await getNotice();
  const rights = Object.fromEntries((await getRights()).flatMap((right) => (right.data.type ? [[right.data.type, right.data.title]] : [])));
  return new Response(JSON.stringify(art15Json(notice.body ?? '', notice.data.updated, notice.data.controller, rights)), {
    headers: { 'Content-Type': 'application/json; charset=utf-8' },
  });
};
