/** The kinds of request a data subject can make: the one list the site, the API and the store share. */
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
