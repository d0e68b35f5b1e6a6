/** The kinds of request a data subject can make, and the rights page of each: one list for site, API and store. */
export const requestTypes = [
  'access',
  'rectification',
  'erasure',
  'restriction',
  'portability',
  'objection',
  'marketing_ban',
] as const;

export type RequestType = (typeof requestTypes)[number];

/** The page (content/oikeudet/<slug>.mdx) whose form makes each type; a test holds the content to it. */
export const rightSlugs: Record<RequestType, string> = {
  access: 'tarkastusoikeus',
  rectification: 'oikaisuoikeus',
  erasure: 'poisto-oikeus',
  restriction: 'rajoittamisoikeus',
  portability: 'siirto-oikeus',
  objection: 'vastustamisoikeus',
  marketing_ban: 'suoramarkkinointikielto',
};

export function isRequestType(value: unknown): value is RequestType {
  return typeof value === 'string' && (requestTypes as readonly string[]).includes(value);
}
