import { expect, test, type Page } from '@playwright/test';
import { missingPage, pages, seed, squash } from './site.ts';

/** The controller's contact line as the seed notice gives it, and the e-mail address in it. */
const contact = squash(seed.split('\n').find((line) => line.includes('Y-tunnus')) ?? '');
const email = /sähköposti: (\S+)/.exec(contact)?.[1] ?? '';

/** One link as print shows it: its text, what print adds after it, and its address. */
type PrintedLink = { text: string; after: string; href: string; visible: boolean };

/**
 * Every link of the page but the header's (the site's name, printed as the page's masthead, and the navigation),
 * as print shows it (hidden ones marked, with no address of their own).
 */
function printedLinks(page: Page): Promise<PrintedLink[]> {
  return page.locator('a[href]:not(header a)').evaluateAll((anchors) =>
    anchors.map((anchor) => {
      const content = getComputedStyle(anchor, '::after').content;
      // A generated string comes back quoted ("\" (/oikeudet/)\""); none and normal are no content.
      const after = /^".*"$/s.test(content) ? (JSON.parse(content) as string) : '';
      const visible = (anchor as HTMLElement).checkVisibility();
      return { text: (anchor as HTMLElement).innerText.replace(/\s+/g, ' ').trim(), after, href: anchor.getAttribute('href') ?? '', visible };
    }),
  );
}

/** How many times `part` occurs in `text`. */
const count = (text: string, part: string) => text.split(part).length - 1;

test.describe('in print', () => {
  test.beforeEach(async ({ page }) => {
    await page.emulateMedia({ media: 'print' });
  });

  for (const path of [...pages, missingPage]) {
    test(`each link on ${path} shows its address once`, async ({ page }) => {
      await page.goto(path);
      const problems: string[] = [];
      for (const { text, after, href, visible } of await printedLinks(page)) {
        const link = `"${text}" → ${href}`;
        if (!visible) {
          if (after) problems.push(`${link} is hidden but adds "${after}"`);
          continue;
        }
        if (href.startsWith('#')) {
          // Within the page: no address to give.
          if (after) problems.push(`${link} adds "${after}"`);
        } else if (href.startsWith('mailto:') || href.startsWith('tel:')) {
          // The text is the address or the number itself, so nothing is added.
          const address = href.replace(/^(mailto|tel):/, '');
          const shown = href.startsWith('tel:') ? text.replace(/\D/g, '').replace(/^0/, '358') : text;
          if (!shown.includes(address.replace(/^\+/, ''))) problems.push(`${link}: the text is not the address`);
          if (after) problems.push(`${link} adds "${after}"`);
        } else {
          // A web address or a path of this site, after the text, once.
          if (after !== ` (${href})`) problems.push(`${link} adds "${after}", not " (${href})"`);
          const bare = href.startsWith('/') ? href : href.replace(/^https?:\/\//, '').replace(/\/$/, '');
          if (href.startsWith('/') ? text === bare : text.includes(bare)) problems.push(`${link}: the text already is the address, and print repeats it`);
        }
      }
      expect(problems).toEqual([]);
    });
  }

  test('every page prints the controller\'s contact details once, the notice page included', async ({ page }) => {
    expect(contact).toContain('Y-tunnus');
    expect(email).toContain('@');
    for (const path of [...pages, missingPage]) {
      await page.goto(path);
      const text = squash(await page.locator('body').innerText());
      expect(count(text, contact), path).toBe(1);
      // The e-mail address prints where the page writes it, and no link adds it again.
      const added = (await printedLinks(page)).map((link) => link.after).join(' ');
      expect(count(added, email), path).toBe(0);
    }
  });

  test('the notice prints its contact section whole, and the footer then names the controller only', async ({ page }) => {
    await page.goto('/tietosuojaseloste/');
    expect(squash(await page.locator('main address.contact').innerText())).toBe(contact);
    expect(squash(await page.locator('footer address').innerText())).toBe(contact.split(',')[0]);
    await expect(page.locator('footer address .contact-details')).toBeHidden();
  });

  test('prints no skip link, navigation, form or link down to the form', async ({ page }) => {
    await page.goto('/oikeudet/poisto-oikeus/');
    await expect(page.getByRole('link', { name: 'Siirry sisältöön' })).toBeHidden();
    await expect(page.getByRole('navigation', { name: 'Päävalikko' })).toBeHidden();
    await expect(page.locator('#lomake')).toBeHidden();
    await expect(page.locator('main a[href="#lomake"]')).toBeHidden();
    // The text around the link still says how to make the request, by e-mail too.
    await expect(page.getByRole('heading', { name: 'Näin teet pyynnön' })).toBeVisible();
    await expect(page.locator('main a[href^="mailto:"]').first()).toBeVisible();
  });
});
