/**
 * What this service itself holds about a subject, as one JSON file added to every access and portability answer
 * (GDPR Art. 15(3) and 20), so the answer is complete about the service: their requests with every field and
 * event, and their marketing ban, found by their e-mail address. Keys are Finnish: the subject reads it.
 */
import type { MarketingBan } from '../requests/collections.ts';
import { typeNames, statusNames } from '../requests/messages.ts';
import type { RequestRecord } from '../requests/record.ts';

/** The file's name as the subject sees it. */
export const ownDataName = 'opinaika-tietosuojapalvelun-tiedot.json';

export function ownData(email: string, records: readonly RequestRecord[], ban: MarketingBan | undefined, now: Date): Uint8Array {
  const request = (r: RequestRecord) =>
    present({
      viite: r.reference,
      tyyppi: typeNames[r.type],
      tila: statusNames[r.status],
      vastaanotettu: r.createdAt,
      vahvistettu: r.confirmedAt,
      määräaika: r.extension?.until ?? r.dueAt,
      henkilötiedot: present({
        nimi: r.subject.name,
        sähköposti: r.subject.email,
        puhelin: r.subject.phone,
        organisaatio: r.subject.organisation,
        käyttäjätunnus: r.subject.username,
      }),
      lisätiedot: r.details,
      virheellinen_tieto: r.wrong,
      oikea_tieto: r.correct,
      vastaanottaja: r.recipient,
      muoto: r.format,
      pidennys: r.extension && { asti: r.extension.until, perustelu: r.extension.reason },
      ratkaisu: r.decision && { tulos: r.decision.outcome, perustelu: r.decision.reason, aika: r.decision.at },
      tapahtumat: r.events.map((e) => present({ aika: e.at, tapahtuma: e.action, merkintä: e.note })),
    });
  const data = {
    palvelu: 'Opinaika, tietosuojapyyntöjen käsittely (Alfasoft Oy)',
    koottu: now.toISOString(),
    sähköpostiosoite: email,
    pyynnöt: [...records].sort((a, b) => a.createdAt.localeCompare(b.createdAt)).map(request),
    suoramarkkinointikielto: ban ? { sähköpostiosoite: ban.email, puhelinnumerot: ban.phones ?? [], voimassa_alkaen: ban.createdAt } : null,
  };
  return new TextEncoder().encode(`${JSON.stringify(data, null, 2)}\n`);
}

function present<T extends Record<string, unknown>>(object: T): Partial<T> {
  return Object.fromEntries(Object.entries(object).filter(([, value]) => value !== undefined && value !== '')) as Partial<T>;
}
