/**
 * The search without script: the header's field on any page sends the query to /haku/, the right page comes
 * first for inflected Finnish words, its heading leads to the section; axe finds nothing on the results page.
 */
import AxeBuilder from '@axe-core/playwright';
import { expect, test } from '@playwright/test';

const wcag21aa = ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'];

const cases = [
  { query: 'markkinoinnin', path: '/oikeudet/suoramarkkinointikielto/', title: 'Suoramarkkinointikielto' },
  { query: 'poistaa', path: '/oikeudet/poisto-oikeus/', title: 'Poisto-oikeus' },
  { query: 'valituksen', path: '/oikeudet/valitusoikeus/', title: 'Valitusoikeus' },
  { query: 'siirtää', path: '/oikeudet/siirto-oikeus/', title: 'Siirto-oikeus' },
];

test.describe('without JavaScript', () => {
  test.use({ javaScriptEnabled: false });

  for (const { query, path, title } of cases) {
    test(`"${query}" typed in the header finds ${title} first, and its heading leads to the section`, async ({ page }) => {
      await page.goto('/tietosuojaseloste/');
      const search = page.getByRole('search');
      await search.getByRole('searchbox', { name: 'Hae sivustolta' }).fill(query);
      await search.getByRole('button', { name: 'Hae' }).click();
      await expect(page).toHaveURL(`/haku/?q=${encodeURIComponent(query)}`);

      const first = page.locator('.search-results > li').first();
      await expect(first.locator('.search-page')).toHaveText(title);
      await expect(first.locator('mark').first()).toBeVisible();
      const link = first.getByRole('heading').getByRole('link');
      const href = (await link.getAttribute('href')) ?? '';
      expect(href.startsWith(path)).toBe(true);
      await link.click();
      await expect(page).toHaveURL(new RegExp(`^[^#]*${path}`));
      const anchor = decodeURIComponent(new URL(page.url()).hash.slice(1));
      if (anchor) await expect(page.locator(`[id="${anchor}"]`)).toBeInViewport();
      else await expect(page.getByRole('heading', { level: 1 })).toHaveText(title);
    });
  }
});

// axe runs as a script in the page, so these keep JavaScript on; the page itself ships none.
for (const colorScheme of ['light', 'dark'] as const) {
  test(`axe finds no WCAG 2.1 A/AA violation on the results page, nor on the empty one (${colorScheme})`, async ({ page }) => {
    await page.emulateMedia({ colorScheme });
    for (const url of ['/haku/?q=poistaa', '/haku/', '/haku/?q=xyzzyqwv']) {
      await page.goto(url);
      const { violations } = await new AxeBuilder({ page }).withTags(wcag21aa).analyze();
      expect(violations.map(({ id, nodes }) => `${url} ${id}: ${nodes.map((n) => n.target.join(' ')).join(', ')}`)).toEqual([]);
    }
  });
}
