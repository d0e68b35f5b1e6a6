/** Every frontmatter schema of the editors' content in content/, once. */
import { defineCollection } from 'astro:content';
import { glob } from 'astro/loaders';
import { z } from 'astro/zod';
import { requestTypes } from '../api/requests/types.ts';

z.config(z.locales.fi());

const text = z.string().trim().min(1);

/** A page date: YAML gives `2018-05-25` as a Date already; anything else must parse as one. */
const date = z.coerce.date();

const controller = z.object({
  name: text,
  street: text,
  postcode: z.string().regex(/^\d{5}$/, 'Postinumerossa on viisi numeroa, esimerkiksi "90620".'),
  city: text,
  businessId: z.string().regex(/^\d{7}-\d$/, 'Y-tunnus on muotoa 1234567-8.'),
  phone: text,
  email: z.email(),
});

/** The full notice: content/tietosuojaseloste.mdx. */
const notice = defineCollection({
  loader: glob({ pattern: 'tietosuojaseloste.mdx', base: './content' }),
  schema: z.strictObject({ title: text, description: text, updated: date, controller }),
});

/** The first layer on the front page: content/etusivu.mdx. */
const front = defineCollection({
  loader: glob({ pattern: 'etusivu.mdx', base: './content' }),
  schema: z.strictObject({ title: text, description: text, updated: date }),
});

/** One page per right: content/oikeudet/<slug>.mdx, the slug being the page address. */
const rights = defineCollection({
  loader: glob({ pattern: '*.mdx', base: './content/oikeudet' }),
  schema: z.strictObject({
    title: text,
    description: text,
    /** The GDPR article as Finnish law cites it, e.g. "15 artikla" or "21 artiklan 2 ja 3 kohta". */
    article: z.string().regex(/^\d{1,2} artikla(n \S.*kohta)?$/, 'Kirjoita artikla muodossa "15 artikla" tai "21 artiklan 2 ja 3 kohta".'),
    order: z.number().int().positive(),
    updated: date,
    /** The request this right's form makes; absent where the right has no form (the complaint). */
    type: z.enum(requestTypes).optional(),
    /** The notice's own words about this right, quoted verbatim (a test checks them against the notice). */
    quote: text,
  }),
});

/** Passages several rights pages share (identity check, deadline, refusal): content/yhteiset/<name>.mdx. */
const shared = defineCollection({
  loader: glob({ pattern: '*.mdx', base: './content/yhteiset' }),
  schema: z.strictObject({ title: text }),
});

export const collections = { notice, front, rights, shared };
