/** The frame of every staff page: the staff navigation, who is signed in, and log-out. */
import type { Context } from 'hono';
import { html } from 'hono/html';
import type { HtmlEscapedString } from 'hono/utils/html';
import type { ContentfulStatusCode } from 'hono/utils/http-status';
import type { Shell } from '../../shell/index.ts';
import { staffText } from '../messages.ts';

const t = staffText.nav;

export function staffPage(
  c: Context,
  shell: Shell,
  page: { title: string; staff: string; main: HtmlEscapedString | Promise<HtmlEscapedString> },
  status: ContentfulStatusCode = 200,
): Promise<Response> {
  const here = c.req.path;
  const link = (href: string, label: string) => html`<li><a href="${href}" ${here === href ? html`aria-current="page"` : ''}>${label}</a></li>`;
  return shell(
    c,
    {
      title: page.title,
      main: html`<nav class="staff-nav" aria-label="${t.label}">
          <ul>
            ${link('/henkilosto/', t.requests)} ${link('/henkilosto/markkinointikiellot', t.bans)} ${link('/henkilosto/loki', t.audit)}
          </ul>
          <form method="post" action="/henkilosto/ulos" class="logout">
            <span>${t.signedIn}: ${page.staff}</span>
            <button type="submit">${t.logout}</button>
          </form>
        </nav>
        ${page.main}`,
    },
    status,
  );
}
