/**
 * The subject's pages, rendered in the site's shell: the receipt after a plain form post, the confirmation
 * page behind the e-mailed link (a GET never confirms: mail scanners open links), and the status page.
 */
import { Hono, type Context } from 'hono';
import { html } from 'hono/html';
import type { Shell } from '../shell/index.ts';
import type { Store } from '../store/store.ts';
import { art15Html, builtArt15, type Art15 } from './art15.ts';
import { requests } from './collections.ts';
import { findByConfirmToken, findByStatusToken } from './intake.ts';
import { downloads, formatDay, formatInstantDay as day, formatMoment, receipt, statusNames, typeNames, typeTitle } from './messages.ts';
import type { StoredFile } from '../files/index.ts';
import type { RequestRecord } from './record.ts';
import type { FieldErrors } from './schema.ts';
import { isTokenShaped } from './tokens.ts';
import { isRequestType, rightSlugs } from './types.ts';


/** Pages behind a token: the token never leaves in a Referer header. */
function noReferrer(c: Context): void {
  c.header('Referrer-Policy', 'no-referrer');
}

export type SubjectPagesOptions = {
  store: Store;
  shell: Shell;
  now: () => Date;
  /** The notice's answer to an access request; by default the one the served site was built with. */
  art15?: () => Art15 | undefined;
};

export function subjectPages({ store, shell, now, art15 = builtArt15 }: SubjectPagesOptions): Hono {
  const app = new Hono();
  // Read at start, like the shell, so a site built without it is reported then.
  art15();

  app.get('/vastaanotettu/', (c) => {
    const type = c.req.query('tyyppi');
    if (type === 'marketing_ban') {
      return shell(c, { title: receipt.banTitle, main: html`<h1>${receipt.banTitle}</h1><p>${receipt.ban}</p>` });
    }
    const organisation = c.req.query('suhde') === 'organisation' ? html`<p>${receipt.organisation}</p>` : '';
    return shell(c, { title: receipt.title, main: html`<h1>${receipt.title}</h1><p>${receipt.confirm}</p>${organisation}` });
  });

  app.get('/vahvista/:token', (c) => {
    noReferrer(c);
    const token = c.req.param('token');
    const record = isTokenShaped(token) ? findByConfirmToken(store.view(requests), token, now()) : undefined;
    if (!record) return linkGonePage(c, shell);
    if (record.confirmedAt) return alreadyConfirmedPage(c, shell, record);
    const title = 'Vahvista pyyntösi';
    return shell(c, {
      title,
      main: html`<h1>${title}</h1>
        <p>Olet tekemässä pyynnön (${typeNames[record.type]}), viitenumero ${record.reference}. Vahvista, että pyyntö on sinun, niin otamme sen käsittelyyn.</p>
        <form method="post" action="/api/requests/confirm">
          <input type="hidden" name="token" value="${token}" />
          <button type="submit">Vahvista pyyntö</button>
        </form>
        <p>Jos et tehnyt pyyntöä, sulje tämä sivu. Vahvistamaton pyyntö vanhenee itsestään.</p>`,
    });
  });

  app.get('/tila/:token', (c) => {
    noReferrer(c);
    const token = c.req.param('token');
    const record = isTokenShaped(token) ? findByStatusToken(store.view(requests), token) : undefined;
    return record ? statusPage(c, shell, record, art15, token, now()) : linkGonePage(c, shell);
  });

  return app;
}

/** The answer's files: each one's name, size, SHA-256 and how long it can be downloaded, or when it went. */
function filesHtml(record: RequestRecord, statusToken: string, now: Date) {
  const files = record.files ?? [];
  if (files.length === 0) return '';
  const item = (file: StoredFile) => {
    const gone = file.deletedAt !== undefined || Date.parse(file.expiresAt) <= now.getTime();
    return html`<li>
      ${gone ? html`<strong>${file.name}</strong>` : html`<a href="${`/pyynto/tila/${statusToken}/tiedostot/${file.id}`}" download>${file.name}</a>`}
      <br />${downloads.size}: ${downloads.bytes(file.bytes)}. ${downloads.checksum}: <code>${file.sha256}</code>
      <br />${gone ? downloads.deleted(formatMoment(file.expiresAt)) : downloads.until(formatMoment(file.expiresAt))}
    </li>`;
  };
  return html`<h2>${downloads.heading}</h2><p>${downloads.intro}</p><ul class="files">${files.map(item)}</ul>`;
}

function statusPage(c: Context, shell: Shell, record: RequestRecord, art15: () => Art15 | undefined, statusToken: string, now: Date): Promise<Response> {
  const title = 'Pyyntösi tilanne';
  const due = record.extension?.until ?? record.dueAt;
  const decision = record.decision;
  return shell(c, {
    title,
    main: html`<h1>${title}</h1>
      <dl class="facts">
        <dt>${receipt.reference}</dt><dd>${record.reference}</dd>
        <dt>Pyyntö</dt><dd>${typeTitle(record.type)}</dd>
        <dt>Tila</dt><dd>${statusNames[record.status]}</dd>
        <dt>Vastaanotettu</dt><dd>${day(record.createdAt)}</dd>
        ${record.confirmedAt ? html`<dt>Vahvistettu</dt><dd>${day(record.confirmedAt)}</dd>` : ''}
        ${due && !decision ? html`<dt>Vastaamme viimeistään</dt><dd>${formatDay(due)}</dd>` : ''}
      </dl>
      ${record.extension && !decision ? html`<p>Määräaikaa on pidennetty. Perustelu: ${record.extension.reason}</p>` : ''}
      ${decision ? html`<h2>Ratkaisu</h2><p>${decision.reason}</p><p>Ratkaistu ${day(decision.at)}.</p>` : ''}
      ${record.transfers?.length
        ? html`<h2>Tietojen siirto</h2><ul class="transfers">${record.transfers.map(
            (transfer) => html`<li>${formatDay(transfer.on)}: ${transfer.to}. Siirretyt tiedot: ${transfer.what}. Tapa: ${transfer.how}.</li>`,
          )}</ul>`
        : ''}
      ${decision?.forwardedTo ? html`<p>Pyyntösi välitettiin rekisterinpitäjälle${record.subject.organisation ? html` (${record.subject.organisation})` : ''} osoitteeseen ${decision.forwardedTo}. Se vastaa sinulle.</p>` : ''}
      ${filesHtml(record, statusToken, now)}
      ${record.type === 'access' && decision?.outcome === 'completed' ? art15Html(art15()) : ''}
      ${record.status === 'rejected'
        ? html`<p>Jos olet ratkaisusta eri mieltä, voit tehdä valituksen tietosuojavaltuutetulle osoitteessa <a href="https://tietosuoja.fi">tietosuoja.fi</a>. Lue lisää <a href="/oikeudet/valitusoikeus/">valitusoikeudesta</a>.</p>`
        : ''}
      ${record.subject.relation === 'organisation' ? html`<p>${receipt.organisation}</p>` : ''}`,
  });
}

export function linkGonePage(c: Context, shell: Shell): Promise<Response> {
  const title = 'Linkki ei ole voimassa';
  return shell(
    c,
    {
      title,
      main: html`<h1>${title}</h1>
        <p>Linkki on vanhentunut tai virheellinen. Vahvistuslinkki on voimassa 7 päivää. Voit tehdä pyynnön uudelleen <a href="/#oikeudet">oikeuden sivulla</a>.</p>`,
    },
    410,
  );
}

export function alreadyConfirmedPage(c: Context, shell: Shell, record: RequestRecord): Promise<Response> {
  const title = 'Pyyntö on jo vahvistettu';
  return shell(c, {
    title,
    main: html`<h1>${title}</h1>
      <p>Pyyntö ${record.reference} on jo vahvistettu. Lähetimme sähköpostiisi linkin, josta voit seurata sen käsittelyä.</p>`,
  });
}

/** A plain form post with mistakes: the messages, each naming its field, and the way back to the form. */
export function invalidPage(c: Context, shell: Shell, errors: FieldErrors, type: unknown): Promise<Response> {
  const title = 'Lomakkeessa on korjattavaa';
  const form = isRequestType(type) ? `/oikeudet/${rightSlugs[type]}/#lomake` : '/#oikeudet';
  const items = Object.values(errors).flatMap((messages) =>
    messages.map((message) => html`<li>${message}</li>`),
  );
  return shell(
    c,
    {
      title,
      main: html`<h1>${title}</h1>
        <p>Pyyntöä ei tallennettu, koska lomakkeessa oli korjattavaa:</p>
        <ul class="error-list">${items}</ul>
        <p>Palaa lomakkeeseen selaimen Takaisin-painikkeella: täyttämäsi tiedot ovat yhä lomakkeella. Voit myös <a href="${form}">avata lomakkeen uudelleen</a>.</p>`,
    },
    422,
  );
}
