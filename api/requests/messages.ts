/** Every Finnish word of the requests area: field labels, validation messages, type and status names. */
import type { Art15Key } from './art15.ts';
import { finnishDate } from './deadline.ts';
import type { RequestType } from './types.ts';

/**
 * Labels and hints of the form fields, by field name. Whether a field is required comes from the schema: the
 * form marks each label "(pakollinen)" or "(vapaaehtoinen)", so no hint says it again.
 */
export const fieldLabels = {
  name: { label: 'Nimi', hint: 'Etu- ja sukunimi, jolla sinut tunnetaan palvelussa.' },
  email: { label: 'Sähköpostiosoite', hint: 'Lähetämme vahvistuslinkin ja vastauksen tähän osoitteeseen.' },
  phone: { label: 'Puhelinnumero', hint: 'Soitamme vain, jos pyyntösi vaatii tarkennusta.' },
  relation: { label: 'Miten käytät Opinaika-palvelua?' },
  organisation: { label: 'Organisaation nimi', hint: 'Esimerkiksi koulu, kunta tai yritys.' },
  username: { label: 'Käyttäjätunnus', hint: 'Auttaa meitä löytämään tietosi.' },
  details: { label: 'Lisätiedot', hint: 'Kerro omin sanoin, mitä pyydät.' },
  wrong: { label: 'Mikä tieto on väärin?' },
  correct: { label: 'Mikä on oikea tieto?' },
  format: { label: 'Missä muodossa haluat tiedot?' },
  recipient: { label: 'Toinen palveluntarjoaja', hint: 'Jos haluat, että lähetämme tiedot suoraan toiselle palveluntarjoajalle, kerro sen nimi ja yhteystiedot.' },
  restrictMeanwhile: { label: 'Rajoittakaa tietojeni käsittelyä, kunnes pyyntöni on ratkaistu.' },
  website: { label: 'Jätä tämä kenttä tyhjäksi' },
} as const;

export const choiceLabels = {
  relation: { private: 'Itse, yksityisasiakkaana', organisation: 'Koulun, kunnan tai yrityksen kautta' },
  format: { json: 'JSON (koneluettava)', csv: 'CSV (taulukko)' },
} as const;

/** Hints a type words its own way, where the general hint of the field does not fit it. */
export const hintsFor: Partial<Record<RequestType, Partial<Record<keyof typeof fieldLabels, string>>>> = {
  restriction: {
    details: 'Kerro, miksi käsittelyä pitää rajoittaa: esimerkiksi kiistät tietojen oikeellisuuden tai odotat vastausta vastustukseesi.',
  },
  objection: { details: 'Kerro, mitä käsittelyä vastustat ja miksi: mikä erityinen tilanteesi on, tai miksi pidät käsittelyä lainvastaisena.' },
  erasure: { details: 'Kerro, jos haluat poistettavaksi vain osan tiedoistasi.' },
  access: { details: 'Kerro, jos haluat vain osan tiedoistasi.' },
  marketing_ban: {
    email: 'Kielto kirjataan tälle osoitteelle, ja lähetämme kuittauksen siihen.',
    phone: 'Jos annat numeron, kielto kirjataan myös sille: emme soita siihen emmekä lähetä siihen tekstiviestejä markkinointitarkoituksessa.',
  },
};

/**
 * Validation messages: one per field, each saying what to do, in the imperative. None of them repeats what
 * was typed.
 */
export const errors = {
  /** A required field left empty, or a choice not made. */
  empty: {
    name: 'Kirjoita nimesi.',
    email: 'Kirjoita sähköpostiosoitteesi.',
    relation: 'Valitse, käytätkö palvelua itse vai organisaation kautta.',
    organisation: 'Kirjoita organisaation nimi, koska käytät palvelua organisaation kautta.',
    wrong: 'Kerro, mikä tieto on väärin.',
    correct: 'Kerro, mikä on oikea tieto.',
    format: 'Valitse, haluatko tiedot JSON- vai CSV-muodossa.',
  },
  /** The reason a restriction or an objection cannot go without. */
  reason: {
    restriction: 'Kerro, miksi käsittelyä pitää rajoittaa.',
    objection: 'Kerro, mitä käsittelyä vastustat ja miksi: mikä erityinen tilanteesi on, tai miksi pidät käsittelyä lainvastaisena.',
  },
  email: 'Kirjoita sähköpostiosoite muodossa nimi@esimerkki.fi.',
  phone: 'Kirjoita puhelinnumero muodossa 040 123 4567 tai +358 40 123 4567.',
  checkbox: 'Valitse ruutu tai jätä se valitsematta.',
  tooLong: (max: number) => `Lyhennä tekstiä: enintään ${max} merkkiä.`,
  control: 'Kirjoita teksti uudelleen: siinä on näkymättömiä ohjausmerkkejä, joita ei voi käyttää.',
  text: 'Kirjoita vastaus tekstinä.',
  honeypot: 'Jätä tämä kenttä tyhjäksi.',
  type: 'Avaa lomake uudelleen oikeuden sivulta: pyynnön tyyppi puuttuu tai on tuntematon.',
  unknownField: 'Avaa lomake uudelleen oikeuden sivulta: lomakkeessa oli kenttiä, joita emme tunne.',
  repeatedField: 'Avaa lomake uudelleen oikeuden sivulta: tämä kenttä tuli lomakkeessa useammin kuin kerran.',
  fallback: 'Tarkista tämä kenttä ja korjaa se.',
  notAnObject: 'Lähetä lomakkeen kentät.',
} as const;

/** What the subject asked for, as a noun phrase: "Pyyntösi (tarkastuspyyntö) …". */
export const typeNames: Record<RequestType, string> = {
  access: 'tarkastuspyyntö',
  rectification: 'oikaisupyyntö',
  erasure: 'poistopyyntö',
  restriction: 'käsittelyn rajoittamista koskeva pyyntö',
  portability: 'tietojen siirtoa koskeva pyyntö',
  objection: 'käsittelyn vastustaminen',
  marketing_ban: 'suoramarkkinointikielto',
};

/** Status names as the subject sees them. */
export const statusNames = {
  awaiting_confirmation: 'Odottaa vahvistusta',
  received: 'Vastaanotettu',
  in_progress: 'Käsittelyssä',
  completed: 'Valmis',
  rejected: 'Hylätty',
  forwarded: 'Välitetty rekisterinpitäjälle',
} as const;

/** A calendar date (YYYY-MM-DD) the Finnish way: 28.2.2026. */
export function formatDay(date: string): string {
  const [year, month, day] = date.slice(0, 10).split('-').map(Number);
  return `${day}.${month}.${year}`;
}

/** The day of an instant in Finland: 28.2.2026 (empty when there is none). */
export function formatInstantDay(instant: string | undefined): string {
  return instant ? formatDay(finnishDate(new Date(instant))) : '';
}

/** An instant with its time in Finland: 28.2.2026 klo 14.05. */
export function formatMoment(instant: string): string {
  return new Date(instant).toLocaleString('fi-FI', { timeZone: 'Europe/Helsinki', dateStyle: 'short', timeStyle: 'short' });
}

/** A type's name as a title: "Poistopyyntö". */
export function typeTitle(type: RequestType): string {
  const name = typeNames[type];
  return name.charAt(0).toUpperCase() + name.slice(1);
}

/** What the subject is told when the request is in: the same words on the receipt page and from the form script. */
export const receipt = {
  title: 'Pyyntösi on vastaanotettu',
  confirm:
    'Lähetimme sähköpostiisi vahvistuslinkin. Avaa linkki ja vahvista pyyntö 7 päivän kuluessa: käsittelemme pyynnön vasta, kun se on vahvistettu. Jos et ehdi vahvistaa, lähetämme muistutuksen kahden päivän kuluttua. Jos viestiä ei näy, katso myös roskapostikansio. Jos sitä ei tule lainkaan, kirjoita meille: yhteystiedot ovat sivun alalaidassa.',
  organisation:
    'Kerroit käyttäväsi Opinaika-palvelua koulun, kunnan tai yrityksen kautta. Silloin rekisterinpitäjä on tuo organisaatio, ja Alfasoft Oy käsittelee tietoja sen puolesta. Välitämme pyyntösi organisaatiolle ja autamme sitä vastaamaan.',
  banTitle: 'Suoramarkkinointikielto on kirjattu',
  /** Exactly what the ban was recorded for, never more; not the address itself, as a receipt's URL is not secret. */
  ban: (phone: boolean) =>
    phone
      ? 'Kielto on kirjattu sähköpostiosoitteellesi ja puhelinnumerollesi: emme käytä niitä suoramarkkinointiin sähköpostilla, puhelimella emmekä tekstiviestillä.'
      : 'Kielto on kirjattu sähköpostiosoitteellesi: emme käytä sitä suoramarkkinointiin sähköpostilla.',
  banInForce: 'Kielto on voimassa heti. Lähetimme kuittauksen sähköpostiisi.',
  banPhone: 'Jos haluat kieltää myös markkinointipuhelut ja -tekstiviestit, tee kielto uudelleen ja anna puhelinnumerosi.',
  reference: 'Viitenumero',
  /** A receipt's heading and paragraphs: of a ban (with a phone or not) or a request (of an organisation user or not). */
  of: (sent: { ban: boolean; reference?: string | undefined; organisation?: boolean; phone?: boolean }): { title: string; paragraphs: string[] } => {
    const { ban, reference, organisation = false, phone = false } = sent;
    const said = ban
      ? [receipt.ban(phone), receipt.banInForce, ...(phone ? [] : [receipt.banPhone])]
      : [receipt.confirm, ...(organisation ? [receipt.organisation] : [])];
    return {
      title: ban ? receipt.banTitle : receipt.title,
      paragraphs: reference ? [...said, `${receipt.reference}: ${reference}`] : said,
    };
  },
};

/**
 * The Art. 15(1) information in the answer to a completed access request (mail and status page): its title,
 * where it comes from, and a heading per item. The items' own text is the notice's, word for word.
 */
export const art15Texts = {
  title: 'Tietoja käsittelystä (EU:n tietosuoja-asetuksen 15 artikla)',
  from: (updated: string) =>
    `Alla olevat tiedot henkilötietojesi käsittelystä ovat tietosuojaselosteestamme sellaisinaan (seloste päivitetty ${updated}).`,
  onStatusPage: 'Samat tiedot ovat myös pyyntösi tilasivulla. Pääset sille linkistä, jonka lähetimme sinulle, kun pyyntösi vahvistettiin.',
  /** When the server has no copy of the notice's sections (the site was built without them). */
  missing: 'Tiedot henkilötietojesi käsittelystä ovat tietosuojaselosteessamme Opinaika-palvelun tietosuojasivulla.',
  noticeLink: 'Lue koko tietosuojaseloste',
  headings: {
    purposes: 'Käsittelyn tarkoitus ja oikeusperuste',
    categories: 'Käsiteltävät henkilötiedot',
    recipients: 'Tietojen vastaanottajat',
    transfers: 'Tietojen siirto EU:n ja ETA:n ulkopuolelle',
    retention: 'Kuinka kauan tietoja säilytetään',
    rights: 'Muut oikeutesi',
    complaint: 'Oikeus valittaa tietosuojavaltuutetulle',
    sources: 'Mistä tiedot saadaan',
    automated: 'Automaattinen päätöksenteko ja profilointi',
  } satisfies Record<Art15Key, string>,
} as const;

/** Why staff cannot do what they tried, named so they know what to change. */
export const refusals = {
  wrongState: (status: keyof typeof statusNames) => `Toiminto ei sovi pyynnölle, jonka tila on "${statusNames[status]}".`,
  extendOnce: 'Määräaikaa voi pidentää vain kerran.',
  transferTo: 'Kerro, kenelle tiedot siirrettiin (enintään 500 merkkiä).',
  transferOn: 'Anna siirron päivä; se ei voi olla tulevaisuudessa.',
  transferWhat: 'Kerro, mitkä tiedot siirrettiin (enintään 2 000 merkkiä).',
  transferHow: 'Kerro, miten tiedot siirrettiin, esimerkiksi "suojattu siirtopalvelu" (enintään 500 merkkiä).',
  recipientEmailNeeded: 'Anna organisaation sähköpostiosoite, johon pyyntö välitetään, esimerkiksi tietosuoja@koulu.fi.',
  pseudonymised: 'Pyynnöstä on poistettu henkilötiedot säilytysajan päätyttyä, joten siihen ei voi enää lisätä merkintöjä.',
  extendTooLate: (due: string) => `Määräaikaa voi pidentää vain ennen alkuperäisen määräajan (${due}) päättymistä.`,
  untilNeeded: 'Anna uusi määräaika päivämääränä.',
  untilTooEarly: (due: string) => `Uuden määräajan pitää olla alkuperäisen määräajan (${due}) jälkeen.`,
  untilTooLate: (latest: string) => `Määräaikaa voi pidentää enintään kahdella kuukaudella, eli viimeistään ${latest}.`,
  reasonNeeded: 'Kirjoita perustelu: se lähetetään rekisteröidylle.',
  answerNeeded: 'Kirjoita vastaus: se lähetetään rekisteröidylle.',
  noteNeeded: 'Kirjoita muistiinpano.',
  forwardPrivate: 'Pyynnön voi välittää vain, kun rekisteröity käyttää palvelua organisaation kautta.',
  tooLong: (max: number) => `Teksti on liian pitkä: enintään ${max} merkkiä.`,
} as const;

/** The answer's files on the status page, and the pages of a download that cannot be had. */
export const downloads = {
  heading: 'Vastauksen tiedostot',
  intro: 'Lataa tiedostot tästä. Ne ovat ladattavissa vain tämän sivun kautta, eikä niitä lähetetä sähköpostilla.',
  size: 'Koko',
  checksum: 'SHA-256-tarkistussumma',
  until: (moment: string) => `Ladattavissa ${moment} asti. Sen jälkeen tiedosto poistetaan.`,
  deleted: (moment: string) => `Latausaika päättyi ${moment}, ja tiedosto on poistettu.`,
  bytes: (n: number) => `${n.toLocaleString('fi-FI')} tavua`,
  title: 'Tiedostoa ei voi ladata',
  unknownLink: 'Linkki ei ole voimassa. Tarkista, että kopioit sen kokonaan tilasivun viestistä.',
  unknownFile: 'Tätä tiedostoa ei löytynyt pyyntösi vastauksesta. Palaa pyyntösi tilasivulle ja lataa tiedosto sieltä.',
  expired: (moment: string) => `Tiedoston latausaika päättyi ${moment}, ja tiedosto on poistettu. Jos tarvitset tiedot vielä, tee uusi pyyntö.`,
  unavailable: 'Tiedostoa ei juuri nyt voi ladata. Yritä myöhemmin uudelleen, tai ota yhteyttä osoitteeseen info@alfasoft.fi.',
} as const;

/**
 * What the subject asked us to do, to follow "pyyntösi" (or "pyyntöäsi") in a sentence, so a mail reads
 * "Saimme pyyntösi poistaa tietosi Opinaika-palvelusta" rather than naming a form.
 */
export const requestedTo: Record<RequestType, string> = {
  access: 'tarkastaa tietosi Opinaika-palvelussa',
  rectification: 'korjata tietosi Opinaika-palvelussa',
  erasure: 'poistaa tietosi Opinaika-palvelusta',
  restriction: 'rajoittaa tietojesi käsittelyä Opinaika-palvelussa',
  portability: 'saada tietosi Opinaika-palvelusta koneluettavassa muodossa',
  objection: 'lopettaa tietojesi käsittely Opinaika-palvelussa',
  marketing_ban: 'kieltää tietojesi käyttö suoramarkkinointiin',
};

/** The dates of a request as the subject reads them, each its own word, apart from the name of its state. */
export const dateLabels = {
  arrived: 'Pyyntö saapui',
  confirmed: 'Vahvistettu',
  started: 'Käsittely alkoi',
  extended: 'Määräaikaa pidennetty',
  decided: 'Ratkaistu',
  due: 'Vastaamme viimeistään',
} as const;

/** The deadline (GDPR Art. 12(3)): a month from the day the request arrived, as the subject and staff are told it. */
export const deadlineTexts = {
  due: (due: string) => `Vastaamme viimeistään ${due}, eli kuukauden kuluessa siitä, kun pyyntösi saapui.`,
  extensionPossible:
    'Jos pyyntö on monimutkainen tai pyyntöjä on paljon, voimme pidentää määräaikaa enintään kahdella kuukaudella. Kerromme silloin sinulle pidennyksestä ja sen syystä ennen kuin alkuperäinen määräaika päättyy.',
  staffBasis: (arrived: string) => `kuukausi pyynnön saapumisesta ${arrived}`,
} as const;

/**
 * What a subject who disagrees with a decision can do (GDPR Art. 77–79), in the mails and on the status page:
 * the complaint's sentence ends with the Ombudsman's site, which each puts in as a link.
 */
export const remedies = {
  heading: 'Jos olet eri mieltä ratkaisusta',
  complaint:
    'Voit tehdä valituksen tietosuojavaltuutetulle (EU:n tietosuoja-asetuksen 77 artikla). Valitus on maksuton, ja sen voi tehdä tietosuojavaltuutetun toimiston sivuilla osoitteessa',
  complaintSite: 'https://tietosuoja.fi',
  appeal:
    'Jos tietosuojavaltuutettu tekee asiassasi päätöksen, voit hakea siihen muutosta valittamalla hallinto-oikeuteen (78 artikla). Hallinto-oikeuteen voit valittaa myös, jos tietosuojavaltuutettu ei käsittele valitustasi tai ei kolmen kuukauden kuluessa kerro sinulle, miten asia etenee.',
  action:
    'Voit myös nostaa kanteen meitä vastaan käräjäoikeudessa (79 artikla), jos katsot, että tietojesi käsittely on loukannut oikeuksiasi.',
} as const;
