/** The Finnish e-mails to a data subject. They carry links and the reference, never the subject's own text. */
import { formatDay, typeNames } from '../requests/messages.ts';
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
