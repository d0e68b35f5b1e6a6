/**
 * The notice's sections that answer an access request (api/requests/art15.ts names them), read from its MDX
 * for site/pages/[art15].json.ts, with the controller's contact from its frontmatter. Only what the notice's
 * text uses is understood (paragraphs, bullet lists, bold, links); anything else in a quoted section stops the
 * build, so the answer never drifts from the page.
 */
import * as v from 'valibot';
import { art15Items, art15Schema, builtSchema, type Art15, type Art15Block, type Art15Run, type Built, type Controller } from '../api/requests/art15.ts';
import { isoDate } from './format.ts';
import type { RequestType } from '../api/requests/types.ts';

/** Components that only lead elsewhere on the site (the rights cards): not part of the quoted text. */
const navigation = new Set(['Oikeudet']);

const about = 'Tarkastuspyynnön vastaus (tietosuoja-asetuksen 15 artikla) lainaa tietosuojaselosteen kohtia sanasta sanaan';

/** A build error that names the notice section and what the editor can do. */
function fail(section: string, what: string): never {
  throw new Error(
    `Tietosuojaseloste (content/tietosuojaseloste.mdx), kohta "${section}": ${what}. ${about}, ja se tuntee vain kappaleet, luettelot, lihavoinnit ja linkit.`,
  );
}

/** The lines under each `##` heading of the MDX body. */
export function noticeSections(body: string): Map<string, string[]> {
  const sections = new Map<string, string[]>();
  let current: string[] | undefined;
  for (const line of body.split(/\r?\n/)) {
    const heading = /^## +(.+?)\s*$/.exec(line)?.[1];
    if (heading !== undefined) {
      current = [];
      sections.set(heading, current);
    } else {
      current?.push(line);
    }
  }
  return sections;
}

/** A block's lines that markdown or MDX would read as something other than a paragraph or a bullet list. */
const unsupported = /^(#|>|\d+[.)]\s|\||```|~~~|<|\{|import\s|export\s)/;
const bullet = /^[-*+]\s+/;

/** A section's paragraphs and lists, its navigation components left out. */
export function blocksOf(section: string, lines: readonly string[]): Art15Block[] {
  const blocks: Art15Block[] = [];
  const chunks = lines.join('\n').split(/\n[ \t]*\n/).map((chunk) => chunk.trim()).filter(Boolean);
  for (const chunk of chunks) {
    const component = /^<([A-Z][\w.]*)\b[\s\S]*\/>$/.exec(chunk)?.[1];
    if (component !== undefined) {
      if (navigation.has(component)) continue;
      fail(section, `komponentti <${component} />`);
    }
    const rows = chunk.split('\n');
    if (bullet.test(rows[0] ?? '')) {
      const entries: string[] = [];
      for (const row of rows) {
        if (bullet.test(row)) entries.push(row.replace(bullet, ''));
        else if (/^\s/.test(row) && entries.length > 0) entries[entries.length - 1] += ` ${row.trim()}`;
        else fail(section, `luettelon rivi "${row.trim()}"`);
      }
      blocks.push({ list: entries.map((entry) => inline(section, entry.trim())) });
      continue;
    }
    for (const row of rows) {
      if (unsupported.test(row.trim()) || bullet.test(row.trim())) fail(section, `rivi "${row.trim()}"`);
    }
    blocks.push({ paragraph: inline(section, rows.map((row) => row.trim()).join(' ')) });
  }
  return blocks;
}

/** Bold (`**`), links (`[text](href)`) and escaped characters; the text between them as written. */
function inline(section: string, text: string): Art15Run[] {
  const parts: Art15Run[] = [];
  let strong = false;
  let buffer = '';
  const add = (part: string, href?: string) => {
    if (!part) return;
    const last = parts.at(-1);
    if (last && last.strong === (strong || undefined) && last.href === href) last.text += part;
    else parts.push({ text: part, ...(strong ? { strong: true as const } : {}), ...(href ? { href } : {}) });
  };
  const flush = () => {
    add(buffer);
    buffer = '';
  };
  for (let i = 0; i < text.length; ) {
    const rest = text.slice(i);
    if (rest.startsWith('**')) {
      flush();
      strong = !strong;
      i += 2;
    } else if (/^\\[\\`*_{}[\]()#+\-.!<>|]/.test(rest)) {
      buffer += rest[1];
      i += 2;
    } else if (rest.startsWith('[')) {
      const link = /^\[([^\][*`<>{}]+)\]\((\/(?![/\\])[^\s()"<>]*|https:\/\/[^\s()"<>]+)\)/.exec(rest);
      if (!link) fail(section, `linkki "${rest.slice(0, 40)}"`);
      flush();
      add(link[1] ?? '', link[2]);
      i += link[0].length;
    } else if (/^[*`<>{}]/.test(rest) || (/^_\S/.test(rest) && !/\w$/.test(buffer))) {
      fail(section, `merkki "${rest[0]}" tekstissä "${text.slice(Math.max(0, i - 20), i + 20)}"`);
    } else {
      buffer += rest[0];
      i += 1;
    }
  }
  flush();
  if (strong) fail(section, 'lihavointi (**) jää auki');
  return parts;
}

/** A paragraph's bold label: "**[Valitusoikeus](/…):** Sinulla …" is "Valitusoikeus". */
export function labelOf(block: Art15Block): string | undefined {
  if (!('paragraph' in block)) return undefined;
  const lead: string[] = [];
  for (const part of block.paragraph) {
    if (!part.strong) break;
    lead.push(part.text);
  }
  return lead.length > 0 ? lead.join('').trim().replace(/:$/, '').trim() : undefined;
}

/** The answer as dist/_art15.json holds it, from the notice's MDX body and date; checked with the server's own schema. */
export function art15Answer(body: string, updated: Date): Art15 {
  const sections = noticeSections(body);
  const items = art15Items.map((item) => {
    const lines = sections.get(item.section);
    if (!lines) {
      throw new Error(
        `Tietosuojaselosteesta (content/tietosuojaseloste.mdx) puuttuu kohta "## ${item.section}". ${about}: palauta otsikko tai muuta kohdan nimi tiedostoon api/requests/art15.ts.`,
      );
    }
    let blocks = blocksOf(item.section, lines);
    for (const label of [...(item.only ?? []), ...(item.except ?? [])]) {
      if (!blocks.some((block) => labelOf(block) === label)) fail(item.section, `kappale "**${label}:**" puuttuu`);
    }
    if (item.only) blocks = blocks.filter((block) => item.only?.includes(labelOf(block) ?? '') === true);
    if (item.except) blocks = blocks.filter((block) => item.except?.includes(labelOf(block) ?? '') !== true);
    if (blocks.length === 0) fail(item.section, 'kohdassa ei ole tekstiä');
    return { key: item.key, section: item.section, blocks };
  });
  return v.parse(art15Schema, { updated: isoDate(updated), items });
}

/** dist/_art15.json: the answer, whom the mails and the subject's pages name as the contact, and the rights' titles. */
export function art15Json(body: string, updated: Date, { name, email, phone }: Controller, rights: Partial<Record<RequestType, string>>): Built {
  return v.parse(builtSchema, { answer: art15Answer(body, updated), controller: { name, email, phone }, rights });
}
