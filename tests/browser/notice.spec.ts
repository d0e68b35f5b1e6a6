import { expect, test } from '@playwright/test';
import { pages, seed, squash } from './site.ts';

const [masthead = '', titleLine = '', ...body] = seed.split('\n').map(squash).filter(Boolean);
const isListItem = (line: string) => line.startsWith('•');
/** The seed's section titles: short lines with no sentence punctuation and no comma-separated details. */
const isHeading = (line: string) => !isListItem(line) && !/[.:]$/.test(line) && !line.includes(', ');
const headings = body.filter(isHeading);
const listItems = body.filter(isListItem).map((line) => line.replace(/^•\s*/, ''));
const sentences = body
  .filter((line) => !isHeading(line) && !isListItem(line))
  .flatMap((line) => line.split(/(?<=[.!?])\s+(?=[A-ZÄÖÅ])/));

test.describe('the notice page', () => {
  test.beforeEach(async ({ page }) => {
    await page.goto('/tietosuojaseloste/');
  });

  test('has every sentence of the seed notice, word for word', async ({ page }) => {
    const text = squash(await page.locator('main').textContent() ?? '');
    expect(sentences.length).toBeGreaterThan(40);
    const missing = sentences.filter((sentence) => !text.includes(sentence));
    expect(missing).toEqual([]);
  });

  test('has every list item of the seed as an item of a list, in the seed order', async ({ page }) => {
    const items = (await page.locator('main article > ul:not(.right-cards) > li').allTextContents()).map(squash);
    expect(items).toEqual(listItems);
  });

  test('is sectioned under the seed section titles, in order, each one in the table of contents', async ({ page }) => {
    const sectionTitles = await page.locator('main article > h2').allTextContents();
    expect(sectionTitles).toEqual(headings);
    const toc = page.getByRole('navigation', { name: 'Sisällys' });
    const links = toc.getByRole('link');
    await expect(links).toHaveText(headings);
    for (const link of await links.all()) {
      const target = decodeURIComponent((await link.getAttribute('href')) ?? '');
      await expect(page.locator(`main article > h2[id="${target.slice(1)}"]`)).toHaveCount(1);
    }
  });

  test('names itself and its date as the seed does, near the title', async ({ page }) => {
    const h1 = page.getByRole('heading', { level: 1 });
    await expect(h1).toHaveText('Tietosuojaseloste');
    const date = page.locator('h1 + .updated');
    await expect(date).toHaveText('(viimeksi päivitetty 25.5.2018)');
    expect(`${await h1.textContent()} ${await date.textContent()}`.toUpperCase()).toBe(titleLine.toUpperCase());
    await expect(date.locator('time')).toHaveAttribute('datetime', '2018-05-25');
  });

  test('shows the service and the company of the seed masthead in the header', async ({ page }) => {
    const [service = '', company = ''] = masthead.split('®');
    const brand = squash((await page.locator('header .brand').textContent()) ?? '');
    expect(brand).toContain(`${service}®`);
    expect(brand.toLowerCase()).toContain(company.toLowerCase());
  });

  test('links each right in the notice to its own page', async ({ page }) => {
    const section = page.locator('main article');
    for (const path of pages.filter((p) => p.startsWith('/oikeudet/'))) {
      await expect(section.locator(`a[href="${path}"]`).first()).toBeVisible();
    }
  });
});

test('every rights page quotes the notice word for word', async ({ page }) => {
  await page.goto('/tietosuojaseloste/');
  const notice = squash((await page.locator('main article').textContent()) ?? '');
  for (const path of pages.filter((p) => p.startsWith('/oikeudet/'))) {
    await page.goto(path);
    const quote = squash((await page.locator('main blockquote').textContent()) ?? '');
    expect(quote.length, path).toBeGreaterThan(20);
    expect(notice, `${path} quotes "${quote}"`).toContain(quote);
  }
});

test('every page names the controller with full contact details in its footer', async ({ page }) => {
  const contact = body.find((line) => line.includes('Y-tunnus'));
  expect(contact).toBeTruthy();
  for (const path of pages) {
    await page.goto(path);
    const footer = squash((await page.locator('footer address').textContent()) ?? '');
    expect(footer, path).toBe(contact);
    await expect(page.locator('footer a[href="mailto:info@alfasoft.fi"]')).toBeVisible();
    await expect(page.locator('footer a[href="tel:+35885349300"]')).toBeVisible();
  }
});
