import { expect, test } from '@playwright/test';
import { missingPage, pages } from './site.ts';

test.describe('with the keyboard only', () => {
  for (const path of [...pages, missingPage]) {
    test(`the skip link comes first and Tab reaches every link on ${path}`, async ({ page }) => {
      await page.goto(path);
      const links = await page.locator('a[href]').evaluateAll((anchors) =>
        anchors.map((anchor, index) => {
          anchor.setAttribute('data-kb', String(index));
          return index;
        }),
      );
      // Form fields are tab stops too; walk far enough to pass them all.
      const stops = links.length + (await page.locator('input:not([type=hidden]), textarea, button').count());

      await page.keyboard.press('Tab');
      const skip = page.getByRole('link', { name: 'Siirry sisältöön' });
      await expect(skip).toBeFocused();
      await expect(skip).toBeInViewport();

      const reached = new Set<string>();
      for (let i = 0; i < stops + 5; i++) {
        reached.add(await page.evaluate(() => document.activeElement?.getAttribute('data-kb') ?? ''));
        await page.keyboard.press('Tab');
      }
      expect(links.filter((index) => !reached.has(String(index)))).toEqual([]);
    });
  }

  test('the skip link moves focus to the main content', async ({ page }) => {
    await page.goto('/tietosuojaseloste/');
    await page.keyboard.press('Tab');
    await page.keyboard.press('Enter');
    await expect(page.locator('main')).toBeFocused();
    await page.keyboard.press('Tab');
    // The next stop is the first link of the main content (under the date, the notice's change history).
    const focused = page.locator(':focus');
    await expect(focused).toHaveText((await page.locator('main a[href]').first().textContent()) ?? '-');
    expect(await focused.evaluate((element) => element.closest('main') !== null)).toBe(true);
  });
});
