/** Navigation: previous and next between the rights, breadcrumbs, links to headings, the head's tags, robots.txt, the sitemap. */
import { readdirSync, readFileSync } from 'node:fs';
import AxeBuilder from '@axe-core/playwright';
import { expect, test } from '@playwright/test';

const root = new URL('../../', import.meta.url);
/** The rights pages in their `order`, from the MDX front matter. */
const rights = readdirSync(new URL('content/oikeudet/', root))
  .filter((file) => file.endsWith('.mdx'))
  .map((file) => {
    const source = readFileSync(new URL(`content/oikeudet/${file}`, root), 'utf8');
    return {
      path: `/oikeudet/${file.replace(/\.mdx$/, '')}/`,
      order: Number(/^order:\s*(\d+)/m.exec(source)?.[1]),
      title: /^title:\s*(.+)$/m.exec(source)?.[1]?.trim() ?? '',
    };
  })
  .sort((a, b) => a.order - b.order);
const first = rights[0]!;
const last = rights.at(-1)!;
const origin = `http://127.0.0.1:${process.env.E2E_PORT}`;
const escape = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
/** A prev/next link by its label and the right's title (the colon after the label is for screen readers only). */
const step = (label: string, title: string) => ({ name: new RegExp(`^${label}\\W*${escape(title)}$`) });

test('"Seuraava" leads from the first right through every right in order to the last; "Edellinen" back', async ({ page }) => {
  expect(rights.length).toBeGreaterThan(2);
  await page.goto(first.path);
  const nav = page.getByRole('navigation', { name: 'Muut oikeudet' });
  await expect(nav.getByRole('link', { name: /^Edellinen/ })).toHaveCount(0);
  const visited = [first.path];
  for (const right of rights.slice(1)) {
    const next = nav.getByRole('link', step('Seuraava', right.title));
    await expect(next).toHaveAttribute('rel', 'next');
    await next.click();
    await expect(page).toHaveURL(right.path);
    visited.push(new URL(page.url()).pathname);
  }
  expect(visited).toEqual(rights.map((right) => right.path));
  await expect(nav.getByRole('link', { name: /^Seuraava/ })).toHaveCount(0);
  const previous = rights.at(-2)!;
  await nav.getByRole('link', step('Edellinen', previous.title)).click();
  await expect(page).toHaveURL(previous.path);
});

test('breadcrumbs: Etusivu › Oikeutesi › the right, Etusivu › Tietosuojaseloste, the page itself current', async ({ page }) => {
  for (const [path, trail] of [
    [last.path, [['Etusivu', '/'], ['Oikeutesi', '/#oikeudet'], [last.title, last.path]]],
    ['/tietosuojaseloste/', [['Etusivu', '/'], ['Tietosuojaseloste', '/tietosuojaseloste/']]],
  ] as const) {
    await page.goto(path);
    const crumbs = page.getByRole('navigation', { name: 'Murupolku' }).getByRole('link');
    await expect(crumbs).toHaveText(trail.map(([label]) => label));
    expect(await crumbs.evaluateAll((links) => links.map((link) => link.getAttribute('href')))).toEqual(trail.map(([, href]) => href));
    expect(await crumbs.evaluateAll((links) => links.map((link) => link.getAttribute('aria-current')))).toEqual(
      trail.map((_, index) => (index === trail.length - 1 ? 'page' : null)),
    );
  }
  await page.goto('/');
  await expect(page.getByRole('navigation', { name: 'Murupolku' })).toHaveCount(0);
});

test('each section heading of the notice and a rights page has a link to itself, shown on focus, that leads to it', async ({ page }) => {
  for (const path of ['/tietosuojaseloste/', first.path]) {
    await page.goto(path);
    // The editors' ## and ### headings: not the table of contents', the shared sections' (SharedSection) or the form's.
    const headings = page.locator('main article :is(h2, h3)[id]:not(#sisallys, #lomake-otsikko, [id^="osio-"])');
    const count = await headings.count();
    expect(count, path).toBeGreaterThan(1);
    for (let i = 0; i < count; i++) {
      const heading = headings.nth(i);
      const text = ((await heading.textContent()) ?? '').trim();
      const id = await heading.getAttribute('id');
      const link = page.getByRole('link', { name: `Linkki tähän kohtaan: ${text}`, exact: true });
      await expect(link, path).toHaveAttribute('href', `#${id}`);
    }
  }
  await page.goto('/tietosuojaseloste/');
  const heading = page.getByRole('heading', { name: 'Tietojen suojauksen periaatteet', exact: true });
  const link = page.getByRole('link', { name: 'Linkki tähän kohtaan: Tietojen suojauksen periaatteet' });
  await link.focus();
  await expect(link).toHaveCSS('opacity', '1');
  await link.click();
  await expect(page).toHaveURL(new RegExp(`#${encodeURIComponent((await heading.getAttribute('id')) ?? '')}$`, 'i'));
  await expect(heading).toBeInViewport();
});

test('every page has a description, a canonical address and Open Graph tags with the public address', async ({ page }) => {
  for (const path of ['/', '/tietosuojaseloste/', ...rights.map((right) => right.path)]) {
    await page.goto(path);
    const meta = (selector: string) => page.locator(selector).getAttribute('content');
    const description = await meta('meta[name="description"]');
    expect(description?.length, path).toBeGreaterThan(30);
    await expect(page.locator('link[rel="canonical"]'), path).toHaveAttribute('href', `${origin}${path}`);
    expect(await meta('meta[property="og:url"]'), path).toBe(`${origin}${path}`);
    expect(await meta('meta[property="og:description"]'), path).toBe(description);
    expect(await meta('meta[property="og:title"]'), path).toBeTruthy();
    expect(await meta('meta[property="og:type"]'), path).toMatch(/^(website|article)$/);
    expect(await meta('meta[property="og:locale"]'), path).toBe('fi_FI');
    expect(await meta('meta[property="og:site_name"]'), path).toBe('Opinaika – tietosuoja');
  }
});

test('robots.txt keeps the server\'s own pages out and names the sitemap', async ({ request }) => {
  const res = await request.get('/robots.txt');
  expect(res.status()).toBe(200);
  expect(res.headers()['content-type']).toMatch(/^text\/plain/);
  const lines = (await res.text()).split('\n');
  expect(lines).toContain('User-agent: *');
  for (const path of ['/henkilosto/', '/pyynto/', '/haku/']) expect(lines).toContain(`Disallow: ${path}`);
  expect(lines).toContain(`Sitemap: ${origin}/sitemap-index.xml`);
});

test('the sitemap lists the public pages at the public address, and none of the server\'s own', async ({ request }) => {
  const index = await (await request.get('/sitemap-index.xml')).text();
  const sitemaps = [...index.matchAll(/<loc>([^<]+)<\/loc>/g)].map((match) => match[1] ?? '');
  expect(sitemaps.length).toBeGreaterThan(0);
  const urls: string[] = [];
  for (const sitemap of sitemaps) {
    expect(sitemap.startsWith(`${origin}/`)).toBe(true);
    const xml = await (await request.get(new URL(sitemap).pathname)).text();
    urls.push(...[...xml.matchAll(/<loc>([^<]+)<\/loc>/g)].map((match) => match[1] ?? ''));
  }
  for (const path of ['/', '/tietosuojaseloste/', ...rights.map((right) => right.path)]) expect(urls).toContain(`${origin}${path}`);
  expect(urls.filter((url) => !url.startsWith(`${origin}/`) || /\/(henkilosto|pyynto|haku|_shell|404)(\/|\.|$)/.test(new URL(url).pathname))).toEqual([]);
});

for (const colorScheme of ['light', 'dark'] as const) {
  test(`axe finds nothing on a rights page and the notice, with links to headings shown, in the ${colorScheme} scheme`, async ({ page }) => {
    await page.emulateMedia({ colorScheme });
    for (const path of [first.path, '/tietosuojaseloste/']) {
      await page.goto(path);
      // The links to headings are shown on focus: axe checks them as seen.
      await page.getByRole('link', { name: /^Linkki tähän kohtaan/ }).first().focus();
      const { violations } = await new AxeBuilder({ page }).withTags(['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa']).analyze();
      expect(violations.map(({ id, nodes }) => `${path} ${id}: ${nodes.map((n) => n.target.join(' ')).join(', ')}`)).toEqual([]);
    }
  });
}
