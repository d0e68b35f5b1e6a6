/** Dynamic pages inside the shell Astro builds (dist/_shell/), so they share the site's layout and CSS. */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Context } from 'hono';
import type { HtmlEscapedString } from 'hono/utils/html';
import type { ContentfulStatusCode } from 'hono/utils/http-status';

/** Where the shell is built; the static site never serves this path. */
export const shellPath = '/_shell/';

export type PageContent = {
  title: string;
  description?: string;
  /** Built with hono/html's `html` template, which escapes every value put into it. */
  main: HtmlEscapedString | Promise<HtmlEscapedString>;
};

/** Answers with a page in the shell; dynamic pages are personal, so never cached. */
export type Shell = (c: Context, page: PageContent, status?: ContentfulStatusCode) => Promise<Response>;

export function loadShell(distDir: string): Shell {
  const file = join(distDir, shellPath, 'index.html');
  const template = readFileSync(file, 'utf8');
  for (const marker of ['@@TITLE@@', '@@DESCRIPTION@@', '@@MAIN@@']) {
    if (template.split(marker).length !== 2) throw new Error(`${file} must hold ${marker} exactly once: rebuild the site.`);
  }
  return async (c, { title, description = title, main }, status = 200) => {
    // The page's own text goes in last, so nothing in it is mistaken for a marker.
    const [head = '', tail = ''] = template
      .replace('@@TITLE@@', () => escapeHtml(title))
      .replace('@@DESCRIPTION@@', () => escapeHtml(description))
      .split('@@MAIN@@');
    c.header('Cache-Control', 'no-store');
    return c.html(head + String(await main) + tail, status);
  };
}

function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (ch) => `&#${ch.charCodeAt(0)};`);
}
