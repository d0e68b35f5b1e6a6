import AxeBuilder from '@axe-core/playwright';
import { expect, test, type Page } from '@playwright/test';
import { missingPage, pages } from './site.ts';

const wcag21aa = ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'];

async function noViolations(page: Page): Promise<void> {
  const { violations } = await new AxeBuilder({ page }).withTags(wcag21aa).analyze();
  expect(violations.map(({ id, nodes }) => `${id}: ${nodes.map((n) => n.target.join(' ')).join(', ')}`)).toEqual([]);
}

/** The portability form sent empty: every kind of field in error, text fields and groups of options. */
async function sendEmptyForm(page: Page): Promise<void> {
  await page.goto('/oikeudet/siirto-oikeus/');
  await page.getByRole('button', { name: 'Lähetä pyyntö' }).click();
  await expect(page.locator('.error-summary')).toBeFocused();
}

/** Each field in error is marked, a group of options too, by a bar in the error colour of 3:1 or more against the page. */
async function errorBarsContrast(page: Page): Promise<void> {
  const bars = await page.locator('.field:has([aria-invalid="true"])').evaluateAll((fields) =>
    fields.map((field) => {
      const luminance = (colour: string) => {
        const [r = 0, g = 0, b = 0] = (colour.match(/[\d.]+/g) ?? []).map((c) => {
          const s = Number(c) / 255;
          return s <= 0.03928 ? s / 12.92 : ((s + 0.055) / 1.055) ** 2.4;
        });
        return 0.2126 * r + 0.7152 * g + 0.0722 * b;
      };
      const style = getComputedStyle(field);
      const [light, dark] = [luminance(style.borderLeftColor), luminance(getComputedStyle(document.body).backgroundColor)].sort((x, y) => y - x);
      return { tag: field.tagName, width: parseFloat(style.borderLeftWidth), ratio: ((light ?? 0) + 0.05) / ((dark ?? 0) + 0.05) };
    }),
  );
  expect(bars.map((bar) => bar.tag)).toContain('FIELDSET');
  for (const bar of bars) {
    expect(bar.width).toBeGreaterThanOrEqual(3);
    expect(bar.ratio).toBeGreaterThanOrEqual(3);
  }
}

for (const colorScheme of ['light', 'dark'] as const) {
  test.describe(`in the ${colorScheme} colour scheme`, () => {
    test.use({ colorScheme });

    for (const path of [...pages, missingPage]) {
      test(`axe finds no WCAG 2.1 A/AA violation on ${path}`, async ({ page }) => {
        await page.goto(path);
        const { violations } = await new AxeBuilder({ page }).withTags(wcag21aa).analyze();
        expect(violations.map(({ id, nodes }) => `${id}: ${nodes.map((n) => n.target.join(' ')).join(', ')}`)).toEqual([]);
      });
    }

    test('the form with errors, as the script shows them: axe finds nothing, and the error bars contrast', async ({ page }) => {
      await page.emulateMedia({ colorScheme });
      await sendEmptyForm(page);
      await noViolations(page);
      await errorBarsContrast(page);
    });

    // axe runs in the page, so it needs JavaScript: the form script is kept from loading instead, the form posts
    // as it does without JavaScript, and the server's page that comes back has no script of its own.
    test('the form with errors, as the server sends it back without the script: axe finds nothing, and the error bars contrast', async ({ page }) => {
      await page.emulateMedia({ colorScheme });
      await page.route('**/_astro/*.js', (route) => route.abort());
      await sendEmptyForm(page);
      await expect(page).toHaveTitle(/^Lomakkeessa on korjattavaa – Siirto-oikeus/);
      await noViolations(page);
      await errorBarsContrast(page);
    });
  });
}

test.describe('on a 320 px wide screen', () => {
  test.use({ viewport: { width: 320, height: 640 } });

  test('no page scrolls sideways', async ({ page }) => {
    for (const path of [...pages, missingPage]) {
      await page.goto(path);
      const width = await page.evaluate(() => document.documentElement.scrollWidth);
      expect(width, path).toBeLessThanOrEqual(320);
    }
  });
});
