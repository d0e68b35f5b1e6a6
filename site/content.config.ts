/** Every frontmatter schema of the editors' content in content/, once, with every error message in Finnish. */
import { defineCollection } from 'astro:content';
import { relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { glob, type Loader } from 'astro/loaders';
import { z } from 'astro/zod';
import { requestTypes } from '../api/requests/types.ts';

z.config(z.locales.fi());

/** A frontmatter problem as zod reports it: enough of zod's issue to say in Finnish what is wrong. */
type Issue = {
  code: string;
  path?: PropertyKey[];
  input?: unknown;
  expected?: string;
  origin?: string;
  minimum?: unknown;
  inclusive?: boolean;
  values?: unknown[];
  keys?: string[];
  format?: string;
};

const shown = (value: unknown) => (value instanceof Date ? 'virheellinen päivämäärä' : JSON.stringify(value) ?? String(value));

const expectedKind: Record<string, string> = {
  string: 'tekstiä',
  number: 'numero, esimerkiksi 3',
  int: 'kokonaisluku, esimerkiksi 3',
  date: 'päivämäärä muodossa 2026-11-25',
  object: 'ryhmä sisennettyjä kenttiä',
  boolean: 'true tai false',
};

/**
 * The one error map of every schema below. Zod asks the schema that raised an issue (and the schema owning a
 * check) before Astro's English map, so these messages are the ones the build prints; Astro adds the file.
 */
function finnishIssue(raw: unknown): string {
  const issue = raw as Issue;
  const field = `Kenttä "${(issue.path ?? []).join('.') || '?'}"`;
  switch (issue.code) {
    case 'invalid_type':
      if (issue.input === undefined) return `${field} puuttuu: lisää se otsakkeeseen (--- -rivien väliin).`;
      return `${field} pitää olla ${expectedKind[issue.expected ?? ''] ?? issue.expected} (nyt ${shown(issue.input)}).`;
    case 'too_small':
      if (issue.origin === 'string') return `${field} on tyhjä: kirjoita siihen tekstiä.`;
      if (issue.origin === 'number') return `${field} pitää olla ${issue.inclusive ? 'vähintään' : 'suurempi kuin'} ${String(issue.minimum)}.`;
      return `${field} on liian lyhyt.`;
    case 'too_big':
      return `${field} on liian pitkä tai suuri.`;
    case 'invalid_value':
      return `${field} pitää olla jokin näistä: ${(issue.values ?? []).map(String).join(', ')} (nyt ${shown(issue.input)}).`;
    case 'invalid_format':
      if (issue.format === 'email') return `${field} pitää olla sähköpostiosoite, esimerkiksi info@alfasoft.fi (nyt ${shown(issue.input)}).`;
      return `${field} on väärässä muodossa (nyt ${shown(issue.input)}).`;
    case 'unrecognized_keys': {
      const keys = issue.keys ?? [];
      return `Tuntematon kenttä ${keys.map((key) => `"${key}"`).join(', ')}: tarkista kirjoitusasu tai poista ${keys.length > 1 ? 'ne' : 'se'}. Kenttien nimet ovat englanniksi (katso content/OHJE.md).`;
    }
    default:
      return `${field} on virheellinen (nyt ${shown(issue.input)}).`;
  }
}

/** Passed to every schema: zod gives the schema's own map precedence over Astro's English one. */
const fi = { error: finnishIssue };

const text = z.string(fi).trim().min(1);

/** A calendar day written as 2026-11-25: YAML gives it as a Date already; a quoted "2026-11-25" is read as one too. */
const date = z.preprocess((value) => (typeof value === 'string' && /^\d{4}-\d{2}-\d{2}$/.test(value.trim()) ? new Date(value.trim()) : value), z.date(fi));

const controller = z.strictObject(
  {
    name: text,
    street: text,
    postcode: z.string(fi).regex(/^\d{5}$/, 'Postinumerossa on viisi numeroa, esimerkiksi "90620".'),
    city: text,
    businessId: z.string(fi).regex(/^\d{7}-\d$/, 'Y-tunnus on muotoa 1234567-8.'),
    phone: text,
    email: z.email(fi),
  },
  fi,
);

/**
 * Astro's glob loader, with each file's header checked first against the collection's schema, so a mistake stops
 * the build with a Finnish message naming the file and every field that is wrong (Astro's own report of the same
 * problem is framed in English).
 */
function files(pattern: string, base: string, schema: z.ZodType): Loader {
  const inner = glob({ pattern, base });
  return {
    name: 'tiedostot',
    load: (context) =>
      inner.load({
        ...context,
        parseData: async (props) => {
          const result = schema.safeParse(props.data);
          if (!result.success) {
            const file = props.filePath ? relative(fileURLToPath(context.config.root), props.filePath) : `${base}/${props.id}`;
            const problems = result.error.issues.map((issue) => `  - ${issue.message}`).join('\n');
            throw new Error(`Tiedoston ${file.replace(/^\.\//, '')} otsakkeessa (--- -rivien välissä) on korjattavaa:\n${problems}\nKorjaa ja tallenna; kentät on kuvattu tiedostossa content/OHJE.md.`);
          }
          return context.parseData(props);
        },
      }),
  };
}

/** A collection of the files matching `pattern` under `base`, each checked against `schema`. */
function collection<S extends z.ZodType>(pattern: string, base: string, schema: S) {
  return defineCollection({ loader: files(pattern, base, schema), schema });
}

/**
 * The full notice: content/tietosuojaseloste.mdx. Its `updated` must be the date of the newest entry of its change
 * history (content/muutokset/, checked in site/history.ts): the pages show the history's date.
 */
const notice = collection('tietosuojaseloste.mdx', './content', z.strictObject({ title: text, description: text, updated: date, controller }, fi));

/** One version of the notice: content/muutokset/<date>.md, with the SHA-256 of the notice's text as of then. */
const history = collection('*.md', './content/muutokset', z.strictObject(
    {
      date,
      summary: text,
      sha256: z
        .string(fi)
        .trim()
        .regex(/^[0-9a-f]{64}$/, 'Tarkiste on 64 merkkiä 0–9 ja a–f: kopioi se buildin virheilmoituksesta sellaisenaan.'),
    },
    fi,
  ));

/** The first layer on the front page: content/etusivu.mdx. */
const front = collection('etusivu.mdx', './content', z.strictObject({ title: text, description: text, updated: date }, fi));

/** The accessibility statement: content/saavutettavuusseloste.mdx. */
const accessibility = collection('saavutettavuusseloste.mdx', './content', z.strictObject({ title: text, description: text, made: date, reviewed: date }, fi));

/** One page per right: content/oikeudet/<slug>.mdx, the slug being the page address. */
const rights = collection('*.mdx', './content/oikeudet', z.strictObject(
    {
      title: text,
      description: text,
      /** The GDPR article as Finnish law cites it, e.g. "15 artikla" or "21 artiklan 2 ja 3 kohta". */
      article: z.string(fi).regex(/^\d{1,2} artikla(n \S.*kohta)?$/, 'Kirjoita artikla muodossa "15 artikla" tai "21 artiklan 2 ja 3 kohta".'),
      order: z.number(fi).int().positive(),
      updated: date,
      /** The request this right's form makes; absent where the right has no form (the complaint). */
      type: z.enum(requestTypes, fi).optional(),
      /** The notice's own words about this right, quoted verbatim (a test checks them against the notice). */
      quote: text,
    },
    fi,
  ));

/** Passages several rights pages share (identity check, deadline, refusal): content/yhteiset/<name>.mdx. */
const shared = collection('*.mdx', './content/yhteiset', z.strictObject({ title: text }, fi));

export const collections = { notice, history, front, accessibility, rights, shared };
