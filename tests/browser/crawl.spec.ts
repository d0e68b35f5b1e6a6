import { expect, test, type Page } from '@playwright/test';
import { missingPage, pages } from './site.ts';

type Visit = { ids: Set<string>; links: URL[] };

/** Opens a page and records its ids and links, failing on a console error, a failed load or a foreign script. */
async function visit(page: Page, path: string, status: number): Promise<Visit> {
  const problems: string[] = [];
  page.on('console', (message) => message.type() === 'error' && problems.push(message.text()));
  page.on('pageerror', (error) => problems.push(error.message));
  page.on('requestfailed', (request) => {
    const reason = request.failure()?.errorText ?? 'no reason';
    // Cancelled by the browser: the previous page's favicon, still loading when this navigation began. A broken
    // resource fails otherwise (a 404 is logged as a console error above).
    if (reason !== 'net::ERR_ABORTED') problems.push(`failed: ${request.url()} (${reason})`);
  });
  page.on('request', (request) => {
    if (request.resourceType() === 'script' && !new URL(request.url()).pathname.startsWith('/_astro/')) problems.push(`script: ${request.url()}`);
  });
  const response = await page.goto(path);
  expect(response?.status(), path).toBe(status);
  await expect(page, path).toHaveTitle(/\S.*Opinaika/);
  await expect(page.locator('h1'), path).toHaveCount(1);
  await expect(page.locator('meta[name="description"]'), path).toHaveAttribute('content', /\S.{9,}/);
  const ids = new Set(await page.locator('[id]').evaluateAll((elements) => elements.map((e) => e.id)));
  const hrefs = await page.locator('a[href]').evaluateAll((anchors) => anchors.map((a) => (a as HTMLAnchorElement).href));
  page.removeAllListeners();
  // Chromium logs the 404 document itself as a failed resource; that one is expected.
  const expected = `the server responded with a status of ${status}`;
  expect(problems.filter((problem) => status === 200 || !problem.includes(expected)), path).toEqual([]);
  return { ids, links: hrefs.map((href) => new URL(href)) };
}

test('every page is reachable from the front page, titled, with one h1 and no broken link or anchor', async ({ page, baseURL }) => {
  const origin = new URL(baseURL ?? '').origin;
  const visits = new Map<string, Visit>();
  const queue = ['/'];
  while (queue.length > 0) {
    const path = queue.shift() ?? '/';
    const found = await visit(page, path, 200);
    visits.set(path, found);
    for (const link of found.links) {
      if (link.origin === origin && !visits.has(link.pathname) && !queue.includes(link.pathname)) queue.push(link.pathname);
    }
  }
  expect([...visits.keys()].sort()).toEqual([...pages].sort());

  // The 404 page's own links must work too; its same-page links (the skip link) point at itself.
  const all = new Map([...visits, [missingPage, await visit(page, missingPage, 404)]]);
  const broken: string[] = [];
  for (const [from, { links }] of all) {
    for (const link of links) {
      if (link.origin !== origin) {
        if (!/^(mailto|tel|https):$/.test(link.protocol)) broken.push(`${from} → ${link.href}`);
        continue;
      }
      const target = link.pathname === from ? all.get(from) : visits.get(link.pathname);
      if (!target) broken.push(`${from} → ${link.pathname}`);
      else if (link.hash && !target.ids.has(decodeURIComponent(link.hash.slice(1)))) broken.push(`${from} → ${link.pathname}${link.hash}`);
    }
  }
  expect(broken).toEqual([]);
});

test('an unknown address gets the Finnish 404 page with a way back', async ({ page }) => {
  await visit(page, missingPage, 404);
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('Sivua ei löytynyt');
  await page.getByRole('link', { name: 'Etusivulle' }).click();
  await expect(page).toHaveURL(/\/$/);
});
