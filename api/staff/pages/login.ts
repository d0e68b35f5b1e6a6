/**
 * The staff log-in: username, password and the code of the second factor in one form (a client may post all
 * three at once). One message for every kind of refusal, so it tells a guesser nothing; only a correct password
 * without a code is asked for the code. The message takes the focus, so a keyboard or screen reader user hears
 * it first.
 */
import type { Context } from 'hono';
import { html } from 'hono/html';
import type { Shell } from '../../shell/index.ts';
import { staffText } from '../messages.ts';

const t = staffText.login;

export type LoginNotice = 'failed' | 'missingCode' | 'busy' | 'loggedOut' | 'expired' | 'enrolExpired';

const statusOf: Record<LoginNotice, 200 | 401 | 503> = { failed: 401, missingCode: 401, busy: 503, loggedOut: 200, expired: 200, enrolExpired: 200 };

export function loginPage(c: Context, shell: Shell, notice: LoginNotice | undefined, username = ''): Promise<Response> {
  const alert = notice === 'failed' || notice === 'busy' || notice === 'missingCode';
  const message = !notice
    ? ''
    : alert
      ? html`<p class="error" role="alert" id="kirjautuminen-viesti" tabindex="-1" autofocus>${t[notice]}</p>`
      : html`<p role="status" class="done" id="kirjautuminen-viesti" tabindex="-1" autofocus>${t[notice]}</p>`;
  return shell(
    c,
    {
      title: t.title,
      main: html`<h1>${t.title}</h1>
        ${message}
        <form method="post" action="/henkilosto/kirjaudu" class="login" novalidate>
          <div class="field">
            <label for="username">${t.username}</label>
            <input type="text" id="username" name="username" autocomplete="username" required maxlength="64" autocapitalize="none" spellcheck="false" value="${username}" />
          </div>
          <div class="field">
            <label for="password">${t.password}</label>
            <input type="password" id="password" name="password" autocomplete="current-password" required maxlength="512" />
          </div>
          <div class="field">
            <label for="code">${t.code}</label>
            <p class="hint" id="code-hint">${t.codeHint}</p>
            <input type="text" id="code" name="code" autocomplete="one-time-code" inputmode="text" maxlength="40" autocapitalize="none" spellcheck="false" aria-describedby="code-hint" />
          </div>
          <p><button type="submit">${t.submit}</button></p>
        </form>`,
    },
    notice ? statusOf[notice] : 200,
  );
}
