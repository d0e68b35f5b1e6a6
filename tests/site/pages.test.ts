/**
 * The built pages (dist/, from `npm test`'s build step), as the server sends them: each page's HTML and
 * all its CSS within the 12 KB gzip budget, and no client JavaScript anywhere.
 */
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { after, before, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import type { Hono } from 'hono';
import { createApp } from '../../api/app.ts';

const distDir = fileURLToPath(new URL('../../dist', import.meta.url));
const budget = 12 * 1024;

let dataDir: string;
let app: Hono;
let files: string[];

before(async () => {
  assert.ok(existsSync(join(distDir, 'index.html')), 'dist/ is not built: run `npm run build` first');
  dataDir = await mkdtemp(join(tmpdir(), 'tietosuoja-pages-'));
  app = createApp({ distDir, dataDir });
  files = (await readdir(distDir, { recursive: true })).map((file) => `/${file}`);
});
after(() => rm(dataDir, { recursive: true, force: true }));

/** The address of each built page: dist/a/b/index.html is /a/b/. */
const pagePaths = () => files.filter((file) => file.endsWith('.html')).map((file) => file.replace(/index\.html$/, ''));

/** Bytes on the wire: the gzip-encoded body the server sends. */
async function transferred(path: string): Promise<{ bytes: number; body: string }> {
  const res = await app.request(path, { headers: { 'Accept-Encoding': 'gzip' } });
  assert.equal(res.status, 200, path);
  assert.equal(res.headers.get('content-encoding'), 'gzip', path);
  const bytes = (await res.arrayBuffer()).byteLength;
  const plain = await app.request(path);
  return { bytes, body: await plain.text() };
}

test('every page, HTML and all its CSS, transfers in under 12 KB gzip', async (t) => {
  const pages = pagePaths();
  assert.ok(pages.length >= 11, `only ${pages.length} pages built`);
  for (const path of pages) {
    const html = await transferred(path);
    const stylesheets = [...html.body.matchAll(/<link rel="stylesheet" href="([^"]+)"/g)].map((match) => match[1] ?? '');
    assert.ok(stylesheets.length > 0, `${path} links no stylesheet`);
    let total = html.bytes;
    for (const href of stylesheets) total += (await transferred(href)).bytes;
    t.diagnostic(`${path}: ${html.bytes} B HTML + CSS = ${total} B gzip`);
    assert.ok(total < budget, `${path} is ${total} bytes gzip`);
  }
});

test('no page ships client JavaScript', async () => {
  const scripts = files.filter((file) => /\.(m?js|cjs)$/.test(file));
  assert.deepEqual(scripts, []);
  for (const path of pagePaths()) {
    const { body } = await transferred(path);
    assert.doesNotMatch(body, /<script/i, path);
    assert.doesNotMatch(body, /\son[a-z]+=/i, `${path} has an inline event handler`);
    assert.doesNotMatch(body, /\sstyle=/i, `${path} has an inline style the CSP would block`);
  }
});

test('the data directory and source files are not part of the site', () => {
  const leaked = files.filter((file) => /(^|\/)(\.|data\/|.*\.mdx$|.*\.ts$)/.test(relative('/', file)));
  assert.deepEqual(leaked, []);
});
