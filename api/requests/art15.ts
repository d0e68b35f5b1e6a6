/**
 * The Art. 15(1) information (with Art. 15(2) on transfers) in the answer to a completed access request, taken
 * from the published notice at build time so it never disagrees with it: which notice section answers each
 * item, the built file dist/_art15.json (site/pages/[art15].json.ts writes it), and the answer as plain text
 * for the mail and as HTML for the status page. The same file carries the controller's contact from the
 * notice's frontmatter, which the mails and the subject's pages give: the server never reads content/.
 */
import { fileURLToPath } from 'node:url';
import { html } from 'hono/html';
import type { HtmlEscapedString } from 'hono/utils/html';
import * as v from 'valibot';
import { art15Texts, formatDay } from './messages.ts';
import { requestTypes, type RequestType } from './types.ts';
import { loadBuiltJson } from '../site/built.ts';

type Selector<Key> = {
  key: Key;
  /** Where the GDPR asks for it. */
  article: string;
  /** The notice section (its `##` heading) whose text answers the item, word for word. */
  section: string;
  /** Only the section's paragraphs with these bold labels ("**Valitusoikeus:** …"), or all but them. */
  only?: readonly string[];
  except?: readonly string[];
};

const selectors = <const Key extends string>(list: readonly Selector<Key>[]) => list;

/**
 * Each item, in the GDPR's order, and the notice section that holds it. The notice states the legal basis in
 * the purposes section, under a heading naming both, so that item quotes the section whole. A heading or
 * label the notice lacks stops the build (site/art15.ts).
 */
export const art15Items = selectors([
  { key: 'purposes', article: '15(1)(a)', section: 'Henkilötietojen käsittelyn tarkoitus ja oikeusperuste' },
  { key: 'categories', article: '15(1)(b)', section: 'Rekisterin sisältämät henkilötiedot' },
  { key: 'recipients', article: '15(1)(c)', section: 'Tietojen vastaanottajat' },
  { key: 'transfers', article: '15(2)', section: 'Tietojen siirto EU:n ulkopuolelle' },
  { key: 'retention', article: '15(1)(d)', section: 'Käsittelyn kesto' },
  { key: 'rights', article: '15(1)(e)', section: 'Rekisteröidyn oikeudet', except: ['Valitusoikeus'] },
  { key: 'complaint', article: '15(1)(f)', section: 'Rekisteröidyn oikeudet', only: ['Valitusoikeus'] },
  { key: 'sources', article: '15(1)(g)', section: 'Tietolähteet' },
  { key: 'automated', article: '15(1)(h)', section: 'Tietojen käyttö automaattiseen päätöksentekoon' },
]);

export type Art15Key = (typeof art15Items)[number]['key'];

const keys = art15Items.map((item) => item.key);

/** A stretch of text, bold and/or a link to the site (or https) as the notice has it. */
const run = v.strictObject({
  text: v.pipe(v.string(), v.minLength(1)),
  strong: v.optional(v.literal(true)),
  href: v.optional(v.pipe(v.string(), v.regex(/^(\/(?![/\\])|https:\/\/)[^\s"<>]*$/))),
});
const runs = v.pipe(v.array(run), v.minLength(1));
const block = v.union([v.strictObject({ paragraph: runs }), v.strictObject({ list: v.pipe(v.array(runs), v.minLength(1)) })]);

/** The answer: the notice's date and each item's blocks, every item once, in order. */
export const art15Schema = v.pipe(
  v.strictObject({
    updated: v.pipe(v.string(), v.isoDate()),
    items: v.array(v.strictObject({ key: v.picklist(keys), section: v.string(), blocks: v.pipe(v.array(block), v.minLength(1)) })),
  }),
  v.check((answer) => answer.items.map((item) => item.key).join() === keys.join(), 'every item once, in order'),
);

export type Art15 = v.InferOutput<typeof art15Schema>;
export type Art15Item = Art15['items'][number];
export type Art15Block = Art15Item['blocks'][number];
export type Art15Run = v.InferOutput<typeof run>;

const filled = v.pipe(v.string(), v.trim(), v.minLength(1));

/** Whom the subject writes or calls: the controller as the notice's frontmatter names it. */
export const controllerSchema = v.strictObject({ name: filled, email: v.pipe(v.string(), v.email()), phone: filled });

export type Controller = v.InferOutput<typeof controllerSchema>;

/** Each type's rights page title as the editors wrote it (the page a failed plain post names). */
export const rightTitlesSchema = v.record(v.picklist(requestTypes), filled);

/** dist/_art15.json: the answer, the controller's contact, and the rights pages' titles. */
export const builtSchema = v.strictObject({ answer: art15Schema, controller: controllerSchema, rights: rightTitlesSchema });

export type Built = v.InferOutput<typeof builtSchema>;

/**
 * The contact when the site was built without the file: the notice's own when this was written (a test holds
 * them together), so a mail still says whom to reach.
 */
export const fallbackController: Controller = { name: 'Alfasoft Oy', email: 'info@alfasoft.fi', phone: '08 5349 300' };

export const art15File = '_art15.json';

/** The file built into distDir; undefined when the site was built without it. A damaged file stops the start, like the shell. */
export function loadBuilt(distDir: string): Built | undefined {
  return loadBuiltJson(distDir, art15File, builtSchema, "does not hold the Art. 15 answer, the controller's contact and the rights' titles");
}

/** The answer built into distDir; undefined when the site was built without it. */
export function loadArt15(distDir: string): Art15 | undefined {
  return loadBuilt(distDir)?.answer;
}

const siteDist = fileURLToPath(new URL('../../dist', import.meta.url));
let built: { file: Built | undefined } | undefined;

/** The file of the site the server serves (dist/ beside api/, as api/main.ts has it), read on first use; missing, the server says so once. */
function builtFile(): Built | undefined {
  if (!built) {
    built = { file: loadBuilt(siteDist) };
    if (!built.file) {
      console.warn(
        `tietosuoja: dist/${art15File} is missing, so access answers point to the notice instead of quoting it and mails give the contact the server was written with: rebuild the site (npm run build)`,
      );
    }
  }
  return built.file;
}

/** The answer of the site the server serves; missing (a site built before it existed), the answers point to the notice instead. */
export function builtArt15(): Art15 | undefined {
  return builtFile()?.answer;
}

/** The title of a type's rights page in the site the server serves; undefined when the site was built without it. */
export function builtRightTitle(type: RequestType): string | undefined {
  return builtFile()?.rights[type];
}

/** The controller's contact of the site the server serves, or the fallback. */
export function builtController(): Controller {
  return builtFile()?.controller ?? fallbackController;
}

const plain = (line: readonly Art15Run[]) => line.map((part) => part.text).join('');

/** One item's text as the notice has it: paragraphs apart, a list item a line. */
export function itemText(item: Art15Item): string {
  return item.blocks
    .map((block) => ('paragraph' in block ? plain(block.paragraph) : block.list.map((entry) => `• ${plain(entry)}`).join('\n')))
    .join('\n\n');
}

const underlined = (line: string, mark: string) => `${line}\n${mark.repeat(line.length)}`;

/** The information as plain text, for the mail: the title, where it is from, then each item under its heading. */
export function art15Text(answer: Art15 | undefined): string {
  if (!answer) return art15Texts.missing;
  return [
    underlined(art15Texts.title, '='),
    art15Texts.from(formatDay(answer.updated)),
    ...answer.items.map((item) => `${underlined(art15Texts.headings[item.key], '-')}\n${itemText(item)}`),
  ].join('\n\n');
}

function runHtml(part: Art15Run) {
  const inner = part.href ? html`<a href="${part.href}">${part.text}</a>` : part.text;
  return part.strong ? html`<strong>${inner}</strong>` : inner;
}

function blockHtml(block: Art15Block) {
  return 'paragraph' in block
    ? html`<p>${block.paragraph.map(runHtml)}</p>`
    : html`<ul>${block.list.map((entry) => html`<li>${entry.map(runHtml)}</li>`)}</ul>`;
}

/** The information as a section of the status page, every word escaped; a heading per item. */
export function art15Html(answer: Art15 | undefined): HtmlEscapedString | Promise<HtmlEscapedString> {
  const notice = html`<a href="/tietosuojaseloste/">${art15Texts.noticeLink}</a>`;
  const intro = answer ? html`<p>${art15Texts.from(formatDay(answer.updated))} ${notice}.</p>` : html`<p>${art15Texts.missing} ${notice}.</p>`;
  return html`<section aria-labelledby="kasittely">
    <h2 id="kasittely">${art15Texts.title}</h2>
    ${intro}
    ${(answer?.items ?? []).map((item) => html`<h3>${art15Texts.headings[item.key]}</h3>${item.blocks.map(blockHtml)}`)}
  </section>`;
}
