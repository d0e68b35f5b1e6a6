import { join } from 'node:path';
import AxeBuilder from '@axe-core/playwright';
import { expect, test, type Page } from '@playwright/test';
import { linksIn, waitForMail } from '../fixtures/outbox.ts';

const outbox = join(process.env.E2E_DATA_DIR ?? '', 'outbox');
const wcag21aa = ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'];

async function noAxeViolations(page: Page): Promise<void> {
  const { violations } = await new AxeBuilder({ page }).withTags(wcag21aa).analyze();
  expect(violations.map(({ id, nodes }) => `${id}: ${nodes.map((n) => n.target.join(' ')).join(', ')}`)).toEqual([]);
}

async function fillErasure(page: Page, email: string, relation: 'Itse, yksityisasiakkaana' | 'Koulun, kunnan tai yrityksen kautta') {
  await page.goto('/oikeudet/poisto-oikeus/');
  await page.getByRole('textbox', { name: /^Nimi/ }).fill('Maija Meikäläinen');
  await page.getByLabel('Sähköpostiosoite').fill(email);
  await page.getByLabel(relation).check();
  if (relation !== 'Itse, yksityisasiakkaana') await page.getByLabel('Organisaation nimi').fill('Oulun kaupunki');
  await page.getByLabel('Lisätiedot').fill('Poistakaa kaikki tietoni.');
  await page.getByLabel('Rajoittakaa tietojeni käsittelyä, kunnes pyyntöni on ratkaistu.').check();
}

/** Reads the mailed link, confirms with the button, and checks the status page (with axe, when scripts run). */
async function confirmFromMail(page: Page, email: string, axe: boolean): Promise<void> {
  const mail = await waitForMail(outbox, (m) => m.to === email && m.subject === 'Vahvista tietosuojapyyntösi');
  const link = linksIn(mail.text).find((l) => l.includes('/pyynto/vahvista/')) ?? '';
  await page.goto(new URL(link).pathname);
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('Vahvista pyyntösi');
  if (axe) await noAxeViolations(page);
  await page.getByRole('button', { name: 'Vahvista pyyntö' }).click();
  await expect(page).toHaveURL(/\/pyynto\/tila\/[\w-]{43}$/);
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('Pyyntösi tilanne');
  const facts = page.locator('dl.facts');
  await expect(facts).toContainText(/TS-\d{4}-\d{5}/);
  await expect(facts).toContainText('Poistopyyntö');
  await expect(facts).toContainText('Vastaanotettu');
  await expect(facts).toContainText('Vastaamme viimeistään');
  if (axe) await noAxeViolations(page);
  const confirmed = await waitForMail(outbox, (m) => m.to === email && m.subject.endsWith('on vahvistettu'));
  expect(linksIn(confirmed.text)).toContain(page.url());
}

test.describe('with JavaScript', () => {
  test('the erasure form posts, shows the receipt, and the mailed link confirms the request', async ({ page }) => {
    const email = 'js.poisto@example.fi';
    await fillErasure(page, email, 'Itse, yksityisasiakkaana');
    await noAxeViolations(page);
    await page.getByRole('button', { name: 'Lähetä pyyntö' }).click();
    const receipt = page.locator('.receipt');
    await expect(receipt).toBeFocused();
    await expect(receipt).toContainText('Pyyntösi on vastaanotettu');
    await expect(receipt).toContainText(/Viitenumero: TS-\d{4}-\d{5}/);
    await expect(page).toHaveURL(/\/oikeudet\/poisto-oikeus\/$/);
    await confirmFromMail(page, email, true);
  });

  test('a bad e-mail address gets an inline Finnish error, and the summary takes focus on sending', async ({ page }) => {
    await page.goto('/oikeudet/poisto-oikeus/');
    const email = page.getByLabel('Sähköpostiosoite');
    await email.fill('maija@');
    await email.blur();
    const error = page.locator('#virhe-email');
    await expect(error).toBeVisible();
    await expect(error).toHaveText('Kirjoita sähköpostiosoite muodossa nimi@esimerkki.fi.');
    await expect(email).toHaveAttribute('aria-invalid', 'true');
    await expect(email).toHaveAccessibleDescription(/Kirjoita sähköpostiosoite muodossa nimi@esimerkki\.fi/);

    await page.getByRole('button', { name: 'Lähetä pyyntö' }).click();
    const summary = page.locator('.error-summary');
    await expect(summary).toBeFocused();
    // One message a field, each saying what to do, in the form's order.
    await expect(summary.getByRole('link')).toHaveText([
      'Kirjoita nimesi.',
      'Kirjoita sähköpostiosoite muodossa nimi@esimerkki.fi.',
      'Valitse, käytätkö palvelua itse vai organisaation kautta.',
    ]);
    await noAxeViolations(page);
    // The group of options shows its error state too, and its link leads to the first option.
    const relation = page.getByRole('group', { name: /Miten käytät Opinaika-palvelua/ });
    await expect(relation).toHaveCSS('border-left-style', 'solid');
    await expect(relation).toHaveAccessibleDescription('Valitse, käytätkö palvelua itse vai organisaation kautta.');
    await summary.getByRole('link', { name: /^Valitse, käytätkö/ }).click();
    await expect(page.getByLabel('Itse, yksityisasiakkaana')).toBeFocused();
    await summary.getByRole('link', { name: /^Kirjoita sähköpostiosoite/ }).click();
    await expect(email).toBeFocused();

    await email.fill('maija@example.fi');
    await email.blur();
    await expect(error).toBeHidden();
  });

  test('a marketing ban with a phone is in force at once, and the receipt names both, not repeating them', async ({ page }) => {
    const email = 'js.kielto@example.fi';
    await page.goto('/oikeudet/suoramarkkinointikielto/');
    await page.getByLabel('Sähköpostiosoite').fill(email);
    const phone = page.getByLabel('Puhelinnumero (vapaaehtoinen)');
    // The script checks only the characters; the server knows this is no real number, and says so beside the field.
    await phone.fill('040 123');
    await page.getByRole('button', { name: 'Lähetä pyyntö' }).click();
    await expect(page.locator('#virhe-phone')).toHaveText('Kirjoita puhelinnumero muodossa 040 123 4567 tai +358 40 123 4567.');
    await expect(phone).toHaveAttribute('aria-invalid', 'true');
    await expect(page.locator('.error-summary')).toBeFocused();

    await phone.fill('040 123 4567');
    await page.getByRole('button', { name: 'Lähetä pyyntö' }).click();
    const receipt = page.locator('.receipt');
    await expect(receipt).toBeFocused();
    await expect(receipt).toContainText(
      'Kielto on kirjattu sähköpostiosoitteellesi ja puhelinnumerollesi: emme käytä niitä suoramarkkinointiin sähköpostilla, puhelimella emmekä tekstiviestillä.',
    );
    await expect(receipt).toContainText('Kielto on voimassa heti');
    await expect(receipt).toContainText(/Viitenumero: TS-\d{4}-\d{5}/);
    await expect(receipt).not.toContainText(email);
    await waitForMail(outbox, (m) => m.to === email && m.subject === 'Suoramarkkinointikielto on kirjattu');
  });
});

test('the pages the server renders pass axe: receipts and an expired link', async ({ page }) => {
  for (const path of [
    '/pyynto/vastaanotettu/?tyyppi=erasure&suhde=organisation&viite=TS-2026-00001',
    '/pyynto/vastaanotettu/?tyyppi=marketing_ban&puhelin=1&viite=TS-2026-00002',
    `/pyynto/vahvista/${'A'.repeat(43)}`,
  ]) {
    await page.goto(path);
    await expect(page.getByRole('heading', { level: 1 })).toBeVisible();
    await noAxeViolations(page);
  }
});

test.describe('without JavaScript', () => {
  test.use({ javaScriptEnabled: false });

  test('the erasure form posts to the receipt page, and the mailed link confirms the request', async ({ page }) => {
    const email = 'nojs.poisto@example.fi';
    await fillErasure(page, email, 'Itse, yksityisasiakkaana');
    await page.getByRole('button', { name: 'Lähetä pyyntö' }).click();
    await expect(page).toHaveURL(/\/pyynto\/vastaanotettu\/\?tyyppi=erasure&suhde=private&viite=TS-\d{4}-\d{5}$/);
    await expect(page.getByRole('heading', { level: 1 })).toHaveText('Pyyntösi on vastaanotettu');
    const reference = new URL(page.url()).searchParams.get('viite') ?? '';
    await expect(page.locator('main')).toContainText(`Viitenumero: ${reference}`);
    await confirmFromMail(page, email, false);
  });

  test('a failed post shows the form again, as it was filled, with linked errors; fixed, it goes through', async ({ page }) => {
    await fillErasure(page, 'nojs.korjattava@example', 'Koulun, kunnan tai yrityksen kautta');
    await page.getByLabel('Organisaation nimi').fill('');
    await page.getByRole('button', { name: 'Lähetä pyyntö' }).click();

    await expect(page).toHaveTitle(/^Lomakkeessa on korjattavaa – Poisto-oikeus/);
    await expect(page.getByRole('heading', { level: 1 })).toHaveText('Lomakkeessa on korjattavaa – Poisto-oikeus');
    await expect(page.locator('main').getByRole('link', { name: 'Poisto-oikeus', exact: true })).toHaveAttribute('href', '/oikeudet/poisto-oikeus/');
    const summary = page.locator('.error-summary');
    await expect(summary).toBeFocused();
    await expect(summary.getByRole('link')).toHaveText([
      'Kirjoita sähköpostiosoite muodossa nimi@esimerkki.fi.',
      'Kirjoita organisaation nimi, koska käytät palvelua organisaation kautta.',
    ]);
    // Each message beside its field, which is marked invalid and described by it.
    const email = page.getByLabel('Sähköpostiosoite');
    const organisation = page.getByLabel('Organisaation nimi');
    await expect(email).toHaveAttribute('aria-invalid', 'true');
    await expect(email).toHaveAccessibleDescription(/Kirjoita sähköpostiosoite muodossa nimi@esimerkki\.fi\./);
    await expect(organisation).toHaveAccessibleDescription(/Kirjoita organisaation nimi, koska käytät palvelua organisaation kautta\./);
    await expect(page.getByRole('textbox', { name: /^Nimi/ })).not.toHaveAttribute('aria-invalid', 'true');
    // What was typed and chosen is still there.
    await expect(page.getByRole('textbox', { name: /^Nimi/ })).toHaveValue('Maija Meikäläinen');
    await expect(email).toHaveValue('nojs.korjattava@example');
    await expect(page.getByLabel('Lisätiedot')).toHaveValue('Poistakaa kaikki tietoni.');
    await expect(page.getByLabel('Koulun, kunnan tai yrityksen kautta')).toBeChecked();
    await expect(page.getByLabel('Rajoittakaa tietojeni käsittelyä, kunnes pyyntöni on ratkaistu.')).toBeChecked();
    // A summary link moves the focus to its field, without a script.
    await summary.getByRole('link', { name: /^Kirjoita organisaation nimi/ }).click();
    await expect(organisation).toBeFocused();

    await organisation.fill('Oulun kaupunki');
    await email.fill('nojs.korjattava@example.fi');
    await page.getByRole('button', { name: 'Lähetä pyyntö' }).click();
    await expect(page).toHaveURL(/\/pyynto\/vastaanotettu\/\?tyyppi=erasure&suhde=organisation&viite=TS-\d{4}-\d{5}$/);
    await expect(page.getByRole('heading', { level: 1 })).toHaveText('Pyyntösi on vastaanotettu');
    await expect(page.locator('main')).toContainText(/Viitenumero: TS-\d{4}-\d{5}/);
  });

  test('an organisation user is told the organisation is the controller', async ({ page }) => {
    await fillErasure(page, 'nojs.koulu@example.fi', 'Koulun, kunnan tai yrityksen kautta');
    await page.getByRole('button', { name: 'Lähetä pyyntö' }).click();
    await expect(page.locator('main')).toContainText('Välitämme pyyntösi organisaatiolle ja autamme sitä vastaamaan.');
  });
});
