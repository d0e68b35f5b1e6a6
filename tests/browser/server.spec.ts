import { expect, test } from '@playwright/test';
import { rawGet } from '../fixtures/raw-get.ts';

test('the health route reports a readable and writable store', async ({ request }) => {
  const res = await request.get('/api/health');
  expect(res.status()).toBe(200);
  expect(await res.json()).toEqual({ ok: true });
});

test('paths that leave the site or reach hidden files never serve a file', async ({ baseURL }) => {
  const { port } = new URL(baseURL ?? '');
  for (const path of ['/../package.json', '/%2e%2e/package.json', '/..%2fpackage.json', '/.env', '/data/', '/data/db.json', '/../data/', '/.git/config', '/../.gitignore']) {
    const { status, body } = await rawGet(Number(port), path);
    expect([400, 404], path).toContain(status);
    expect(body, path).not.toContain('"devDependencies"');
    expect(body, path).not.toContain('node_modules');
  }
});

test('pages are sent compressed, with the security headers', async ({ request }) => {
  const res = await request.get('/tietosuojaseloste/', { headers: { 'Accept-Encoding': 'gzip' } });
  expect(res.headers()['content-encoding']).toBe('gzip');
  expect(res.headers()['content-security-policy']).toContain("frame-ancestors 'none'");
  expect(res.headers()['x-content-type-options']).toBe('nosniff');
});
