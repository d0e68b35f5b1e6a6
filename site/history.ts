/**
 * The notice's change history (content/muutokset/<date>.md): each version's date, summary and the SHA-256 of the
 * notice's text as of that version. Pure functions, so tests run them without Astro; site/content.ts feeds them.
 */
import { createHash } from 'node:crypto';

export interface Version {
  /** The file the entry is in, e.g. "2018-05-25" for content/muutokset/2018-05-25.md. */
  id: string;
  date: Date;
  summary: string;
  sha256: string;
}

/** The hash of the notice's text (the MDX after its header): line ends and surrounding blank lines do not count. */
export function noticeHash(body: string): string {
  return createHash('sha256').update(body.replace(/\r\n?/g, '\n').trim()).digest('hex');
}

/** The day as the file name and the `date` field write it. */
const day = (date: Date) => date.toISOString().slice(0, 10);

/** Newest first; two versions on one day keep the file names' order, the later name first. */
export function newestFirst(versions: readonly Version[]): Version[] {
  return [...versions].sort((a, b) => b.date.getTime() - a.date.getTime() || b.id.localeCompare(a.id));
}

/** What the editor must add when the notice's text has no history entry: a whole file to copy, in Finnish. */
export function missingEntryMessage(hash: string, today: Date, newest?: Version): string {
  const date = day(today);
  return [
    newest
      ? `Tietosuojaselosteen teksti (content/tietosuojaseloste.mdx) on muuttunut ${day(newest.date)} jälkeen, mutta muutoshistoriaan ei ole lisätty uutta merkintää.`
      : 'Tietosuojaselosteella ei ole yhtään muutoshistorian merkintää (content/muutokset/).',
    `Lisää tiedosto content/muutokset/${date}.md, jossa on tämä otsake (päivämäärä on selosteen voimaantulopäivä ja summary lyhyt kuvaus muutoksesta):`,
    '',
    '---',
    `date: ${date}`,
    'summary: Kerro tässä yhdellä lauseella, mitä selosteessa muuttui.',
    `sha256: ${hash}`,
    '---',
    '',
    'Jos tekstiin ei ollut tarkoitus koskea, palauta content/tietosuojaseloste.mdx ennalleen.',
  ].join('\n');
}

/**
 * The history newest first, after checking that its newest entry is the notice's current text and that the
 * notice's `updated` (which the notice's machine-readable summary uses) is that entry's date.
 */
export function checkedHistory(versions: readonly Version[], noticeBody: string, noticeUpdated: Date, today = new Date()): Version[] {
  const sorted = newestFirst(versions);
  const hash = noticeHash(noticeBody);
  const newest = sorted[0];
  if (newest?.sha256 !== hash) {
    if (newest && sorted.some((version) => version.sha256 === hash)) {
      throw new Error(
        `Tietosuojaselosteen teksti on sama kuin versiossa ${sorted.find((version) => version.sha256 === hash)?.id}, mutta uusin muutoshistorian merkintä (content/muutokset/${newest.id}.md) on eri tekstistä. Jos palautit vanhan tekstin, lisää siitä uusi merkintä; muuten tarkista merkinnän sha256.\n\n${missingEntryMessage(hash, today, newest)}`,
      );
    }
    throw new Error(missingEntryMessage(hash, today, newest));
  }
  if (day(noticeUpdated) !== day(newest.date)) {
    throw new Error(
      `content/tietosuojaseloste.mdx: kentän "updated" pitää olla sama kuin uusimman muutoshistorian merkinnän (content/muutokset/${newest.id}.md) päivämäärä. Kirjoita otsakkeeseen: updated: ${day(newest.date)}`,
    );
  }
  return sorted;
}
