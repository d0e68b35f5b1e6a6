/**
 * The frame of every staff page: the full-width work layout (`.staff`), the staff navigation with the links the
 * viewer's role may use, who is signed in and in what role, and log-out.
 */
import type { Context } from 'hono';
import { html } from 'hono/html';
import type { HtmlEscapedString } from 'hono/utils/html';
import type { ContentfulStatusCode } from 'hono/utils/http-status';
import type { Shell } from '../../shell/index.ts';
import { staffText } from '../messages.ts';
import { mayUse, roleNames, type Role } from '../roles.ts';

const t = staffText.nav;

/** Who is looking at a staff page. */
export type Viewer = { username: string; role: Role };

export function staffPage(
  c: Context,
  shell: Shell,
  page: { title: string; staff: Viewer; main: HtmlEscapedString | Promise<HtmlEscapedString> },
  status: ContentfulStatusCode = 200,
): Promise<Response> {
  const here = c.req.path;
  const { username, role } = page.staff;
  const links: [string, string][] = [
    ['/henkilosto/', t.requests],
    ['/henkilosto/markkinointikiellot', t.bans],
    ['/henkilosto/tilastot', t.statistics],
    ['/henkilosto/loki', t.audit],
    ['/henkilosto/kayttajat', t.users],
    ['/henkilosto/oma-tili', t.account],
  ];
  const link = ([href, label]: [string, string]) =>
    html`<li><a href="${href}" ${here === href ? html`aria-current="page"` : ''}>${label}</a></li>`;
  // The front page of a marketing account is the bans list, so its "Pyynnöt" link is left out.
  const shown = links.filter(([href]) => mayUse(role, 'GET', href) && !(role === 'marketing' && href === '/henkilosto/'));
  return shell(
    c,
    {
      title: page.title,
      main: html`<div class="staff">
        <nav class="staff-nav" aria-label="${t.label}">
          <ul>
            ${shown.map(link)}
          </ul>
          <form method="post" action="/henkilosto/ulos" class="logout">
            <span>${t.signedIn}: ${username} (${roleNames[role].toLowerCase()})</span>
            <button type="submit">${t.logout}</button>
          </form>
        </nav>
        ${page.main}
      </div>`,
    },
    status,
  );
}
