/**
 * The subject's pages, rendered in the site's shell: the receipt after a plain form post, the confirmation
 * page behind the e-mailed link (a GET never confirms: mail scanners open links), and the status page, which
 * tells the request's steps, what happens next and whom to ask.
 */
import { Hono, type Context } from 'hono';
import { html } from 'hono/html';
import type { Shell } from '../shell/index.ts';
import type { Store } from '../store/store.ts';
import { art15Html, builtArt15, builtController, type Art15, type Controller } from './art15.ts';
import { requests } from './collections.ts';
import { receiptPage } from './form-pages.ts';
import { findByConfirmToken, findByStatusToken } from './intake.ts';
import { finnishDate } from './deadline.ts';
import {
  dateLabels,
  deadlineTexts,
  downloads,
  formatDay,
  formatInstantDay as day,
  formatMoment,
  receipt,
  remedies,
  requestedTo,
  statusNames,
  typeTitle,
} from './messages.ts';
import { deadlineOf, isOpen } from './pressure.ts';
import type { StoredFile } from '../files/index.ts';
import type { RequestRecord } from './record.ts';
import { isTokenShaped } from './tokens.ts';


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
  /** Whom the pages name as the contact; by default the controller of the served site's notice. */
  controller?: () => Controller;
};

export function subjectPages({ store, shell, now, art15 = builtArt15, controller = builtController }: SubjectPagesOptions): Hono {
  const app = new Hono();
  // Read at start, like the shell, so a site built without it is reported then.
  art15();

  app.get('/vastaanotettu/', (c) => receiptPage(c, shell));

  app.get('/vahvista/:token', (c) => {
    noReferrer(c);
    const token = c.req.param('token');
    const record = isTokenShaped(token) ? findByConfirmToken(store.view(requests), token, now()) : undefined;
    if (!record) return linkGonePage(c, shell);
    if (record.confirmedAt) return alreadyConfirmedPage(c, shell, record, controller());
    const title = 'Vahvista pyyntösi';
    return shell(c, {
      title,
      main: html`<h1>${title}</h1>
        <p>Saimme pyyntösi ${requestedTo[record.type]}. Vahvista, että pyyntö on sinun, niin otamme sen käsittelyyn.</p>
        <dl class="facts">
          <dt>${receipt.reference}</dt><dd>${record.reference}</dd>
          <dt>Pyyntö</dt><dd>${typeTitle(record.type)}</dd>
          <dt>${dateLabels.arrived}</dt><dd>${day(record.createdAt)}</dd>
        </dl>
        <form method="post" action="/api/requests/confirm">
          <input type="hidden" name="token" value="${token}" />
          <button type="submit">Vahvista pyyntö</button>
        </form>
        <p>Jos et tehnyt pyyntöä, sulje tämä sivu. Vahvistamaton pyyntö poistuu itsestään.</p>`,
    });
  });

  app.get('/tila/:token', (c) => {
    noReferrer(c);
    const token = c.req.param('token');
    const record = isTokenShaped(token) ? findByStatusToken(store.view(requests), token) : undefined;
    return record ? statusPage(c, shell, record, { art15, controller: controller() }, token, now()) : unknownStatusPage(c, shell, controller());
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

/** The request's steps so far, each with its day: from its fields, and from its events for the start and the extension. */
function timelineHtml(record: RequestRecord) {
  const eventAt = (action: string) => record.events.find((event) => event.action === action)?.at;
  const steps = [
    { label: dateLabels.arrived, at: record.createdAt },
    { label: dateLabels.confirmed, at: record.confirmedAt },
    { label: dateLabels.started, at: eventAt('start') },
    record.extension ? { label: dateLabels.extended, at: eventAt('extend'), note: `uusi määräaika ${formatDay(record.extension.until)}` } : undefined,
    { label: dateLabels.decided, at: record.decision?.at },
  ];
  return html`<ol class="timeline">${steps.map((step) =>
    step?.at
      ? html`<li><strong>${step.label}</strong> <time datetime="${finnishDate(new Date(step.at))}">${day(step.at)}</time>${step.note ? `, ${step.note}` : ''}</li>`
      : '',
  )}</ol>`;
}

/** What happens next before the decision: who acts, and by when. */
function nextHtml(record: RequestRecord) {
  if (record.status === 'awaiting_confirmation') {
    return html`<p>Pyyntö odottaa vahvistustasi. Avaa linkki, jonka lähetimme sähköpostiisi, ja paina avautuvalla sivulla Vahvista pyyntö -painiketta. Käsittelemme pyynnön vasta, kun se on vahvistettu.</p>`;
  }
  const state = record.status === 'in_progress' ? 'Käsittelemme pyyntöäsi.' : 'Pyyntösi odottaa käsittelyä.';
  if (record.extension) {
    return html`<p>${state} Käsittely vie tavallista kauemmin, joten olemme pidentäneet määräaikaa: vastaamme viimeistään ${formatDay(record.extension.until)}${record.dueAt ? ` (alkuperäinen määräaika oli ${formatDay(record.dueAt)})` : ''}.</p>
      <p>Perustelu: ${record.extension.reason}</p>`;
  }
  return html`<p>${state} ${record.dueAt ? deadlineTexts.due(formatDay(record.dueAt)) : ''}</p><p>${deadlineTexts.extensionPossible}</p>`;
}

/** The decision as the subject is told it, and where it went when forwarded. */
function decisionHtml(record: RequestRecord, decision: NonNullable<RequestRecord['decision']>) {
  const reason = decision.reason ? html`<p>${decision.reason}</p>` : '';
  switch (decision.outcome) {
    case 'completed':
      return html`<p>Olemme käsitelleet pyyntösi ja lähettäneet vastauksen myös sähköpostiisi.</p>${reason}`;
    case 'rejected':
      return html`<p>Emme voineet toteuttaa pyyntöäsi. Lähetimme perustelun myös sähköpostiisi:</p>${reason}`;
    case 'forwarded':
      return html`<p>Välitimme pyyntösi rekisterinpitäjälle${record.subject.organisation ? ` (${record.subject.organisation})` : ''}${decision.forwardedTo ? ` osoitteeseen ${decision.forwardedTo}` : ''}. Se vastaa sinulle.</p>${reason}`;
  }
}

/** The three ways to take a decision further (GDPR Art. 77–79). */
function remediesHtml() {
  return html`<h2>${remedies.heading}</h2>
    <ul>
      <li>${remedies.complaint} <a href="${remedies.complaintSite}">${new URL(remedies.complaintSite).host}</a>.</li>
      <li>${remedies.appeal}</li>
      <li>${remedies.action}</li>
    </ul>
    <p>Lue lisää <a href="/oikeudet/valitusoikeus/">valitusoikeudesta</a>.</p>`;
}

/** Whom to ask: the controller's address (with the reference as the mail's subject) and phone. */
function contactHtml(controller: Controller, reference: string | undefined) {
  const mailto = `mailto:${controller.email}${reference ? `?subject=${encodeURIComponent(`Pyyntö ${reference}`)}` : ''}`;
  return html`<p>Jos haluat kysyä pyynnöstäsi, kirjoita meille osoitteeseen <a href="${mailto}">${controller.email}</a> tai soita numeroon ${controller.phone}.
    ${reference ? `Kerro viitenumero ${reference}, niin löydämme pyyntösi nopeasti.` : 'Kerro pyyntösi viitenumero: se on samassa viestissä kuin linkki.'}</p>`;
}

type StatusSources = { art15: () => Art15 | undefined; controller: Controller };

function statusPage(c: Context, shell: Shell, record: RequestRecord, { art15, controller }: StatusSources, statusToken: string, now: Date): Promise<Response> {
  const title = 'Pyyntösi tilanne';
  const due = deadlineOf(record);
  const decision = record.decision;
  return shell(c, {
    title,
    main: html`<h1>${title}</h1>
      <dl class="facts">
        <dt>${receipt.reference}</dt><dd>${record.reference}</dd>
        <dt>Pyyntö</dt><dd>${typeTitle(record.type)}</dd>
        <dt>Tila</dt><dd>${statusNames[record.status]}</dd>
        ${due && isOpen(record) ? html`<dt>${dateLabels.due}</dt><dd>${formatDay(due)}</dd>` : ''}
      </dl>
      <h2>Vaiheet</h2>
      ${timelineHtml(record)}
      ${decision ? html`<h2>Ratkaisu</h2>${decisionHtml(record, decision)}` : html`<h2>Mitä seuraavaksi tapahtuu</h2>${nextHtml(record)}`}
      ${record.transfers?.length
        ? html`<h2>Tietojen siirto</h2><ul class="transfers">${record.transfers.map(
            (transfer) => html`<li>${formatDay(transfer.on)}: ${transfer.to}. Siirretyt tiedot: ${transfer.what}. Tapa: ${transfer.how}.</li>`,
          )}</ul>`
        : ''}
      ${filesHtml(record, statusToken, now)}
      ${record.type === 'access' && decision?.outcome === 'completed' ? art15Html(art15()) : ''}
      ${decision?.outcome === 'completed' || decision?.outcome === 'rejected' ? remediesHtml() : ''}
      ${record.subject.relation === 'organisation' && !decision ? html`<p>${receipt.organisation}</p>` : ''}
      <h2>Kysyttävää?</h2>
      ${contactHtml(controller, record.reference)}`,
  });
}

/**
 * A status link that leads to no request: mistyped, cut short when copied, or the request's data removed at the
 * end of its retention. The request may well be there, so the way back is the whole link or the reference.
 */
function unknownStatusPage(c: Context, shell: Shell, controller: Controller): Promise<Response> {
  const title = 'Tilasivua ei löytynyt';
  return shell(
    c,
    {
      title,
      main: html`<h1>${title}</h1>
        <p>Tällä linkillä ei löydy pyyntöä. Linkistä on ehkä jäänyt pois osa, tai siihen on tullut kirjoitusvirhe. Kopioi linkki kokonaan viestistä, jonka lähetimme, kun vahvistit pyyntösi, ja liitä se selaimen osoiteriville.</p>
        <p>Tilasivu poistuu käytöstä myös, kun pyynnön tiedot poistetaan säilytysajan päätyttyä.</p>
        ${contactHtml(controller, undefined)}`,
    },
    410,
  );
}

/** A confirmation link that expired or never was: its week is over, and a new request is the way on. */
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

/** A confirmation link opened or posted again: nothing to do, and where the status link went. */
export function alreadyConfirmedPage(c: Context, shell: Shell, record: RequestRecord, controller: Controller = builtController()): Promise<Response> {
  const title = 'Pyyntö on jo vahvistettu';
  return shell(c, {
    title,
    main: html`<h1>${title}</h1>
      <p>Pyyntösi ${record.reference} on jo vahvistettu ${day(record.confirmedAt)}, eikä sitä tarvitse vahvistaa uudelleen. Lähetimme silloin sähköpostiisi linkin sivulle, jolla voit seurata pyyntösi käsittelyä. Jos viestiä ei löydy, katso myös roskapostikansio.</p>
      ${contactHtml(controller, record.reference)}`,
  });
}
