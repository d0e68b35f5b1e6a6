import assert from 'node:assert/strict';
import { mkdir, writeFile } from 'node:fs/promises';
import { request } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { serve } from '@hono/node-server';
import fc from 'fast-check';
import type { Hono } from 'hono';
import { publicUrl, testApp, type TestApp } from '../../fixtures/app.ts';
import { rawGet } from '../../fixtures/raw-get.ts';
import { secret } from '../../fixtures/site.ts';

let t: TestApp;
let app: Hono;

before(async () => {
  t = await testApp();
  app = t.app;
  await mkdir(join(t.distDir, 'oikeudet', 'poisto'), { recursive: true });
  await writeFile(join(t.distDir, 'oikeudet', 'index.html'), '<!doctype html><title>Oikeudet</title><h1>Oikeudet</h1>');
  await writeFile(join(t.distDir, 'oikeudet', 'poisto', 'index.html'), '<!doctype html><title>Poisto</title><h1>Poisto</h1>');
});
after(() => t.close());

describe('the built site', () => {
  test('serves the front page as HTML that browsers revalidate', async () => {
    const res = await app.request('/');
    assert.equal(res.status, 200);
    assert.match(res.headers.get('content-type') ?? '', /^text\/html/);
    assert.equal(res.headers.get('cache-control'), 'no-cache');
    assert.match(await res.text(), /<h1>Etusivu<\/h1>/);
  });

  test('serves a directory index and redirects the address without its slash', async () => {
    assert.equal((await app.request('/tietosuojaseloste/')).status, 200);
    const res = await app.request('/tietosuojaseloste?x=1');
    assert.equal(res.status, 301);
    assert.equal(res.headers.get('location'), '/tietosuojaseloste/?x=1');
  });

  test('caches hashed assets for a year', async () => {
    const res = await app.request('/_astro/Page.abc123.css');
    assert.equal(res.status, 200);
    assert.match(res.headers.get('content-type') ?? '', /^text\/css/);
    assert.equal(res.headers.get('cache-control'), 'public, max-age=31536000, immutable');
  });

  test('answers an unknown page with the Finnish 404 page, and an unknown API path with JSON', async () => {
    const page = await app.request('/ei-ole/');
    assert.equal(page.status, 404);
    assert.match(await page.text(), /Sivua ei löytynyt/);
    const api = await app.request('/api/ei-ole');
    assert.equal(api.status, 404);
    assert.deepEqual(await api.json(), { error: 'Osoitteesta ei löytynyt mitään.' });
  });

  test('compresses pages for clients that accept gzip', async () => {
    const res = await app.request('/tietosuojaseloste/', { headers: { 'Accept-Encoding': 'gzip' } });
    assert.equal(res.headers.get('content-encoding'), 'gzip');
  });

  test('answers a repeated request with 304 when the page has not changed', async () => {
    const first = await app.request('/');
    const etag = first.headers.get('etag');
    assert.ok(etag);
    const again = await app.request('/', { headers: { 'If-None-Match': etag } });
    assert.equal(again.status, 304);
  });

  test('sends the security headers on every response', async () => {
    for (const path of ['/', '/ei-ole/', '/api/health']) {
      const res = await app.request(path);
      const csp = res.headers.get('content-security-policy') ?? '';
      assert.match(csp, /frame-ancestors 'none'/, path);
      assert.match(csp, /script-src 'self'(;|$)/, path);
      assert.doesNotMatch(csp, /unsafe-inline|unsafe-eval/, path);
      assert.equal(res.headers.get('x-content-type-options'), 'nosniff', path);
      assert.equal(res.headers.get('referrer-policy'), 'same-origin', path);
      assert.equal(res.headers.get('x-frame-options'), 'DENY', path);
    }
  });

  test('tells browsers to use only HTTPS for a year, on pages and API answers alike', async () => {
    for (const path of ['/', '/tietosuojaseloste/', '/api/health', '/api/ei-ole']) {
      const res = await app.request(path);
      assert.equal(res.headers.get('strict-transport-security'), 'max-age=31536000; includeSubDomains', path);
    }
  });
});

/** Paths that try to leave dist/ or reach hidden files, raw as a client may send them. */
const escapes = [
  '/../.env',
  '/../package.json',
  '/../data/db.json',
  '/../data/secret.json',
  '/%2e%2e/.env',
  '/%2E%2E/%2E%2E/package.json',
  '/..%2f.env',
  '/%2e%2e%2fdata%2fdb.json',
  '/%252e%252e/.env',
  '/..\\.env',
  '/.env',
  '/%2eenv',
  '/.hidden/',
  '/.hidden/index.html',
  '/data/',
  '/data/db.json',
  '/data/secret.json',
  '/dist/../data/db.json',
  '/tietosuojaseloste/../../.env',
  '/%00/.env',
  '/_shell/',
  '/_shell/index.html',
];

describe('paths outside the site', () => {
  test('never serve a file, in process', async () => {
    for (const path of escapes) {
      const res = await app.request(path);
      assert.ok([400, 404].includes(res.status), `${path} answered ${res.status}`);
      assert.doesNotMatch(await res.text(), new RegExp(secret), path);
    }
  });

  test('never serve a file over real HTTP, where the path is not normalised first', async () => {
    const server = serve({ fetch: app.fetch, hostname: '127.0.0.1', port: 0 });
    await new Promise((resolve) => server.once('listening', resolve));
    const { port } = server.address() as AddressInfo;
    try {
      for (const path of escapes) {
        const { status, body } = await rawGet(port, path);
        assert.ok([400, 404].includes(status), `${path} answered ${status}`);
        assert.doesNotMatch(body, new RegExp(secret), path);
      }
    } finally {
      server.close();
    }
  });
});

/** Paths whose redirect to the trailing slash would be read by a browser as another host, were it echoed. */
const offSite = [
  '//oikeudet',
  '/\\oikeudet',
  '/\\\\evil',
  '//evil.example',
  '//evil.example/',
  '///oikeudet',
  '//oikeudet/poisto',
  '/%2F%2Fevil.example',
  '/%2F%2Foikeudet',
  '/%2foikeudet',
  '/%5Coikeudet',
  '/%5c%5cevil.example',
  '/oikeudet//',
  '/oikeudet//poisto',
  '/oikeudet/%2Fpoisto',
  '/\\/oikeudet',
  '//tietosuojaseloste?x=1',
];

/** What a browser would do with the answer's Location: stay on this site, or go nowhere. */
function assertSameSite(path: string, status: number, location: string | null | undefined): void {
  if (location === null || location === undefined) return;
  assert.ok(status >= 300 && status < 400, `${path}: Location on a ${status}`);
  assert.match(location, /^\/[^/\\]/, `${path} redirected to ${location}`);
  assert.doesNotMatch(location, /[\x00-\x20\x7f]/, `${path} redirected to ${location}`);
  assert.equal(new URL(location, publicUrl).origin, new URL(publicUrl).origin, `${path} redirected to ${location}`);
}

/** A GET sent with its path as given, answered with its status and Location. */
function rawRedirect(port: number, path: string): Promise<{ status: number; location: string | undefined }> {
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port, path, method: 'GET' }, (res) => {
      res.resume();
      res.on('end', () => resolve({ status: res.statusCode ?? 0, location: res.headers.location }));
    });
    req.on('error', reject);
    req.end();
  });
}

describe('redirects', () => {
  test('still add the missing slash to a page of the site, keeping the query', async () => {
    const res = await app.request('/oikeudet/poisto?tyyppi=poisto');
    assert.equal(res.status, 301);
    assert.equal(res.headers.get('location'), '/oikeudet/poisto/?tyyppi=poisto');
  });

  test('never send a browser to another host: a path with // or a backslash, however written, is 404', async () => {
    for (const path of offSite) {
      const res = await app.request(path);
      assert.equal(res.status, 404, path);
      assert.equal(res.headers.get('location'), null, path);
    }
  });

  test('never send a browser to another host over real HTTP, where the path is not parsed first', async () => {
    const server = serve({ fetch: app.fetch, hostname: '127.0.0.1', port: 0 });
    await new Promise((resolve) => server.once('listening', resolve));
    const { port } = server.address() as AddressInfo;
    try {
      for (const path of offSite) {
        const { status, location } = await rawRedirect(port, path);
        // The server refuses a raw backslash itself (400); every other such path is not the site's (404).
        assert.ok([400, 404].includes(status), `${path} answered ${status}`);
        assert.equal(location, undefined, path);
      }
    } finally {
      server.close();
    }
  });

  test('for any path, every Location the whole app answers with stays on this site (generated)', async () => {
    const piece = fc.oneof(
      fc.constantFrom('', '/', '//', '\\', '%2F', '%2f', '%5C', '%5c', '%252F', '%09', '%00', '.', '..', '%2e'),
      fc.constantFrom('oikeudet', 'poisto', 'tietosuojaseloste', 'evil.example', 'henkilosto', 'pyynto', 'api', '_astro', 'kirjaudu'),
      fc.stringMatching(/^[A-Za-z0-9._~!$&'()*+,;=:@%-]{1,8}$/),
    );
    const query = fc.option(fc.constantFrom('?x=1', '?x=//evil.example', '?/\\evil', '#//evil'), { nil: '' });
    const paths = fc.tuple(fc.array(piece, { maxLength: 6 }), query).map(([pieces, q]) => `/${pieces.join('')}${q}`);
    let redirects = 0;
    await fc.assert(
      fc.asyncProperty(paths, async (path) => {
        const res = await app.request(path);
        const location = res.headers.get('location');
        if (location !== null) redirects += 1;
        assertSameSite(path, res.status, location);
      }),
      { numRuns: 2000, examples: offSite.map((path) => [path]) },
    );
    // The generator reaches the redirects it guards, or the property would hold for nothing.
    assert.ok(redirects > 0, 'no generated path was redirected');
  });
});
