/** What the server itself says to people, in Finnish; each area keeps its own messages beside it. */
export const messages = {
  notFound: 'Osoitteesta ei löytynyt mitään.',
  serverError: (id: string) =>
    `Palvelussa tapahtui virhe, eikä pyyntöäsi voitu käsitellä. Yritä hetken kuluttua uudelleen. Jos virhe toistuu, kerro meille virhetunnus ${id}.`,
} as const;
