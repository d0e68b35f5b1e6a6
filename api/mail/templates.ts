/** The Finnish e-mails to a data subject and to staff. They carry links, the reference and staff's words, never the subject's own text. */
import { art15Text, builtArt15, type Art15 } from '../requests/art15.ts';
import { art15Texts, formatDay, typeNames } from '../requests/messages.ts';
import type { RequestRecord } from '../requests/record.ts';

export type MailText = { subject: string; text: string };

const signature = `Ystävällisin terveisin
Alfasoft Oy, Opinaika
info@alfasoft.fi`;

const organisationNote = (record: RequestRecord) =>
  record.subject.relation === 'organisation'
    ? `\nKäytät Opinaika-palvelua organisaation kautta, joten tietojesi rekisterinpitäjä on organisaatiosi. Välitämme pyyntösi sille ja autamme sitä vastaamaan.\n`
    : '';

export function confirmMail(record: RequestRecord, link: string): MailText {
  return {
    subject: 'Vahvista tietosuojapyyntösi',
    text: `Hei,

olemme vastaanottaneet Opinaika-palvelun tietosuojasivulla tehdyn pyynnön (${typeNames[record.type]}).

Vahvista pyyntö avaamalla linkki ja painamalla avautuvalla sivulla Vahvista pyyntö -painiketta:

${link}

Linkki on voimassa 7 päivää. Käsittelemme pyynnön vasta, kun se on vahvistettu. Näin varmistamme, että pyyntö tulee tämän sähköpostiosoitteen omistajalta.

Jos et tehnyt pyyntöä, voit jättää tämän viestin huomiotta. Vahvistamaton pyyntö vanhenee itsestään.

${signature}
`,
  };
}

export function confirmedMail(record: RequestRecord, link: string): MailText {
  const due = record.dueAt ? `\nVastaamme viimeistään ${formatDay(record.dueAt)}.\n` : '';
  return {
    subject: `Pyyntösi ${record.reference} on vahvistettu`,
    text: `Hei,

kiitos, pyyntösi (${typeNames[record.type]}) on vahvistettu ja otettu käsittelyyn.

Viitenumero: ${record.reference}
${due}${organisationNote(record)}
Voit seurata pyyntösi käsittelyä tästä linkistä:

${link}

Linkki on henkilökohtainen: älä jaa sitä muille.

${signature}
`,
  };
}

export function banReceiptMail(record: RequestRecord): MailText {
  return {
    subject: 'Suoramarkkinointikielto on kirjattu',
    text: `Hei,

olemme kirjanneet tälle sähköpostiosoitteelle suoramarkkinointikiellon. Kielto on voimassa heti: emme käytä tietojasi suoramarkkinointiin.

Viitenumero: ${record.reference}

Jos et itse tehnyt kieltoa tai haluat kysyä siitä, vastaa osoitteeseen info@alfasoft.fi.

${signature}
`,
  };
}

export function extendedMail(record: RequestRecord): MailText {
  const extension = record.extension;
  return {
    subject: `Pyyntösi ${record.reference} käsittelyaikaa on pidennetty`,
    text: `Hei,

pyyntösi (${typeNames[record.type]}, viitenumero ${record.reference}) käsittely vie tavallista kauemmin. Olemme pidentäneet määräaikaa, ja vastaamme viimeistään ${extension ? formatDay(extension.until) : ''}.

Perustelu:
${extension?.reason ?? ''}

Tietosuoja-asetuksen mukaan määräaikaa voi pidentää enintään kahdella kuukaudella, jos pyyntö on monimutkainen tai pyyntöjä on paljon.

${signature}
`,
  };
}

const complaint = `Jos olet ratkaisusta eri mieltä, sinulla on oikeus tehdä valitus tietosuojavaltuutetulle. Valitus tehdään tietosuojavaltuutetun toimiston verkkosivuilla osoitteessa https://tietosuoja.fi. Sinulla on myös oikeus hakea muutosta tuomioistuimessa.`;

/**
 * A completed access request is answered with the Art. 15(1) information, the notice's own words, and told
 * where the status page has the same; nothing of the subject's in it.
 */
function accessInformation(record: RequestRecord, art15: () => Art15 | undefined): string {
  if (record.type !== 'access' || record.decision?.outcome !== 'completed') return '';
  const answer = art15();
  return `${art15Text(answer)}\n\n${answer ? `${art15Texts.onStatusPage}\n\n` : ''}`;
}

/** `art15` is the notice's answer to an access request; by default the one the served site was built with. */
export function decisionMail(record: RequestRecord, art15: () => Art15 | undefined = builtArt15): MailText {
  const reason = record.decision?.reason ?? '';
  const about = `(${typeNames[record.type]}, viitenumero ${record.reference})`;
  switch (record.decision?.outcome) {
    case 'rejected':
      return {
        subject: `Pyyntöäsi ${record.reference} ei voitu toteuttaa`,
        text: `Hei,\n\nemme voi toteuttaa pyyntöäsi ${about}.\n\nPerustelu:\n${reason}\n\n${complaint}\n\n${signature}\n`,
      };
    case 'forwarded':
      return {
        subject: `Pyyntösi ${record.reference} on välitetty rekisterinpitäjälle`,
        text: `Hei,\n\nkäytät Opinaika-palvelua organisaation kautta${record.subject.organisation ? ` (${record.subject.organisation})` : ''}, joten tietojesi rekisterinpitäjä on organisaatio. Olemme välittäneet pyyntösi ${about} sille${record.decision.forwardedTo ? ` osoitteeseen ${record.decision.forwardedTo}` : ''}, ja se vastaa sinulle. Autamme organisaatiota vastaamaan.\n${reason ? `\n${reason}\n` : ''}\n${signature}\n`,
      };
    default:
      return {
        subject: `Pyyntösi ${record.reference} on käsitelty`,
        text: `Hei,\n\npyyntösi ${about} on käsitelty.\n\n${reason}\n\n${accessInformation(record, art15)}${complaint}\n\n${signature}\n`,
      };
  }
}

/**
 * To the organisation a request was forwarded to (it is the controller; Alfasoft Oy is its processor): the
 * reference, the type, who asked and how to reach them, and what they asked, and nothing more.
 */
export function organisationMail(record: RequestRecord): MailText {
  const { name, email, phone, organisation, username } = record.subject;
  const lines = [
    ['Viitenumero', record.reference],
    ['Pyyntö', typeNames[record.type]],
    ['Pyytäjä', name],
    ['Sähköposti', email],
    ['Puhelin', phone],
    ['Organisaatio', organisation],
    ['Käyttäjätunnus palvelussa', username],
    ['Virheellinen tieto', record.wrong],
    ['Oikea tieto', record.correct],
    ['Toivottu muoto', record.format?.toUpperCase()],
    ['Vastaanottaja siirrolle', record.recipient],
    ['Lisätiedot', record.details],
  ].filter((pair): pair is [string, string] => typeof pair[1] === 'string' && pair[1] !== '');
  return {
    subject: `Tietosuojapyyntö ${record.reference} välitetään teille rekisterinpitäjänä`,
    text:
      `Hei,\n\nOpinaika-palvelun käyttäjä on tehnyt tietosuojapyynnön, joka koskee tietoja, joiden rekisterinpitäjä organisaationne on. ` +
      `Alfasoft Oy käsittelee tietoja puolestanne ja välittää pyynnön teille vastattavaksi. Pyytäjälle on kerrottu, että vastaatte hänelle.\n\n` +
      `${lines.map(([label, value]) => `${label}: ${value}`).join('\n')}\n\n` +
      `Vastatkaa pyyntöön kuukauden kuluessa sen saapumisesta (EU:n tietosuoja-asetuksen 12 artikla). Autamme mielellämme tietojen koonnissa: info@alfasoft.fi.\n\n${signature}\n`,
  };
}

/** To the subject: their data was sent to the provider they named, on which day, what and how. */
export function transferMail(record: RequestRecord): MailText {
  const last = record.transfers?.at(-1);
  const details = last ? `Vastaanottaja: ${last.to}\nPäivä: ${formatDay(last.on)}\nSiirretyt tiedot: ${last.what}\nTapa: ${last.how}` : '';
  return {
    subject: `Tietosi on siirretty (${record.reference})`,
    text: `Hei,\n\nolemme siirtäneet tietosi siirto-oikeutta koskevan pyyntösi (viitenumero ${record.reference}) mukaisesti.\n\n${details}\n\nSiirto näkyy myös pyyntösi tilasivulla. Jos siirrossa on jotain vialla, vastaa tähän viestiin tai kirjoita osoitteeseen info@alfasoft.fi.\n\n${signature}\n`,
  };
}

/** To STAFF_NOTIFY_TO: the reference and the link only, no personal data. */
export function staffNotifyMail(record: RequestRecord, link: string): MailText {
  return {
    subject: `Uusi tietosuojapyyntö ${record.reference}`,
    text: `Uusi vahvistettu tietosuojapyyntö ${record.reference} odottaa käsittelyä.\n\n${link}\n`,
  };
}
