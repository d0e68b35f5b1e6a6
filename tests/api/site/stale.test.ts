import assert from 'node:assert/strict';
import { mkdir, mkdtemp, rm, utimes, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { isStale, siteOrigin } from '../../../api/site/stale.ts';

let root: string;
const at = (minutes: number) => new Date(Date.UTC(2026, 10, 25, 12, minutes));

before(async () => {
  root = await mkdtemp(join(tmpdir(), 'tietosuoja-stale-'));
  await mkdir(join(root, 'content/oikeudet'), { recursive: true });
  await writeFile(join(root, 'content/oikeudet/poisto-oikeus.mdx'), '---\n---\n');
  for (const dir of ['content/oikeudet', 'content']) await utimes(join(root, dir), at(0), at(0));
  await utimes(join(root, 'content/oikeudet/poisto-oikeus.mdx'), at(0), at(0));
});
after(() => rm(root, { recursive: true, force: true }));

test('a missing build is stale', async () => {
  assert.equal(await isStale(root), true);
});

test('a build newer than every source is fresh', async () => {
  await mkdir(join(root, 'dist'), { recursive: true });
  await writeFile(join(root, 'dist/index.html'), '');
  await utimes(join(root, 'dist/index.html'), at(10), at(10));
  assert.equal(await isStale(root), false);
});

test('an edited page makes the build stale, however deep it lies', async () => {
  await utimes(join(root, 'content/oikeudet/poisto-oikeus.mdx'), at(20), at(20));
  assert.equal(await isStale(root), true);
});

test('a build made for another public address is stale: canonical links, og:url and the sitemap name it', async () => {
  const dist = await mkdtemp(join(tmpdir(), 'tietosuoja-stale-origin-'));
  try {
    await writeFile(join(dist, 'index.html'), '<link rel="canonical" href="https://tietosuoja.example.fi/" />');
    await utimes(join(dist, 'index.html'), at(30), at(30));
    assert.equal(await isStale(root, dist, 'https://tietosuoja.example.fi'), false);
    assert.equal(await isStale(root, dist, siteOrigin('http://127.0.0.1:4400/')), true);
    assert.equal(siteOrigin(undefined), 'http://localhost:4321');
  } finally {
    await rm(dist, { recursive: true, force: true });
  }
});
