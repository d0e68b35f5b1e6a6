/**
 * The Finnish e-mails to a data subject, to an organisation and to staff. They carry links, the reference and
 * staff's words, never the subject's own text. A mail to a subject or an organisation is signed with the
 * controller's contact from the notice, and answers to it go there (Reply-To).
 */
import { art15Text, builtArt15, type Art15, type Controller } from '../requests/art15.ts';
import {
  art15Texts,
  dateLabels,
  deadlineTexts,
  formatDay,
  formatInstantDay as day,
  remedies,
  requestedTo,
  typeNames,
} from '../requests/messages.ts';
import { dueSoonDays, type DueSummary } from '../requests/digest.ts';
import { confirmationDays, type RequestRecord } from '../requests/record.ts';

export type MailText = { subject: string; text: string; replyTo?: string };

/** A mail from the controller: greeted, signed with its name, address and phone, and answered to its address. */
function fromController(controller: Controller, subject: string, body: string): MailText {
  return {
    subject,
    text: `Hei,\n\n${body}\n\nYstävällisin terveisin\n${controller.name}, Opinaika\n${controller.email}\npuh. ${controller.phone}\n`,
    replyTo: controller.email,
  };
}

const organisationNote = (record: RequestRecord) =>
  record.subject.relation === 'organisation'
    ? `\n\nKäytät Opinaika-palvelua organisaation kautta, joten tietojesi rekisterinpitäjä on organisaatiosi. Välitämme pyyntösi sille ja autamme sitä vastaamaan.`
    : '';

/** What was asked, with the reference, to follow "pyyntösi": "poistaa tietosi Opinaika-palvelusta (viitenumero TS-2026-00001)". */
const asked = (record: RequestRecord) => `${requestedTo[record.type]} (viitenumero ${record.reference})`;

/** The three ways to take a decision further (GDPR Art. 77–79). */
const remediesText = `${remedies.heading}:

• ${remedies.complaint} ${remedies.complaintSite}.
• ${remedies.appeal}
• ${remedies.action}`;

export function confirmMail(record: RequestRecord, link: string, controller: Controller): MailText {
  return fromController(
    controller,
    'Vahvista tietosuojapyyntösi',
    `saimme ${day(record.createdAt)} pyyntösi ${requestedTo[record.type]}. Pyynnön viitenumero on ${record.reference}.

Vahvista vielä, että pyyntö on sinun: avaa alla oleva linkki ja paina avautuvalla sivulla Vahvista pyyntö -painiketta.

${link}

Linkki on voimassa ${confirmationDays} päivää. Käsittelemme pyynnön vasta, kun se on vahvistettu. Näin varmistamme, että pyynnön on tehnyt tämän sähköpostiosoitteen haltija.

Jos et tehnyt pyyntöä, voit jättää tämän viestin huomiotta. Vahvistamaton pyyntö poistuu itsestään.`,
  );
}

/** The one reminder (reminders.ts), two days after the request was made; its link replaces the first one. */
export function confirmReminderMail(record: RequestRecord, link: string, controller: Controller): MailText {
  const until = record.confirmBy ? ` ${day(record.confirmBy)} asti` : '';
  return fromController(
    controller,
    'Muistutus: vahvista tietosuojapyyntösi',
    `saimme ${day(record.createdAt)} pyyntösi ${requestedTo[record.type]} (viitenumero ${record.reference}), mutta sitä ei ole vielä vahvistettu. Käsittelemme pyynnön vasta, kun se on vahvistettu.

Vahvista pyyntö avaamalla alla oleva linkki ja painamalla avautuvalla sivulla Vahvista pyyntö -painiketta:

${link}

Linkki on voimassa${until}. Aiemmassa viestissä ollut linkki ei enää toimi, joten käytä tätä. Tämä on ainoa muistutus.

Jos et tehnyt pyyntöä, voit jättää tämän viestin huomiotta. Vahvistamaton pyyntö poistuu itsestään.`,
  );
}

export function confirmedMail(record: RequestRecord, link: string, controller: Controller): MailText {
  const due = record.dueAt ? `\n\n${deadlineTexts.due(formatDay(record.dueAt))} ${deadlineTexts.extensionPossible}` : '';
  return fromController(
    controller,
    `Pyyntösi ${record.reference} on vahvistettu`,
    `kiitos, vahvistit pyyntösi ${requestedTo[record.type]}. Olemme ottaneet sen käsittelyyn.

Viitenumero: ${record.reference}
${dateLabels.arrived}: ${day(record.createdAt)}
${dateLabels.confirmed}: ${day(record.confirmedAt)}${due}${organisationNote(record)}

Voit seurata pyyntösi käsittelyä tästä linkistä:

${link}

Linkki on henkilökohtainen: älä jaa sitä muille. Jos haluat kysyä pyynnöstäsi, vastaa tähän viestiin.`,
  );
}

/** Names what was recorded: the address, the phone number when one was given, and the channels the ban covers. */
export function banReceiptMail(record: RequestRecord, controller: Controller): MailText {
  const { email, phone } = record.subject;
  return fromController(
    controller,
    'Suoramarkkinointikielto on kirjattu',
    `kirjasimme suoramarkkinointikieltosi, ja se on voimassa heti. Emme käytä näitä tietojasi suoramarkkinointiin:

Sähköpostiosoite: ${email}${phone ? `\nPuhelinnumero: ${phone}` : ''}

Kielto koskee ${phone ? 'sähköpostia, puheluita ja tekstiviestejä' : 'sähköpostia'}.

Viitenumero: ${record.reference}

Jos et itse tehnyt kieltoa tai haluat kysyä siitä, vastaa tähän viestiin.`,
  );
}

export function extendedMail(record: RequestRecord, controller: Controller): MailText {
  const until = record.extension ? formatDay(record.extension.until) : '';
  const first = record.dueAt ? ` Alkuperäinen määräaika oli ${formatDay(record.dueAt)}, kuukausi siitä, kun pyyntösi saapui (${day(record.createdAt)}).` : '';
  return fromController(
    controller,
    `Pyyntösi ${record.reference} käsittelyaikaa on pidennetty`,
    `käsittelemme yhä pyyntöäsi ${asked(record)}, mutta se vie tavallista kauemmin. Siksi pidennämme määräaikaa: vastaamme viimeistään ${until}.${first}

Perustelu:
${record.extension?.reason ?? ''}

Tietosuoja-asetuksen mukaan määräaikaa voi pidentää enintään kahdella kuukaudella, jos pyyntö on monimutkainen tai pyyntöjä on paljon.`,
  );
}

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
export function decisionMail(record: RequestRecord, controller: Controller, art15: () => Art15 | undefined = builtArt15): MailText {
  const reason = record.decision?.reason ?? '';
  switch (record.decision?.outcome) {
    case 'rejected':
      return fromController(
        controller,
        `Pyyntöäsi ${record.reference} ei voitu toteuttaa`,
        `emme voi toteuttaa pyyntöäsi ${asked(record)}.\n\nPerustelu:\n${reason}\n\n${remediesText}\n\nJos haluat kysyä ratkaisusta, vastaa tähän viestiin.`,
      );
    case 'forwarded': {
      const organisation = record.subject.organisation ? ` (${record.subject.organisation})` : '';
      const address = record.decision.forwardedTo ? ` osoitteeseen ${record.decision.forwardedTo}` : '';
      return fromController(
        controller,
        `Pyyntösi ${record.reference} on välitetty rekisterinpitäjälle`,
        `käytät Opinaika-palvelua organisaation kautta${organisation}, joten tietojesi rekisterinpitäjä on organisaatio. Olemme välittäneet pyyntösi ${asked(record)} sille${address}, ja se vastaa sinulle. Autamme organisaatiota vastaamaan.${reason ? `\n\n${reason}` : ''}`,
      );
    }
    default:
      return fromController(
        controller,
        `Pyyntösi ${record.reference} on käsitelty`,
        `olemme käsitelleet pyyntösi ${asked(record)}.\n\n${reason}\n\n${accessInformation(record, art15)}${remediesText}`,
      );
  }
}

/**
 * To the organisation a request was forwarded to (it is the controller; we are its processor): the
 * reference, the type, when it arrived, who asked and how to reach them, and what they asked, and nothing more.
 */
export function organisationMail(record: RequestRecord, controller: Controller): MailText {
  const { name, email, phone, organisation, username } = record.subject;
  const lines = [
    ['Viitenumero', record.reference],
    ['Pyyntö', typeNames[record.type]],
    [dateLabels.arrived, day(record.createdAt)],
    [dateLabels.confirmed, day(record.confirmedAt)],
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
  return fromController(
    controller,
    `Tietosuojapyyntö ${record.reference} välitetään teille rekisterinpitäjänä`,
    `Opinaika-palvelun käyttäjä on tehnyt tietosuojapyynnön, joka koskee tietoja, joiden rekisterinpitäjä organisaationne on. ` +
      `${controller.name} käsittelee tietoja puolestanne ja välittää pyynnön teille vastattavaksi. Pyytäjälle on kerrottu, että vastaatte hänelle.\n\n` +
      `${lines.map(([label, value]) => `${label}: ${value}`).join('\n')}\n\n` +
      `Vastatkaa pyyntöön viimeistään kuukauden kuluessa siitä, kun se saapui (EU:n tietosuoja-asetuksen 12 artiklan 3 kohta). Autamme mielellämme tietojen koonnissa: vastatkaa tähän viestiin.`,
  );
}

/** To the subject: their data was sent to the provider they named, on which day, what and how. */
export function transferMail(record: RequestRecord, controller: Controller): MailText {
  const last = record.transfers?.at(-1);
  const details = last ? `Vastaanottaja: ${last.to}\nPäivä: ${formatDay(last.on)}\nSiirretyt tiedot: ${last.what}\nTapa: ${last.how}` : '';
  return fromController(
    controller,
    `Tietosi on siirretty (${record.reference})`,
    `olemme siirtäneet tietosi toiselle palveluntarjoajalle, kuten pyysit (viitenumero ${record.reference}).\n\n${details}\n\nSiirto näkyy myös pyyntösi tilasivulla. Jos siirrossa on jotain vialla, vastaa tähän viestiin.`,
  );
}

/** To STAFF_NOTIFY_TO: the reference and the link only, no personal data. */
export function staffNotifyMail(record: RequestRecord, link: string): MailText {
  return {
    subject: `Uusi tietosuojapyyntö ${record.reference}`,
    text: `Uusi vahvistettu tietosuojapyyntö ${record.reference} odottaa käsittelyä.\n\n${link}\n`,
  };
}

/** How many references of each kind the digest lists. */
const digestListed = 50;

/** To STAFF_NOTIFY_TO once a day (digest.ts): the references due and the links to them, no personal data. */
export function staffDigestMail(summary: DueSummary, linkOf: (reference: string) => string): MailText {
  // The most pressing first, and at most `digestListed` of each: the staff list has the rest.
  const section = (heading: string, references: readonly string[]) => {
    if (references.length === 0) return '';
    const listed = references.slice(0, digestListed).map((reference) => `• ${reference} ${linkOf(reference)}`);
    const more = references.length > digestListed ? `\n… ja ${references.length - digestListed} muuta, jotka näet henkilöstön pyyntölistalta.` : '';
    return `${heading}: ${references.length}\n${listed.join('\n')}${more}`;
  };
  const sections = [
    section('Myöhässä', summary.overdue),
    section(`Määräaika päättyy ${dueSoonDays} päivän kuluessa`, summary.dueSoon),
    section(`Määräaikaa pidennetty, ratkaisua odottaa (määräaikaan yli ${dueSoonDays} päivää)`, summary.extended),
  ].filter(Boolean);
  const count = summary.overdue.length + summary.dueSoon.length + summary.extended.length;
  return {
    subject: `Tietosuojapyyntöjen määräajat: ${summary.overdue.length} myöhässä, ${summary.dueSoon.length} erääntyy pian`,
    text: `Kesken on ${count} tietosuojapyyntöä, joiden määräaika on ohi, lähellä tai jo pidennetty.\n\n${sections.join('\n\n')}\n\nTämä viesti lähtee kerran päivässä, kun jokin pyyntö on myöhässä, erääntymässä tai pidennetty.\n`,
  };
}
