import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import AxeBuilder from '@axe-core/playwright';
import { expect, test, type Page } from '@playwright/test';
import { linksIn, waitForMail } from '../fixtures/outbox.ts';

const root = fileURLToPath(new URL('../..', import.meta.url));
const dataDir = process.env.E2E_DATA_DIR ?? '';
const outbox = join(dataDir, 'outbox');
const username = 'kasittelija';
const password = 'pitkä ja hyvä salasana 2026';

test.describe.configure({ mode: 'serial' });

test.beforeAll(() => {
  // The command staff use, while the server runs on the same data directory.
  execFileSync('npm', ['run', '--silent', 'staff', '--', 'add', username], {
    cwd: root,
    env: { ...process.env, DATA_DIR: dataDir, STAFF_PASSWORD: password },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
});

async function noAxeViolations(page: Page): Promise<void> {
  const { violations } = await new AxeBuilder({ page }).withTags(['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa']).analyze();
  expect(violations.map(({ id, nodes }) => `${id}: ${nodes.map((n) => n.target.join(' ')).join(', ')}`)).toEqual([]);
}

/** A subject's request (erasure unless another right's page is named) through the public form, confirmed from the mail; returns its reference. */
async function requestFromSubject(page: Page, email: string, right = 'poisto-oikeus'): Promise<string> {
  await page.goto(`/oikeudet/${right}/`);
  await page.getByRole('textbox', { name: /^Nimi/ }).fill('Maija Meikäläinen');
  await page.getByLabel('Sähköpostiosoite').fill(email);
  await page.getByLabel('Itse, yksityisasiakkaana').check();
  await page.getByRole('button', { name: 'Lähetä pyyntö' }).click();
  const reference = ((await page.locator('.receipt').textContent()) ?? '').match(/TS-\d{4}-\d{5}/)?.[0] ?? '';
  const mail = await waitForMail(outbox, (m) => m.to === email && m.subject === 'Vahvista tietosuojapyyntösi');
  await page.goto(new URL(linksIn(mail.text)[0] ?? '').pathname);
  await page.getByRole('button', { name: 'Vahvista pyyntö' }).click();
  await expect(page).toHaveURL(/\/pyynto\/tila\//);
  return reference;
}

async function logIn(page: Page): Promise<void> {
  await page.goto('/henkilosto/');
  await expect(page).toHaveURL(/\/henkilosto\/kirjaudu/);
  await page.getByLabel('Käyttäjätunnus').fill(username);
  await page.getByLabel('Salasana').fill(password);
  await page.getByRole('button', { name: 'Kirjaudu' }).click();
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('Pyynnöt');
}

async function openRequest(page: Page, reference: string): Promise<void> {
  await page.goto('/henkilosto/');
  await page.getByRole('link', { name: reference }).click();
  await expect(page.getByRole('heading', { level: 1 })).toHaveText(`Pyyntö ${reference}`);
}

test('staff reject a request with a justification, and the subject is told of the Ombudsman', async ({ page }) => {
  const email = 'hylatty@example.fi';
  const reference = await requestFromSubject(page, email);
  await logIn(page);
  await openRequest(page, reference);
  const reject = page.locator('form.action', { has: page.getByRole('heading', { name: 'Hylkää pyyntö' }) });
  await reject.getByRole('textbox').fill('Kirjanpitolaki velvoittaa säilyttämään laskut.');
  await reject.getByRole('button').click();
  await expect(page.getByRole('status')).toHaveText('Tallennettu.');
  await expect(page.locator('dl.facts')).toContainText('Hylätty');
  const mail = await waitForMail(outbox, (m) => m.to === email && m.subject === `Pyyntöäsi ${reference} ei voitu toteuttaa`);
  expect(mail.text).toContain('Kirjanpitolaki velvoittaa säilyttämään laskut.');
  expect(mail.text).toContain('tietosuojavaltuutetulle');
  expect(mail.text).toContain('https://tietosuoja.fi');
});

test('staff extend a deadline and then complete the request, and the subject hears of both', async ({ page }) => {
  const email = 'pidennetty@example.fi';
  const reference = await requestFromSubject(page, email);
  await logIn(page);
  await openRequest(page, reference);
  await page.getByRole('button', { name: 'Aloita käsittely' }).click();
  await expect(page.locator('dl.facts')).toContainText('Käsittelyssä');
  const extend = page.locator('form.action', { has: page.getByRole('heading', { name: 'Pidennä määräaikaa' }) });
  await extend.getByRole('textbox', { name: /Perustelu/ }).fill('Pyyntöjä on poikkeuksellisen paljon.');
  await extend.getByRole('button').click();
  await expect(page.getByRole('status')).toHaveText('Tallennettu.');
  await expect(page.getByText(/Pidennetty .* asti/)).toBeVisible();
  await waitForMail(outbox, (m) => m.to === email && m.subject === `Pyyntösi ${reference} käsittelyaikaa on pidennetty`);

  const complete = page.locator('form.action', { has: page.getByRole('heading', { name: 'Merkitse valmiiksi' }) });
  await complete.getByRole('textbox').fill('Tietosi on poistettu palvelusta.');
  await complete.getByRole('button').click();
  await expect(page.locator('dl.facts')).toContainText('Valmis');
  const mail = await waitForMail(outbox, (m) => m.to === email && m.subject === `Pyyntösi ${reference} on käsitelty`);
  expect(mail.text).toContain('Tietosi on poistettu palvelusta.');
});

test('staff attach a JSON file to an access answer, and the subject downloads it byte for byte from the status page', async ({ page }) => {
  const email = 'tarkastus@example.fi';
  const reference = await requestFromSubject(page, email, 'tarkastusoikeus');
  const answer = Buffer.from(`${JSON.stringify({ nimi: 'Maija Meikäläinen', kurssit: ['Matematiikka 7'] }, null, 2)}\n`);
  await logIn(page);
  await openRequest(page, reference);
  const complete = page.locator('form.action', { has: page.getByRole('heading', { name: 'Merkitse valmiiksi' }) });
  await complete.getByRole('textbox').fill('Tietosi ovat liitteenä.');
  await complete.locator('input[type="file"]').setInputFiles({ name: 'tietosi.json', mimeType: 'application/json', buffer: answer });
  await complete.getByRole('button', { name: 'Merkitse valmiiksi ja lähetä vastaus' }).click();
  await expect(page.locator('dl.facts')).toContainText('Valmis');

  const confirmed = await waitForMail(outbox, (m) => m.to === email && /vahvistettu/.test(m.subject));
  const statusLink = linksIn(confirmed.text).find((link) => link.includes('/pyynto/tila/')) ?? '';
  await page.goto(new URL(statusLink).pathname);
  await expect(page.getByRole('heading', { name: 'Vastauksen tiedostot' })).toBeVisible();
  const sha256 = createHash('sha256').update(answer).digest('hex');
  await expect(page.locator('ul.files')).toContainText(sha256);
  const [download] = await Promise.all([page.waitForEvent('download'), page.getByRole('link', { name: 'tietosi.json' }).click()]);
  expect(download.suggestedFilename()).toBe('tietosi.json');
  const saved = await readFile((await download.path()) ?? '');
  expect(createHash('sha256').update(saved).digest('hex')).toBe(sha256);
});

test('axe finds nothing on the staff pages, and log-out ends the session', async ({ page }) => {
  await page.goto('/henkilosto/kirjaudu');
  await noAxeViolations(page);
  await logIn(page);
  const reference = (await page.locator('table.requests a').first().textContent()) ?? '';
  for (const path of ['/henkilosto/', `/henkilosto/pyynnot/${reference}`, '/henkilosto/markkinointikiellot', '/henkilosto/loki']) {
    await page.goto(path);
    await noAxeViolations(page);
  }
  await page.getByRole('button', { name: 'Kirjaudu ulos' }).click();
  await expect(page.getByRole('status')).toHaveText('Olet kirjautunut ulos.');
  await page.goto('/henkilosto/');
  await expect(page).toHaveURL(/\/henkilosto\/kirjaudu/);
});
