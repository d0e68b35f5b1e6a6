/** What the server itself says to people, in Finnish; each area keeps its own messages beside it. */
export const messages = {
  notFound: 'Osoitteesta ei löytynyt mitään.',
  serverError: (id: string) =>
    `Palvelussa tapahtui virhe, eikä pyyntöäsi voitu käsitellä. Yritä hetken kuluttua uudelleen. Jos virhe toistuu, kerro meille virhetunnus ${id}.`,
  /** Why a request was turned away, by HTTP status. */
  status: {
    400: { title: 'Pyyntöä ei voitu lukea', text: 'Lähetettyjä tietoja ei voitu lukea. Avaa lomake uudelleen ja yritä uudelleen.' },
    403: {
      title: 'Lähetys estettiin',
      text: 'Lomake lähetettiin toiselta sivustolta, joten emme käsitelleet sitä. Lähetä pyyntö tämän sivuston lomakkeella.',
    },
    413: { title: 'Liian paljon tekstiä', text: 'Lähetit enemmän tekstiä kuin lomake ottaa vastaan. Lyhennä tekstiä ja lähetä uudelleen.' },
    415: { title: 'Väärä lähetysmuoto', text: 'Lomakkeen tiedot tulivat muodossa, jota emme ota vastaan. Lähetä pyyntö sivuston lomakkeella.' },
    429: {
      title: 'Liian monta lähetystä',
      text: 'Samasta osoitteesta on tullut lyhyessä ajassa liian monta lähetystä. Odota hetki ja yritä sitten uudelleen.',
    },
    503: {
      title: 'Tallennus ei onnistunut',
      text: 'Emme pystyneet juuri nyt tallentamaan tietoja, joten mitään ei tallennettu. Yritä uudelleen muutaman minuutin kuluttua.',
    },
  },
  backToSite: 'Palaa etusivulle',
  /** A refusal of a status with no text of its own above. */
  refused: { title: 'Pyyntöä ei käsitelty', text: 'Emme voineet käsitellä pyyntöä. Palaa sivustolle ja yritä uudelleen.' },
  /** Why a posted body was refused, more precisely than its status says. */
  body: {
    notAnObject: 'Lähetetyt tiedot eivät olleet lomakkeen kenttiä. Lähetä pyyntö sivuston lomakkeella.',
    invalidText: 'Lähetetyissä tiedoissa oli merkkejä, joita emme voineet lukea. Avaa lomake uudelleen ja yritä uudelleen.',
    charset: 'Lomakkeen tiedot tulivat merkistössä, jota emme ota vastaan. Lähetä pyyntö sivuston lomakkeella.',
    repeatedField: 'Lomakkeessa oli sama kenttä useammin kuin kerran. Avaa lomake uudelleen ja lähetä se uudelleen.',
  },
} as const;

export type KnownStatus = keyof typeof messages.status;
