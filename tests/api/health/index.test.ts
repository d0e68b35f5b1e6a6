import assert from 'node:assert/strict';
import { rm, writeFile } from 'node:fs/promises';
import { after, beforeEach, test } from 'node:test';
import { createApp } from '../../../api/app.ts';
import { fixtureSite, type FixtureSite } from '../../fixtures/site.ts';

let site: FixtureSite;
beforeEach(async () => {
  site = await fixtureSite();
});
after(() => site.remove());

test('reports ok while the data directory can be read and written', async () => {
  const res = await createApp(site).request('/api/health');
  assert.equal(res.status, 200);
  assert.equal(res.headers.get('cache-control'), 'no-store');
  assert.deepEqual(await res.json(), { ok: true });
});

test('answers 503 when the data directory is gone', async () => {
  await rm(site.dataDir, { recursive: true });
  const res = await createApp(site).request('/api/health');
  assert.equal(res.status, 503);
  assert.deepEqual(await res.json(), { ok: false });
});

test('answers 503 when the data directory is a file', async () => {
  await rm(site.dataDir, { recursive: true });
  await writeFile(site.dataDir, '');
  const res = await createApp(site).request('/api/health');
  assert.equal(res.status, 503);
});
