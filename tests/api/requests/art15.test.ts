/**
 * The answer to a completed access request carries the Art. 15(1) information, the notice's own words, in the
 * mail and on the status page; the mail holds nothing the subject wrote or gave; other answers do not carry it.
 * The same built file carries the controller's contact from the notice's frontmatter.
 */
import assert from 'node:assert/strict';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, before, beforeEach, describe, test } from 'node:test';
import { art15File, art15Html, builtController, fallbackController, itemText, loadArt15, loadBuilt, type Art15 } from '../../../api/requests/art15.ts';
import { requests } from '../../../api/requests/collections.ts';
import { art15Texts } from '../../../api/requests/messages.ts';
import { decisionMail } from '../../../api/mail/templates.ts';
import { testApp, type TestApp } from '../../fixtures/app.ts';
import { linksIn } from '../../fixtures/outbox.ts';
import { erasure } from '../../fixtures/post.ts';
import { act, addStaff, confirmedRequest, login } from '../../fixtures/staff.ts';

const distDir = fileURLToPath(new URL('../../../dist', import.meta.url));

/** An access request with everything the subject may give, each value one the answer must not repeat. */
const access = {
  ...erasure,
  type: 'access',
  email: 'maija.yksityinen@example.fi',
  phone: '040 765 4321',
  username: 'maija.tunnus.77',
  details: 'OMA-VAPAA-TEKSTI: haluan myös lokitiedot.',
};

/** Words only, as a reader sees them: tags (a block's end is a space), entities, bullets and spacing aside. */
const words = (text: string) =>
  text
    .replace(/<\/?(p|li|ul|h\d|section)\b[^>]*>/g, ' ')
    .replace(/<[^>]+>/g, '')
    .replace(/&#(\d+);/g, (_, code: string) => String.fromCharCode(Number(code)))
    .replace(/&quot;/g, '"')
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&amp;/g, '&')
    .replace(/•/g, ' ')
    .replace(/\s+/g, ' ')
    .trim();

let answer: Art15;
let t: TestApp;
let cookie: string;

before(() => {
  const built = loadArt15(distDir);
  assert.ok(built, 'dist/_art15.json is not built: run `npm run build` first');
  answer = built;
});
beforeEach(async () => {
  t = await testApp();
  await addStaff(t);
  cookie = await login(t);
});
afterEach(() => t.close());

/** Submits, confirms and decides a request; returns its decision mail and its status page. */
async function decided(body: Record<string, unknown>, action: 'complete' | 'reject', text: string) {
  const reference = await confirmedRequest(t, body);
  const confirmed = (await t.mails()).find((mail) => mail.subject === `Pyyntösi ${reference} on vahvistettu`);
  const status = linksIn(confirmed?.text ?? '').find((link) => link.includes('/pyynto/tila/'));
  assert.ok(status, 'no status link');
  assert.equal((await act(t, cookie, reference, { action, text })).status, 303);
  const mail = (await t.mails()).at(-1);
  assert.ok(mail && mail.subject.includes(reference), 'no decision mail');
  const page = await t.app.request(new URL(status).pathname);
  assert.equal(page.status, 200);
  return { mail, page: await page.text() };
}

describe('a completed access request', () => {
  test('the mail gives, after the decision, each item under its heading in the notice\'s words, and points to the status page', async () => {
    const { mail } = await decided(access, 'complete', 'Liitteenä ovat tietosi.');
    const text = mail.text;
    assert.ok(text.indexOf('Liitteenä ovat tietosi.') < text.indexOf(art15Texts.title), 'the information comes before the decision');
    for (const item of answer.items) {
      const heading = text.indexOf(`\n${art15Texts.headings[item.key]}\n`);
      assert.ok(heading > 0, `no heading for ${item.key}`);
      assert.ok(words(text.slice(heading)).startsWith(words(`${art15Texts.headings[item.key]} ${'-'.repeat(art15Texts.headings[item.key].length)} ${itemText(item)}`)), `${item.key} is not the notice's text`);
    }
    assert.ok(text.includes(art15Texts.onStatusPage));
    assert.ok(text.includes('päivitetty 25.5.2018'));
  });

  test('the mail holds nothing the subject gave: no address, phone, user name or free text', async () => {
    const { mail } = await decided(access, 'complete', 'Liitteenä ovat tietosi.');
    for (const given of [access.email, access.phone, access.username, access.details, 'OMA-VAPAA-TEKSTI']) {
      assert.ok(!mail.text.includes(given), `the mail repeats ${given}`);
    }
    assert.ok(!mail.subject.includes(access.email));
  });

  test('the status page shows the same information in its own section, a heading per item', async () => {
    const { page } = await decided(access, 'complete', 'Liitteenä ovat tietosi.');
    const section = page.slice(page.indexOf('<section aria-labelledby="kasittely">'));
    assert.match(section, /<h2 id="kasittely">Tietoja käsittelystä \(EU:n tietosuoja-asetuksen 15 artikla\)<\/h2>/);
    for (const item of answer.items) {
      const heading = `<h3>${art15Texts.headings[item.key]}</h3>`;
      assert.ok(section.includes(heading), `no heading for ${item.key}`);
      assert.ok(words(section.slice(section.indexOf(heading))).startsWith(words(`${art15Texts.headings[item.key]} ${itemText(item)}`)), `${item.key} is not the notice's text`);
    }
    assert.match(section, /<a href="\/oikeudet\/tarkastusoikeus\/">Tarkastusoikeus<\/a>/);
    assert.match(section, /<a href="\/tietosuojaseloste\/">/);
  });
});

describe('other answers', () => {
  test('a completed request of another type does not carry it', async () => {
    const { mail, page } = await decided(erasure, 'complete', 'Tiedot poistettu.');
    assert.ok(!mail.text.includes(art15Texts.title));
    assert.ok(!page.includes(art15Texts.title));
  });

  test('a rejected access request does not carry it', async () => {
    const { mail, page } = await decided(access, 'reject', 'Henkilöllisyys ei selvinnyt.');
    assert.ok(!mail.text.includes(art15Texts.title));
    assert.ok(!page.includes(art15Texts.title));
  });
});

describe('a site built without it', () => {
  test('the answer points to the notice, in the mail and on the page, and quotes nothing', async () => {
    await decided(access, 'complete', 'Liitteenä ovat tietosi.');
    const record = [...t.store.view(requests).values()][0];
    assert.ok(record);
    const mail = decisionMail(record, builtController(), () => undefined).text;
    assert.ok(mail.includes(art15Texts.missing));
    assert.ok(!mail.includes(art15Texts.headings.purposes));
    const html = String(await art15Html(undefined));
    assert.ok(html.includes(art15Texts.missing));
    assert.match(html, /<a href="\/tietosuojaseloste\/">/);
    assert.doesNotMatch(html, /<h3>/);
  });
});

describe('the controller\'s contact', () => {
  /** The controller's fields as the notice's frontmatter writes them. */
  async function frontmatter() {
    const mdx = await readFile(new URL('../../../content/tietosuojaseloste.mdx', import.meta.url), 'utf8');
    const field = (name: string) => new RegExp(`^ {2}${name}: *"?(.+?)"?$`, 'm').exec(mdx)?.[1];
    return { name: field('name'), email: field('email'), phone: field('phone') };
  }

  test('is built from the notice\'s frontmatter, and the fallback is the notice\'s too', async () => {
    const notice = await frontmatter();
    assert.deepEqual(loadBuilt(distDir)?.controller, notice);
    assert.deepEqual(builtController(), notice);
    assert.deepEqual(fallbackController, notice, 'the fallback has drifted from the notice: update it in api/requests/art15.ts');
  });

  test('the rights pages\' titles are built in, as the editors wrote them, for the page of a failed plain post', async () => {
    const built = loadBuilt(distDir);
    assert.equal(built?.rights.erasure, 'Poisto-oikeus');
    assert.equal(built?.rights.marketing_ban, (await readFile(new URL('../../../content/oikeudet/suoramarkkinointikielto.mdx', import.meta.url), 'utf8')).match(/^title: *(.+)$/m)?.[1]);
  });

  test('a built file without it, or with a broken address, stops the start', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'tietosuoja-art15-'));
    try {
      const built = loadBuilt(distDir);
      assert.ok(built);
      const { rights: _rights, ...withoutRights } = built;
      for (const file of [built.answer, { ...built, controller: { ...built.controller, email: 'ei osoite' } }, { ...built, controller: { ...built.controller, phone: ' ' } }, withoutRights]) {
        await writeFile(join(dir, art15File), JSON.stringify(file));
        assert.throws(() => loadBuilt(dir), /does not hold the Art\. 15 answer, the controller's contact and the rights' titles: rebuild the site/);
      }
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
