/** Every Finnish word of the requests area: field labels, validation messages, type and status names. */
import type { Art15Key } from './art15.ts';
import { finnishDate } from './deadline.ts';
import type { RequestType } from './types.ts';

/** Labels and hints of the form fields, by field name. */
export const fieldLabels = {
  name: { label: 'Nimi', hint: 'Etu- ja sukunimi, jolla sinut tunnetaan palvelussa.' },
  email: { label: 'Sähköpostiosoite', hint: 'Lähetämme vahvistuslinkin ja vastauksen tähän osoitteeseen.' },
  phone: { label: 'Puhelinnumero', hint: 'Vapaaehtoinen. Soitamme vain, jos pyyntösi vaatii tarkennusta.' },
  relation: { label: 'Miten käytät Opinaika-palvelua?' },
  organisation: { label: 'Organisaation nimi', hint: 'Esimerkiksi koulu, kunta tai yritys.' },
  username: { label: 'Käyttäjätunnus', hint: 'Vapaaehtoinen. Auttaa meitä löytämään tietosi.' },
  details: { label: 'Lisätiedot', hint: 'Kerro omin sanoin, mitä pyydät.' },
  wrong: { label: 'Mikä tieto on väärin?' },
  correct: { label: 'Mikä on oikea tieto?' },
  format: { label: 'Missä muodossa haluat tiedot?' },
  recipient: { label: 'Toinen palveluntarjoaja', hint: 'Vapaaehtoinen. Jos haluat, että lähetämme tiedot suoraan toiselle palveluntarjoajalle, kerro sen nimi ja yhteystiedot.' },
  restrictMeanwhile: { label: 'Rajoittakaa tietojeni käsittelyä, kunnes pyyntöni on ratkaistu.' },
  website: { label: 'Jätä tämä kenttä tyhjäksi' },
} as const;

export const choiceLabels = {
  relation: { private: 'Itse, yksityisasiakkaana', organisation: 'Koulun, kunnan tai yrityksen kautta' },
  format: { json: 'JSON (koneluettava)', csv: 'CSV (taulukko)' },
} as const;

/** What the details field asks for, where a type needs more than the general hint. */
export const detailsHintFor: Partial<Record<RequestType, string>> = {
  restriction: 'Kerro, miksi käsittelyä pitää rajoittaa: esimerkiksi kiistät tietojen oikeellisuuden tai odotat vastausta vastustukseesi.',
  objection: 'Kerro, mihin käsittelyyn vastustuksesi kohdistuu ja mikä erityinen tilanteesi on.',
  erasure: 'Vapaaehtoinen. Kerro, jos haluat poistettavaksi vain osan tiedoistasi.',
  access: 'Vapaaehtoinen. Kerro, jos haluat vain osan tiedoistasi.',
};

/** A label as the subject of a message: "Mikä tieto on väärin?" → "Mikä tieto on väärin". */
const named = (label: string) => label.replace(/[?:.]$/, '');

/** Validation messages, each naming its field. None of them repeats what was typed. */
export const errors = {
  required: (label: string) => `${named(label)}: tämä tieto tarvitaan.`,
  tooLong: (label: string, max: number) => `${named(label)}: enintään ${max} merkkiä.`,
  control: (label: string) => `${named(label)}: kentässä on merkkejä, joita ei voi käyttää.`,
  text: (label: string) => `${named(label)}: anna vastaus tekstinä.`,
  email: 'Sähköpostiosoite: tarkista osoite. Sen pitää olla muotoa nimi@esimerkki.fi.',
  phone: 'Puhelinnumero: anna numero numeroina, esimerkiksi 040 123 4567.',
  relation: 'Miten käytät Opinaika-palvelua: valitse toinen vaihtoehdoista.',
  format: 'Missä muodossa haluat tiedot: valitse JSON tai CSV.',
  checkbox: (label: string) => `${named(label)}: valitse tai jätä valitsematta.`,
  honeypot: 'Jätä tämä kenttä tyhjäksi.',
  type: 'Pyynnön tyyppi puuttuu tai on tuntematon. Avaa lomake uudelleen oikeuden sivulta.',
  unknownField: 'Lomakkeessa oli kenttiä, joita emme tunne. Avaa lomake uudelleen oikeuden sivulta.',
  repeatedField: (label: string) => `${named(label)}: kenttä tuli useammin kuin kerran.`,
  fallback: 'Tarkista tämä kenttä.',
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

/** What the subject is told when the request is in, on the receipt page and by the form script. */
export const receipt = {
  title: 'Pyyntösi on vastaanotettu',
  confirm:
    'Lähetimme sähköpostiisi vahvistuslinkin. Avaa linkki ja vahvista pyyntö 7 päivän kuluessa: käsittelemme pyynnön vasta, kun se on vahvistettu. Jos viestiä ei näy, katso myös roskapostikansio.',
  organisation:
    'Kerroit käyttäväsi Opinaika-palvelua koulun, kunnan tai yrityksen kautta. Silloin rekisterinpitäjä on tuo organisaatio, ja Alfasoft Oy käsittelee tietoja sen puolesta. Välitämme pyyntösi organisaatiolle ja autamme sitä vastaamaan.',
  banTitle: 'Suoramarkkinointikielto on kirjattu',
  ban: 'Kielto on voimassa heti: emme käytä sähköpostiosoitettasi suoramarkkinointiin. Lähetimme vahvistuksen sähköpostiisi.',
  reference: 'Viitenumero',
} as const;

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
