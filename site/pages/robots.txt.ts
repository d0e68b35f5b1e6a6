/** robots.txt: the server's own pages (staff, requests, search) stay out of search engines; the sitemap is named. */
import type { APIRoute } from 'astro';

export const GET: APIRoute = ({ site }) => {
  if (!site) throw new Error('astro.config.mjs must set `site`: robots.txt names the sitemap by its full address.');
  const lines = ['User-agent: *', 'Disallow: /henkilosto/', 'Disallow: /pyynto/', 'Disallow: /haku/', '', `Sitemap: ${new URL('/sitemap-index.xml', site)}`];
  return new Response(`${lines.join('\n')}\n`, { headers: { 'Content-Type': 'text/plain; charset=utf-8' } });
};
