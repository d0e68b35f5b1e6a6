import { expect, test, type Page } from '@playwright/test';

/** The page's background colour as [r, g, b]. */
async function background(page: Page): Promise<number[]> {
  const colour = await page.evaluate(() => getComputedStyle(document.body).backgroundColor);
  return (colour.match(/\d+/g) ?? []).slice(0, 3).map(Number);
}

test('follows the reader\'s light or dark preference', async ({ page }) => {
  await page.emulateMedia({ colorScheme: 'light' });
  await page.goto('/tietosuojaseloste/');
  expect(Math.min(...(await background(page)))).toBeGreaterThan(220);
  await page.emulateMedia({ colorScheme: 'dark' });
  expect(Math.max(...(await background(page)))).toBeLessThan(50);
});

test('prints the notice without navigation, with the controller and black text on white', async ({ page }) => {
  await page.emulateMedia({ media: 'print', colorScheme: 'dark' });
  await page.goto('/tietosuojaseloste/');
  await expect(page.getByRole('navigation', { name: 'Päävalikko' })).toBeHidden();
  await expect(page.getByRole('navigation', { name: 'Sisällys' })).toBeHidden();
  await expect(page.getByRole('heading', { name: 'Tietosuojaseloste', level: 1 })).toBeVisible();
  await expect(page.getByRole('heading', { name: 'Tietojen suojauksen periaatteet' })).toBeVisible();
  await expect(page.locator('footer address')).toBeVisible();
  expect(await background(page)).toEqual([255, 255, 255]);
  expect(await page.evaluate(() => getComputedStyle(document.querySelector('main article > p:not(.updated)')!).color)).toBe('rgb(0, 0, 0)');
  const pdf = await page.pdf({ format: 'A4' });
  expect(pdf.subarray(0, 5).toString()).toBe('%PDF-');
});
