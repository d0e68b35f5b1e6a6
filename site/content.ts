/** The editors' content as the pages need it: the notice, its change history, and the rights in their order. */
import { getCollection, getEntry } from 'astro:content';
import { checkedHistory, type Version } from './history.ts';

export async function getNotice() {
  const notice = await getEntry('notice', 'tietosuojaseloste');
  if (!notice) throw new Error('content/tietosuojaseloste.mdx puuttuu: tietosuojaseloste on sivuston pohja.');
  return notice;
}

/**
 * The notice's versions, newest first. Fails the build, telling the editor what file to add, when the notice's
 * text is not the newest version's (its hash differs from the newest entry's sha256).
 */
export async function getHistory(): Promise<Version[]> {
  const notice = await getNotice();
  const entries = await getCollection('history');
  return checkedHistory(
    entries.map(({ id, data }) => ({ id, ...data })),
    notice.body ?? '',
    notice.data.updated,
  );
}

/** The notice's "viimeksi päivitetty": the date of its newest version. */
export async function getNoticeUpdated(): Promise<Date> {
  const [newest] = await getHistory();
  if (!newest) throw new Error('content/muutokset/ on tyhjä: tietosuojaselosteella pitää olla ainakin yksi muutoshistorian merkintä.');
  return newest.date;
}

export async function getAccessibilityStatement() {
  const statement = await getEntry('accessibility', 'saavutettavuusseloste');
  if (!statement) throw new Error('content/saavutettavuusseloste.mdx puuttuu: saavutettavuusseloste on lain vaatima.');
  return statement;
}

export async function getRights() {
  const rights = await getCollection('rights');
  return rights.sort((a, b) => a.data.order - b.data.order);
}

export function rightPath(id: string): string {
  return `/oikeudet/${id}/`;
}
