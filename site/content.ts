/** The editors' content as the pages need it: the notice, and the rights in their order. */
import { getCollection, getEntry } from 'astro:content';

export async function getNotice() {
  const notice = await getEntry('notice', 'tietosuojaseloste');
  if (!notice) throw new Error('content/tietosuojaseloste.mdx puuttuu: tietosuojaseloste on sivuston pohja.');
  return notice;
}

export async function getRights() {
  const rights = await getCollection('rights');
  return rights.sort((a, b) => a.data.order - b.data.order);
}

export function rightPath(id: string): string {
  return `/oikeudet/${id}/`;
}
