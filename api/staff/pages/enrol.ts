/**
 * Taking the second factor into use at the first log-in: the QR code of the account's new TOTP secret (an SVG
 * drawn on the server), the same secret as text for apps that cannot scan, and a field for the first code,
 * which proves the app has it. Then the ten recovery codes, shown once.
 */
import type { Context } from 'hono';
import { html, raw } from 'hono/html';
import type { Shell } from '../../shell/index.ts';
import { staffText } from '../messages.ts';
import { staffPage, type Viewer } from './frame.ts';

const t = staffText.enrol;

/** `svg` is the QR code qrcode drew, labelled `staffText.enrol.qrLabel` (trusted markup: it holds only the code's squares). */
export function enrolPage(c: Context, shell: Shell, enrolment: { username: string; secret: string; svg: string; error?: string }): Promise<Response> {
  const groups = enrolment.secret.match(/.{1,4}/g)?.join(' ') ?? enrolment.secret;
  return shell(
    c,
    {
      title: t.title,
      main: html`<div class="staff">
        <h1>${t.title}</h1>
        ${enrolment.error ? html`<p class="error" role="alert" id="kayttoonotto-virhe" tabindex="-1" autofocus>${enrolment.error}</p>` : ''}
        <p>${t.intro(enrolment.username)}</p>
        <ol class="steps">
          <li>${t.stepApp}</li>
          <li>${t.stepScan}
            <figure class="qr">
              ${raw(enrolment.svg)}
              <figcaption>${t.secretLabel}: <code class="secret">${groups}</code></figcaption>
            </figure>
          </li>
          <li>${t.stepCode}</li>
        </ol>
        <form method="post" action="/henkilosto/kirjaudu/kayttoonotto" class="login" novalidate>
          <div class="field">
            <label for="code">${t.code}</label>
            <input type="text" id="code" name="code" autocomplete="one-time-code" inputmode="numeric" maxlength="10" required ${enrolment.error ? '' : html`autofocus`} ${enrolment.error ? html`aria-describedby="kayttoonotto-virhe" aria-invalid="true"` : ''} />
          </div>
          <p><button type="submit">${t.submit}</button></p>
        </form>
      </div>`,
    },
    enrolment.error ? 422 : 200,
  );
}

/** The recovery codes, shown once: after the enrolment or when new ones are made on the own-account page. */
export function recoveryCodesPage(c: Context, shell: Shell, viewer: Viewer, codes: readonly string[], heading: string): Promise<Response> {
  return staffPage(c, shell, {
    title: heading,
    staff: viewer,
    main: html`<h1>${heading}</h1>
      <p class="done" role="status" tabindex="-1" autofocus>${t.codesIntro}</p>
      <ol class="recovery-codes">${codes.map((code) => html`<li><code>${code}</code></li>`)}</ol>
      <p>${t.codesKeep}</p>
      <p><a href="/henkilosto/">${t.continue}</a></p>`,
  });
}
