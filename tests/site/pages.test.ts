/**
 * The built pages (dist/, from `npm test`'s build step), as the server sends them: each page's HTML and
 * all its CSS within the 12 KB gzip budget, and no client JavaScript but the request form's. Each page's
 * HTML, CSS and JS bytes (gzip) are listed in the output.
 */
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { readdir } from 'node:fs/promises';
import { join, relative } from 'node:path';
import { after, before, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import type { Hono } from 'hono';
import { testApp, type TestApp } from '../fixtures/app.ts';
import { fixtureSite } from '../fixtures/site.ts';

const distDir = fileURLToPath(new URL('../../dist', import.meta.url));
const budget = 12 * 1024;

let t: TestApp;
let app: Hono;
let files: string[];

before(async () => {
  assert.ok(existsSync(join(distDir, 'index.html')), 'dist/ is not built: run `npm run build` first');
  // The real build, served by the real app over a throw-away data directory.
  t = await testApp({ site: { ...(await fixtureSite()), distDir } });
  app = t.app;
  files = (await readdir(distDir, { recursive: true })).map((file) => `/${file}`);
});
after(() => t.close());

/** The address of each built page: dist/a/b/index.html is /a/b/ (the server's shell is no page). */
const pagePaths = () =>
  files.filter((file) => file.endsWith('.html') && !file.startsWith('/_shell/')).map((file) => file.replace(/index\.html$/, ''));

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
    let css = 0;
    for (const href of stylesheets) css += (await transferred(href)).bytes;
    const scripts = [...html.body.matchAll(/<script\b[^>]*\ssrc="([^"]+)"/g)].map((match) => match[1] ?? '');
    let js = 0;
    for (const src of scripts) js += (await transferred(src)).bytes;
    const total = html.bytes + css;
    t.diagnostic(`${path}: HTML ${html.bytes} B + CSS ${css} B = ${total} B, + JS ${js} B = ${total + js} B gzip`);
    assert.ok(total < budget, `${path} is ${total} bytes gzip`);
  }
});

test('only the pages with a request form ship a script: the form\'s, from a file, small', async (t) => {
  const scripts = files.filter((file) => /\.(m?js|cjs)$/.test(file));
  assert.ok(scripts.every((file) => file.startsWith('/_astro/')), `scripts outside _astro: ${scripts}`);
  for (const path of pagePaths()) {
    const { body } = await transferred(path);
    const tags = [...body.matchAll(/<script\b[^>]*>/gi)].map((match) => match[0]);
    const hasForm = body.includes('data-request-form');
    assert.equal(tags.length, hasForm ? 1 : 0, `${path}: ${tags}`);
    for (const tag of tags) {
      const src = /src="([^"]+)"/.exec(tag)?.[1];
      assert.ok(src?.startsWith('/_astro/') && /type="module"/.test(tag), `${path} has an inline script`);
      const { bytes } = await transferred(src ?? '');
      t.diagnostic(`${path}: form script ${bytes} B gzip`);
      assert.ok(bytes < 8 * 1024, `the form script is ${bytes} bytes gzip`);
    }
    assert.doesNotMatch(body, /\son[a-z]+=/i, `${path} has an inline event handler`);
    assert.doesNotMatch(body, /\sstyle=/i, `${path} has an inline style the CSP would block`);
  }
  for (const path of ['/', '/tietosuojaseloste/', '/oikeudet/valitusoikeus/']) {
    assert.doesNotMatch((await transferred(path)).body, /<script/i, `${path} needs no script`);
  }
});

test('the data directory and source files are not part of the site', () => {
  const leaked = files.filter((file) => /(^|\/)(\.|data\/|.*\.mdx$|.*\.ts$)/.test(relative('/', file)));
  assert.deepEqual(leaked, []);
});
