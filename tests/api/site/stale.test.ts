import assert from 'node:assert/strict';
import { mkdir, mkdtemp, rm, utimes, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { isStale } from '../../../api/site/stale.ts';

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
