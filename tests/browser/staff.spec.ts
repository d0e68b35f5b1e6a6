import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';
import AxeBuilder from '@axe-core/playwright';
import { expect, test, type Cookie, type Page } from '@playwright/test';
import { Secret, TOTP } from 'otpauth';
import { linksIn, waitForMail } from '../fixtures/outbox.ts';

const root = fileURLToPath(new URL('../..', import.meta.url));
const dataDir = process.env.E2E_DATA_DIR ?? '';
const outbox = join(dataDir, 'outbox');
const username = 'kasittelija';
const password = 'pitkä ja hyvä salasana 2026';

test.describe.configure({ mode: 'serial' });

/** The command staff use, while the server runs on the same data directory. */
const staffCommand = (...args: string[]) =>
  execFileSync('npm', ['run', '--silent', 'staff', '--', ...args], {
    cwd: root,
    env: { ...process.env, DATA_DIR: dataDir, STAFF_PASSWORD: password },
    stdio: ['ignore', 'pipe', 'pipe'],
    encoding: 'utf8',
  });

let totp: TOTP;
test.beforeAll(() => {
  staffCommand('add', username, '--role', 'admin');
  const uri = staffCommand('totp', username).match(/otpauth:\/\/\S+/)?.[0] ?? '';
  totp = new TOTP({ secret: Secret.fromBase32(new URL(uri).searchParams.get('secret') ?? ''), digits: 6, period: 30, algorithm: 'SHA1' });
});

/** Each code is accepted once: the next log-in takes the next time step (the server accepts one step ahead), or waits for it. */
let lastStep = 0;
async function nextCode(generator: TOTP = totp): Promise<string> {
  for (;;) {
    const step = Math.floor(Date.now() / 30_000);
    const use = Math.max(step, lastStep + 1);
    if (use <= step + 1) {
      lastStep = use;
      return generator.generate({ timestamp: use * 30_000 });
    }
    await sleep(1000);
  }
}

async function noAxeViolations(page: Page): Promise<void> {
  for (const colorScheme of ['light', 'dark'] as const) {
    await page.emulateMedia({ colorScheme });
    const { violations } = await new AxeBuilder({ page }).withTags(['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa']).analyze();
    expect(violations.map(({ id, nodes }) => `${colorScheme} ${id}: ${nodes.map((n) => n.target.join(' ')).join(', ')}`)).toEqual([]);
  }
  await page.emulateMedia({ colorScheme: 'light' });
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

/**
 * Logs in through the form the first time; later tests reuse that session (a code is accepted once, so every
 * log-in of its own would wait for the next 30-second step).
 */
let session: Cookie[] | undefined;
async function logIn(page: Page): Promise<void> {
  if (session) {
    await page.context().addCookies(session);
    await page.goto('/henkilosto/');
    await expect(page.getByRole('heading', { level: 1 })).toHaveText('Pyynnöt');
    return;
  }
  await page.goto('/henkilosto/');
  await expect(page).toHaveURL(/\/henkilosto\/kirjaudu/);
  await page.getByLabel('Käyttäjätunnus').fill(username);
  await page.getByLabel('Salasana').fill(password);
  await page.getByLabel('Tunnistuskoodi').fill(await nextCode());
  await page.getByRole('button', { name: 'Kirjaudu' }).click();
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('Pyynnöt');
  session = await page.context().cookies();
}

async function openRequest(page: Page, reference: string): Promise<void> {
  await page.goto('/henkilosto/');
  await page.getByRole('link', { name: reference }).click();
  await expect(page.getByRole('heading', { level: 1 })).toHaveText(`Pyyntö ${reference}`);
}

test('a new account takes its second factor into use at its first log-in', async ({ page }) => {
  staffCommand('add', 'uusi.kasittelija', '--role', 'handler');
  await page.goto('/henkilosto/');
  await expect(page).toHaveURL(/\/henkilosto\/kirjaudu$/);
  await expect(page.getByText('päättynyt')).toHaveCount(0);
  await page.getByLabel('Käyttäjätunnus').fill('uusi.kasittelija');
  await page.getByLabel('Salasana').fill(password);
  await page.getByRole('button', { name: 'Kirjaudu' }).click();
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('Kaksivaiheisen tunnistautumisen käyttöönotto');
  await expect(page.getByRole('img', { name: 'QR-koodi todennussovellukselle' })).toBeVisible();
  await noAxeViolations(page);
  const secret = ((await page.locator('code.secret').textContent()) ?? '').replace(/\s/g, '');
  const app = new TOTP({ secret: Secret.fromBase32(secret), digits: 6, period: 30, algorithm: 'SHA1' });
  await page.getByLabel('Sovelluksen näyttämä koodi').fill('000000');
  await page.getByRole('button', { name: 'Ota käyttöön ja kirjaudu' }).click();
  await expect(page.getByRole('alert')).toContainText('Koodi ei täsmännyt');
  await expect(page.getByRole('alert')).toBeFocused();
  await page.getByLabel('Sovelluksen näyttämä koodi').fill(app.generate());
  await page.getByRole('button', { name: 'Ota käyttöön ja kirjaudu' }).click();
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('Varakoodit');
  await expect(page.locator('ol.recovery-codes li')).toHaveCount(10);
  await noAxeViolations(page);
  await page.getByRole('link', { name: 'Jatka henkilöstön sivuille' }).click();
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('Pyynnöt');
  await expect(page.getByText('Kirjautuneena: uusi.kasittelija (käsittelijä)')).toBeVisible();
  await page.getByRole('button', { name: 'Kirjaudu ulos' }).click();
});

test('a failed log-in puts the focus on its message', async ({ page }) => {
  await page.goto('/henkilosto/kirjaudu');
  await page.getByLabel('Käyttäjätunnus').fill(username);
  await page.getByLabel('Salasana').fill('väärä salasana tähän');
  await page.getByLabel('Tunnistuskoodi').fill('123456');
  await page.keyboard.press('Enter');
  await expect(page.getByRole('alert')).toContainText('Kirjautuminen ei onnistunut');
  await expect(page.getByRole('alert')).toBeFocused();
});

test('staff reject a request with a justification, and the subject is told of the Ombudsman', async ({ page }) => {
  const email = 'hylatty@example.fi';
  const reference = await requestFromSubject(page, email);
  await logIn(page);
  await openRequest(page, reference);
  const reject = page.locator('form.action', { has: page.getByRole('heading', { name: 'Hylkää pyyntö' }) });
  // An empty reason gets the product's Finnish message (not the browser's bubble), and the focus.
  await reject.getByRole('button').click();
  await expect(page.getByRole('alert')).toBeFocused();
  await expect(page.getByRole('alert')).toContainText('perustelu');
  await reject.getByRole('textbox').fill('Kirjanpitolaki velvoittaa säilyttämään laskut.');
  await reject.getByRole('button').click();
  await expect(page.getByRole('status')).toHaveText('Tallennettu.');
  await expect(page.getByRole('status')).toBeFocused();
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

const staffPaths = (reference: string) => [
  '/henkilosto/',
  `/henkilosto/pyynnot/${reference}`,
  '/henkilosto/markkinointikiellot',
  '/henkilosto/tilastot',
  '/henkilosto/loki',
  '/henkilosto/oma-tili',
  '/henkilosto/kayttajat',
];

test('staff pages use the width: references on one line at 1280 px, no sideways scrolling of the page at 360 px', async ({ page }) => {
  const reference = await requestFromSubject(page, 'leveys@example.fi');
  await logIn(page);
  for (const width of [1280, 360]) {
    await page.setViewportSize({ width, height: 900 });
    for (const path of staffPaths(reference)) {
      await page.goto(path);
      const overflow = await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
      expect(overflow, `${path} at ${width} px`).toBeLessThanOrEqual(0);
    }
    await page.goto('/henkilosto/');
    const lines = await page.locator('table.requests a').first().evaluate((a) => a.getClientRects().length);
    expect(lines, `a reference at ${width} px`).toBe(1);
  }
  await page.setViewportSize({ width: 1280, height: 900 });
  await page.goto('/henkilosto/');
  const main = await page.locator('main').boundingBox();
  expect(main?.width ?? 0).toBeGreaterThan(1000);
});

test('the statistics: each chart an image named by its title and described in words, its colours 3:1 on the page in light and dark, and in print', async ({ page }) => {
  await requestFromSubject(page, 'tilasto@example.fi');
  await logIn(page);
  await page.goto('/henkilosto/tilastot');
  const year = new Date().getFullYear();
  await expect(page.getByRole('heading', { level: 1 })).toHaveText(`Tilastot ${year}`);
  const received = page.getByRole('img', { name: `Saapuneet ja vahvistetut pyynnöt kuukausittain vuonna ${year}` });
  await expect(received).toBeVisible();
  await expect(received).toHaveAccessibleDescription(/^Saapuneet pyynnöt vuonna \d{4} yhteensä \d+, vahvistettuja \d+\./);
  await expect(page.getByRole('img')).toHaveCount(6);
  // The table of each chart follows it, with the same numbers.
  await expect(page.getByRole('region', { name: `Saapuneet ja vahvistetut pyynnöt kuukausittain vuonna ${year}` }).locator('tfoot')).toContainText(/Yhteensä/);
  const seriesContrast = () =>
    page.locator('figure.chart').first().evaluate((figure) => {
      const luminance = (colour: string) => {
        const [r = 0, g = 0, b = 0] = (colour.match(/[\d.]+/g) ?? []).map((c) => {
          const s = Number(c) / 255;
          return s <= 0.03928 ? s / 12.92 : ((s + 0.055) / 1.055) ** 2.4;
        });
        return 0.2126 * r + 0.7152 * g + 0.0722 * b;
      };
      const background = luminance(getComputedStyle(document.body).backgroundColor);
      return ['--chart-1', '--chart-2', '--chart-3'].map((name) => {
        const probe = document.createElement('span');
        probe.style.color = `var(${name})`;
        figure.append(probe);
        const colour = getComputedStyle(probe).color;
        probe.remove();
        const [light, dark] = [luminance(colour), background].sort((x, y) => y - x);
        return { colour, ratio: ((light ?? 0) + 0.05) / ((dark ?? 0) + 0.05) };
      });
    });
  const colours: string[] = [];
  for (const colorScheme of ['light', 'dark'] as const) {
    await page.emulateMedia({ colorScheme });
    for (const { colour, ratio } of await seriesContrast()) {
      expect(ratio, `${colorScheme} ${colour}`).toBeGreaterThanOrEqual(3);
      colours.push(colour);
    }
  }
  expect(new Set(colours).size, 'dark mode has colours of its own').toBe(6);
  // On paper: the figures and the charts in their light colours with black text, not the navigation or the form.
  await page.emulateMedia({ media: 'print', colorScheme: 'dark' });
  await expect(page.locator('.staff-nav')).toBeHidden();
  await expect(page.locator('form.filters')).toBeHidden();
  await expect(received).toBeVisible();
  expect(await received.locator('text.label').first().evaluate((text) => getComputedStyle(text).fill)).toBe('rgb(0, 0, 0)');
  expect((await seriesContrast()).map((c) => c.colour)).toEqual(colours.slice(0, 3));
  await page.emulateMedia({ media: 'screen', colorScheme: 'light' });
  // A month out of range: the nearest, with a note.
  await page.goto(`/henkilosto/tilastot?vuosi=${year}&kuukausi=13`);
  await expect(page.getByRole('status')).toContainText('Kuukautta 13 ei ole, joten näytetään lähin kuukausi');
});

test('axe finds nothing on the staff pages in light and dark, and log-out ends the session', async ({ page }) => {
  await page.goto('/henkilosto/kirjaudu');
  await noAxeViolations(page);
  await logIn(page);
  const reference = (await page.locator('table.requests a').first().textContent()) ?? '';
  for (const path of staffPaths(reference)) {
    await page.goto(path);
    await noAxeViolations(page);
  }
  await page.getByRole('button', { name: 'Kirjaudu ulos' }).click();
  await expect(page.getByRole('status')).toHaveText('Olet kirjautunut ulos.');
  await page.goto('/henkilosto/');
  await expect(page).toHaveURL(/\/henkilosto\/kirjaudu/);
});
