import assert from 'node:assert/strict';
import { rm, writeFile } from 'node:fs/promises';
import { afterEach, beforeEach, test } from 'node:test';
import { testApp, type TestApp } from '../../fixtures/app.ts';

let t: TestApp;
beforeEach(async () => {
  t = await testApp();
});
afterEach(() => t.close());

test('reports ok while the store can be read and written', async () => {
  const res = await t.app.request('/api/health');
  assert.equal(res.status, 200);
  assert.equal(res.headers.get('cache-control'), 'no-store');
  assert.deepEqual(await res.json(), { ok: true });
});

test('answers 503 when the data directory is gone', async () => {
  await rm(t.dataDir, { recursive: true });
  const res = await t.app.request('/api/health');
  assert.equal(res.status, 503);
  assert.deepEqual(await res.json(), { ok: false });
});

test('answers 503 when the data directory is a file', async () => {
  await rm(t.dataDir, { recursive: true });
  await writeFile(t.dataDir, '');
  assert.equal((await t.app.request('/api/health')).status, 503);
});
