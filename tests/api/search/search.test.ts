/**
 * The search page over the real site's sections (dist/_search.json, copied into the fixture site): Finnish
 * inflection finds the right page first, the heading links to its section, the excerpt marks the match, and
 * the query is escaped and bounded; the page is not indexed.
 */
import assert from 'node:assert/strict';
import { copyFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { after, before, describe, test } from 'node:test';
import { loadSections, maxResults, searchFile } from '../../../api/search/index.ts';
import { maxQuery } from '../../../api/search/routes.ts';
import { testApp, type TestApp } from '../../fixtures/app.ts';
import { fixtureSite } from '../../fixtures/site.ts';

const distDir = fileURLToPath(new URL('../../../dist', import.meta.url));

/** The four words and the page each must find first. */
export const cases = [
  { query: 'markkinoinnin', path: '/oikeudet/suoramarkkinointikielto/' },
  { query: 'poistaa', path: '/oikeudet/poisto-oikeus/' },
  { query: 'valituksen', path: '/oikeudet/valitusoikeus/' },
  { query: 'siirtää', path: '/oikeudet/siirto-oikeus/' },
];

let t: TestApp;

before(async () => {
  assert.ok(loadSections(distDir), `dist/${searchFile} is not built: run \`npm run build\` first`);
  const site = await fixtureSite();
  await copyFile(join(distDir, searchFile), join(site.distDir, searchFile));
  t = await testApp({ site });
});
after(() => t.close());

const get = async (query: string) => {
  const response = await t.app.request(`/haku/?q=${encodeURIComponent(query)}`);
  return { response, body: await response.text() };
};

/** The results' heading links, in order. */
const links = (body: string) => [...body.matchAll(/<h2><a href="([^"]+)">/g)].map((match) => match[1] ?? '');

describe('the search page', () => {
  for (const { query, path } of cases) {
    test(`"${query}" finds ${path} first`, async () => {
      const { response, body } = await get(query);
      assert.equal(response.status, 200);
      assert.ok(links(body)[0]?.startsWith(path), `first result ${links(body)[0]}`);
    });
  }

  test('a result links its heading to the section anchor the built page has, and marks the match in the excerpt', async () => {
    const { body } = await get('poistaa');
    assert.ok(links(body).includes('/oikeudet/poisto-oikeus/#mitä-emme-voi-poistaa'), links(body).join());
    assert.match(body, /<mark>poistamaan<\/mark>/);
    assert.ok(links(body).length <= maxResults);
  });

  test('an address without the slash is sent to the search page with its query', async () => {
    const response = await t.app.request('/haku?q=poistaa');
    assert.equal(response.status, 301);
    assert.equal(response.headers.get('location'), '/haku/?q=poistaa');
  });

  test('markup in the query comes back as text', async () => {
    const { body } = await get('<script>alert(1)</script> "poistaa"');
    assert.doesNotMatch(body, /<script>alert/);
    assert.match(body, /&lt;script&gt;alert\(1\)&lt;\/script&gt;/);
  });

  test('an empty query shows the form and a hint', async () => {
    for (const query of ['', '   ']) {
      const { response, body } = await get(query);
      assert.equal(response.status, 200);
      assert.match(body, /<input id="haku-sivu" type="search" name="q" value=""/);
      assert.match(body, /Kirjoita hakusana/);
      assert.doesNotMatch(body, /<ol class="search-results">/);
    }
  });

  test('a query that finds nothing says so and suggests where to look', async () => {
    const { body } = await get('xyzzyqwv');
    assert.match(body, /ei löytynyt mitään/);
    assert.match(body, /href="\/tietosuojaseloste\/"/);
  });

  test('an over-long query is refused, and not searched', async () => {
    const { response, body } = await get(`poistaa ${'a'.repeat(maxQuery)}`);
    assert.equal(response.status, 400);
    assert.match(body, /liian pitkä/);
    assert.doesNotMatch(body, /<ol class="search-results">/);
  });

  test('the page is not indexed nor stored', async () => {
    const { response } = await get('poistaa');
    assert.equal(response.headers.get('X-Robots-Tag'), 'noindex');
    assert.equal(response.headers.get('Cache-Control'), 'no-store');
    assert.match(response.headers.get('Content-Type') ?? '', /text\/html/);
  });
});
