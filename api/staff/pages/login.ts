/** The staff log-in page; one message for every kind of failure. */
import type { Context } from 'hono';
import { html } from 'hono/html';
import type { Shell } from '../../shell/index.ts';
import { staffText } from '../messages.ts';

const t = staffText.login;

export function loginPage(c: Context, shell: Shell, notice: 'failed' | 'busy' | 'loggedOut' | 'expired' | undefined): Promise<Response> {
  const alert = notice === 'failed' || notice === 'busy';
  const message = alert ? html`<p class="error" role="alert">${t[notice]}</p>` : notice ? html`<p role="status">${t[notice]}</p>` : '';
  return shell(
    c,
    {
      title: t.title,
      main: html`<h1>${t.title}</h1>
        ${message}
        <form method="post" action="/henkilosto/kirjaudu" class="login">
          <div class="field">
            <label for="username">${t.username}</label>
            <input type="text" id="username" name="username" autocomplete="username" required maxlength="64" autocapitalize="none" spellcheck="false" />
          </div>
          <div class="field">
            <label for="password">${t.password}</label>
            <input type="password" id="password" name="password" autocomplete="current-password" required maxlength="256" />
          </div>
          <p><button type="submit">${t.submit}</button></p>
        </form>`,
    },
    notice === 'failed' ? 401 : notice === 'busy' ? 503 : 200,
  );
}
