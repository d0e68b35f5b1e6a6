import assert from 'node:assert/strict';
import type { AddressInfo } from 'node:net';
import { after, before, describe, test } from 'node:test';
import { serve } from '@hono/node-server';
import type { Hono } from 'hono';
import { testApp, type TestApp } from '../../fixtures/app.ts';
import { rawGet } from '../../fixtures/raw-get.ts';
import { secret } from '../../fixtures/site.ts';

let t: TestApp;
let app: Hono;

before(async () => {
  t = await testApp();
  app = t.app;
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
