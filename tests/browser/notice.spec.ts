import { expect, test, type Page } from '@playwright/test';
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

test.describe('the rights pages tell one story with the notice', () => {
  const rightsPages = pages.filter((p) => p.startsWith('/oikeudet/'));
  const complaint = '/oikeudet/valitusoikeus/';
  /** The page's own text: main without the request form (another part of the product, checked elsewhere). */
  const ownText = (page: Page) =>
    page.locator('main').evaluate((main) => {
      const copy = main.cloneNode(true) as HTMLElement;
      copy.querySelector('#lomake')?.remove();
      return copy.textContent ?? '';
    }).then(squash);

  test('each page with a form has a "Tee pyyntö" link after the intro, before the long text, and it reaches the form', async ({ page }) => {
    const withoutForm: string[] = [];
    for (const path of rightsPages) {
      await page.goto(path);
      const link = page.locator('main').getByRole('link', { name: 'Tee pyyntö', exact: true });
      if ((await page.locator('#lomake').count()) === 0) {
        withoutForm.push(path);
        await expect(link, path).toHaveCount(0);
        continue;
      }
      await expect(link, path).toHaveCount(1);
      await expect(link, path).toHaveAttribute('href', '#lomake');
      // After the lead and the notice's words, with no section of the explanation before it but the one it is in.
      const place = await link.evaluate((a) => {
        const follows = (node: Element) => (node.compareDocumentPosition(a) & Node.DOCUMENT_POSITION_FOLLOWING) !== 0;
        return {
          afterLead: follows(document.querySelector('main .lead') ?? document.body),
          afterQuote: follows(document.querySelector('main blockquote') ?? document.body),
          headingsBefore: [...document.querySelectorAll('main h2')].filter(follows).map((h) => h.textContent),
        };
      });
      expect(place.afterLead && place.afterQuote, path).toBe(true);
      expect(place.headingsBefore, path).toHaveLength(1);
      await link.click();
      await expect(page, path).toHaveURL(/#lomake$/);
      await expect(page.locator('#lomake'), path).toBeInViewport();
    }
    expect(withoutForm).toEqual([complaint]);
  });

  test('each page with a form says that e-mail to the notice\'s address works too, and why the form is quicker', async ({ page }) => {
    await page.goto('/tietosuojaseloste/');
    const email = (await page.locator('footer a[href^="mailto:"]').getAttribute('href')) ?? '';
    expect(email).toMatch(/^mailto:\S+@/);
    for (const path of rightsPages.filter((p) => p !== complaint)) {
      await page.goto(path);
      const how = page.locator('main section', { has: page.getByRole('link', { name: 'Tee pyyntö', exact: true }) });
      await expect(how.locator(`a[href="${email}"]`), path).toHaveCount(1);
      await expect(how, path).toContainText('sähköpostilla');
      await expect(how, path).toContainText('Nopein tapa on tämän sivun lomake');
      await expect(how, path).toContainText('viitenumero');
    }
  });

  test('each quote of the notice is introduced by where it stands in the notice, and whose paragraph it is', async ({ page }) => {
    await page.goto('/tietosuojaseloste/');
    // The notice's paragraphs, each with the rights page its label links to.
    const paragraphs = await page.locator('main article > p').evaluateAll((ps) =>
      ps.map((p) => ({ text: p.textContent ?? '', own: p.querySelector('strong a')?.getAttribute('href') ?? undefined, label: p.querySelector('strong')?.textContent?.replace(/:$/, '') })),
    );
    for (const path of rightsPages) {
      await page.goto(path);
      const quote = squash((await page.locator('main blockquote').textContent()) ?? '');
      const source = paragraphs.find((p) => squash(p.text).includes(quote));
      expect(source, path).toBeTruthy();
      // The page opens with its lead, then the introduction, then the quote.
      const intro = page.locator('main .lead + .quote-intro');
      await expect(intro, path).toHaveCount(1);
      expect(await intro.evaluate((p) => p.nextElementSibling?.matches('figure.quote:has(blockquote)')), path).toBe(true);
      await expect(intro.locator('a'), path).toHaveAttribute('href', '/tietosuojaseloste/#rekisteröidyn-oikeudet');
      await expect(intro.locator('a'), path).toHaveText('Rekisteröidyn oikeudet');
      if (source?.own === path) {
        await expect(intro, path).toContainText('sanotaan tästä oikeudesta');
      } else {
        await expect(intro, path).toContainText('Tällä oikeudella ei ole tietosuojaselosteessa omaa kappaletta.');
        await expect(intro, path).toContainText(`kappaleessa ”${source?.label}”`);
      }
    }
    // The two rights the notice names only inside another right's paragraph.
    await page.goto('/oikeudet/oikaisuoikeus/');
    await expect(page.locator('main .quote-intro')).toContainText('”Tarkastusoikeus”');
    await page.goto('/oikeudet/rajoittamisoikeus/');
    await expect(page.locator('main .quote-intro')).toContainText('”Poisto-oikeus”');
  });

  test('the objection page relates the notice\'s wording to Article 21, and its form takes both', async ({ page }) => {
    await page.goto('/oikeudet/vastustamisoikeus/');
    const text = await ownText(page);
    for (const part of [
      'Tietosuojaselosteen mukaan voit vastustaa käsittelyä, jos käsittelemme tietojasi mielestäsi lainvastaisesti tai ilman asianmukaista oikeutta.',
      'Tietosuoja-asetuksen 21 artiklassa vastustamisoikeus on määritelty toisin, eikä siinä edellytetä, että käsittely olisi lainvastaista',
      'omaan erityiseen tilanteeseesi liittyvästä syystä, jos käsittely perustuu oikeutettuun etuumme tai yleisen edun mukaiseen tehtävään',
      'Suoramarkkinointia voit vastustaa aina',
      'Tämän sivun lomakkeella voit tehdä kumman tahansa',
    ]) {
      expect(text).toContain(part);
    }
  });

  test('no rights page uses the wrong legal words, and the deadline runs from when the request arrived', async ({ page }) => {
    for (const path of rightsPages) {
      await page.goto(path);
      const text = squash((await page.locator('main').textContent()) ?? '');
      expect(text, path).not.toMatch(/omistaja/i);
      expect(text, path).not.toMatch(/hakea muutosta tuomioistuimessa/i);
      expect(text, path).not.toMatch(/kuluessa siitä, kun olet vahvistanut/);
      if (text.includes('Kuinka nopeasti vastaamme')) {
        expect(text, path).toContain('viimeistään kuukauden kuluessa siitä, kun pyyntösi saapui meille');
        expect(text, path).toContain('enintään kahdella kuukaudella');
      }
      if (text.includes('Jos emme voi toteuttaa pyyntöäsi')) expect(text, path).toContain('käräjäoikeudessa');
    }
  });

  test('the complaint page names the courts: the district court for us, the administrative court for the Ombudsman\'s decision', async ({ page }) => {
    await page.goto(complaint);
    const text = await ownText(page);
    expect(text).toMatch(/kanteen käräjäoikeudessa \(tietosuoja-asetuksen 79 artikla\)/);
    expect(text).toMatch(/tietosuojavaltuutetun päätöksestä, voit hakea siihen muutosta valittamalla hallinto-oikeuteen \(tietosuoja-asetuksen 78 artikla\)/);
    await expect(page.locator('main a[href="https://tietosuoja.fi"]').first()).toBeVisible();
  });

  test('the marketing ban page says what the ban records and covers: e-mail and phone, no other channel', async ({ page }) => {
    await page.goto('/oikeudet/suoramarkkinointikielto/');
    const text = await ownText(page);
    expect(text).toContain('Kieltoon kirjataan sähköpostiosoitteesi ja, jos annat sen, puhelinnumerosi.');
    expect(text).toContain('Kielto koskee suoramarkkinointia, jota lähetämme sähköpostilla tähän sähköpostiosoitteeseen, sekä markkinointipuheluita ja tekstiviestejä tähän puhelinnumeroon.');
    expect(text).not.toMatch(/kirje|(?<!sähkö)posti|paperi|sosiaali|\bsome|whatsapp|kaikkea suoramarkkinointia/i);
  });
});
