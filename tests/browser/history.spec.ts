/** The notice's change history page, its date on the notice, and the accessibility statement linked from every page. */
import { readdirSync, readFileSync } from 'node:fs';
import AxeBuilder from '@axe-core/playwright';
import { expect, test } from '@playwright/test';
import { pages } from './site.ts';

const historyDir = new URL('../../content/muutokset/', import.meta.url);
/** The history's entries as the content holds them, newest first. */
const entries = readdirSync(historyDir)
  .filter((file) => file.endsWith('.md'))
  .map((file) => {
    const text = readFileSync(new URL(file, historyDir), 'utf8');
    const field = (name: string) => new RegExp(`^${name}:\\s*(.+?)\\s*$`, 'm').exec(text)?.[1] ?? '';
    return { date: field('date'), summary: field('summary') };
  })
  .sort((a, b) => b.date.localeCompare(a.date));
const finnish = (iso: string) => iso.split('-').map(Number).reverse().join('.');
const newPages = ['/tietosuojaseloste/muutokset/', '/saavutettavuusseloste/'];

test('the history page lists every entry, newest first, and the notice\'s date is the newest entry\'s', async ({ page }) => {
  expect(entries.length).toBeGreaterThan(0);
  await page.goto('/tietosuojaseloste/');
  await page.locator('main').getByRole('link', { name: 'Selosteen muutoshistoria' }).click();
  await expect(page).toHaveURL(/\/tietosuojaseloste\/muutokset\/$/);
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('Tietosuojaselosteen muutoshistoria');
  const items = page.locator('main ol.history > li');
  await expect(items).toHaveCount(entries.length);
  await expect(items.locator('time')).toHaveAttribute('datetime', entries[0]?.date ?? '');
  expect(await items.locator('time').evaluateAll((times) => times.map((t) => t.getAttribute('datetime')))).toEqual(entries.map((e) => e.date));
  expect((await items.locator('p').allTextContents()).map((s) => s.trim())).toEqual(entries.map((e) => e.summary));
  await expect(items.first().getByRole('heading', { level: 2 })).toContainText('voimassa oleva versio');

  const newest = entries[0]?.date ?? '';
  await page.goto('/tietosuojaseloste/');
  await expect(page.locator('h1 + .updated')).toHaveText(`(viimeksi päivitetty ${finnish(newest)})`);
  await expect(page.locator('h1 + .updated time')).toHaveAttribute('datetime', newest);
  await expect(page.locator('footer time')).toHaveAttribute('datetime', newest);
});

test('every page links the accessibility statement and the change history from its footer', async ({ page }) => {
  for (const path of [...pages, ...newPages]) {
    await page.goto(path);
    await expect(page.locator('footer').getByRole('link', { name: 'Saavutettavuusseloste' }), path).toHaveAttribute('href', '/saavutettavuusseloste/');
    await expect(page.locator('footer').getByRole('link', { name: 'muutoshistoria' }), path).toHaveAttribute('href', '/tietosuojaseloste/muutokset/');
  }
});

test('the accessibility statement says what the law asks: conformance, gaps, feedback, the authority, its dates', async ({ page }) => {
  await page.goto('/saavutettavuusseloste/');
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('Saavutettavuusseloste');
  const main = page.locator('main');
  await expect(main).toContainText('306/2019');
  await expect(main).toContainText('täyttää WCAG 2.1 -ohjeiston A- ja AA-tason saavutettavuusvaatimukset osittain');
  await expect(main.getByRole('heading', { name: 'Sisältö, joka ei ole saavutettavaa tai jota ei ole arvioitu' })).toBeVisible();
  await expect(main.locator('a[href="mailto:info@alfasoft.fi"]')).toBeVisible();
  await expect(main).toContainText('Liikenne- ja viestintävirasto Traficom');
  await expect(main.locator('a[href="https://www.saavutettavuusvaatimukset.fi/"]')).toBeVisible();
  await expect(main).toContainText(/laadittu \d{1,2}\.\d{1,2}\.\d{4}\./);
  await expect(main).toContainText(/tarkistettu viimeksi \d{1,2}\.\d{1,2}\.\d{4}\./);
});

for (const colorScheme of ['light', 'dark'] as const) {
  test.describe(`in the ${colorScheme} colour scheme`, () => {
    test.use({ colorScheme });
    for (const path of newPages) {
      test(`axe finds no WCAG 2.1 A/AA violation on ${path}`, async ({ page }) => {
        await page.goto(path);
        const { violations } = await new AxeBuilder({ page }).withTags(['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa']).analyze();
        expect(violations.map(({ id, nodes }) => `${id}: ${nodes.map((n) => n.target.join(' ')).join(', ')}`)).toEqual([]);
      });
    }
  });
}
