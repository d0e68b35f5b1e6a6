/**
 * An editor's mistake in frontmatter fails the build with a Finnish message naming the file and the field, and
 * so does a change to the notice's text without a change history entry. Each case builds a copy of the project
 * with one mistake in it.
 */
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { cp, mkdir, mkdtemp, readdir, readFile, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { noticeHash } from '../../site/history.ts';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('../..', import.meta.url));

/** A copy of what the site is built from; node_modules is linked entry by entry, so Astro's cache stays apart. */
async function projectCopy(): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'tietosuoja-content-'));
  for (const path of ['content', 'site', 'api', 'astro.config.mjs', 'package.json', 'tsconfig.json']) {
    await cp(join(root, path), join(dir, path), { recursive: true });
  }
  await mkdir(join(dir, 'node_modules'));
  for (const entry of await readdir(join(root, 'node_modules'))) {
    if (!entry.startsWith('.')) await symlink(join(root, 'node_modules', entry), join(dir, 'node_modules', entry));
  }
  return dir;
}

function build(dir: string): Promise<{ code: number | null; output: string }> {
  return new Promise((resolve) => {
    const astro = join(dir, 'node_modules/astro/bin/astro.mjs');
    const child = spawn(process.execPath, [astro, 'build'], { cwd: dir, env: { ...process.env, NO_COLOR: '1', FORCE_COLOR: '0' } });
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => (output += chunk));
    child.stderr.on('data', (chunk: Buffer) => (output += chunk));
    child.on('close', (code) => resolve({ code, output }));
  });
}

const mistakes = [
  { file: 'content/oikeudet/poisto-oikeus.mdx', change: (s: string) => s.replace(/^article:.*\n/m, ''), field: 'article', says: 'Kenttä "article" puuttuu' },
  { file: 'content/oikeudet/tarkastusoikeus.mdx', change: (s: string) => s.replace(/^order: 1$/m, 'order: yksi'), field: 'order', says: 'Kenttä "order" pitää olla numero, esimerkiksi 3 (nyt "yksi")' },
  { file: 'content/oikeudet/siirto-oikeus.mdx', change: (s: string) => s.replace(/^type: portability$/m, 'type: siirto'), field: 'type', says: 'Kenttä "type" pitää olla jokin näistä: access, rectification' },
  { file: 'content/etusivu.mdx', change: (s: string) => s.replace(/^updated: .*$/m, 'updated: 25.11.2026'), field: 'updated', says: 'Kenttä "updated" pitää olla päivämäärä muodossa 2026-11-25 (nyt "25.11.2026")' },
  { file: 'content/tietosuojaseloste.mdx', change: (s: string) => s.replace(/^title:/m, 'otsikko:'), field: 'otsikko', says: 'Tuntematon kenttä "otsikko"' },
];

/** Build output in English that an editor would otherwise read instead of the Finnish message. */
const english = /\b(Required|Expected type|received|Invalid input)\b/;

test('a frontmatter mistake fails the build, naming the file and the field, in Finnish', { timeout: 240_000 }, async (t) => {
  const dir = await projectCopy();
  try {
    for (const { file, change, field, says } of mistakes) {
      const original = await readFile(join(dir, file), 'utf8');
      const broken = change(original);
      assert.notEqual(broken, original, `the mistake did not apply to ${file}`);
      await writeFile(join(dir, file), broken);
      const { code, output } = await build(dir);
      await writeFile(join(dir, file), original);
      t.diagnostic(`${file} (${field}): ${output.match(/Tiedoston .*\n.*/)?.[0] ?? '?'}`);
      assert.notEqual(code, 0, `${file}: the build succeeded`);
      assert.ok(output.includes(`Tiedoston ${file} otsakkeessa (--- -rivien välissä) on korjattavaa:`), `${file}: the message does not name the file in Finnish:\n${output}`);
      assert.match(output, new RegExp(`\\b${field}\\b`), `${file}: the message does not name ${field}`);
      assert.ok(output.includes(says), `${file}: the message does not say ${says}:\n${output}`);
      assert.doesNotMatch(output, english, `${file}: the message is in English`);
    }
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});

test('a change to the notice\'s text without a change history entry fails the build, saying what to add', { timeout: 120_000 }, async (t) => {
  const dir = await projectCopy();
  try {
    const file = join(dir, 'content/tietosuojaseloste.mdx');
    const changed = `${await readFile(file, 'utf8')}\nRekisterinpitäjä voi päivittää tätä selostetta.\n`;
    await writeFile(file, changed);
    const body = changed.replace(/^---\n[\s\S]*?\n---\n/, '');
    const { code, output } = await build(dir);
    t.diagnostic(output.match(/Tietosuojaselosteen teksti.*/)?.[0] ?? '?');
    assert.notEqual(code, 0, 'the build succeeded');
    assert.match(output, /Tietosuojaselosteen teksti \(content\/tietosuojaseloste\.mdx\) on muuttunut 2018-05-25 jälkeen, mutta muutoshistoriaan ei ole lisätty uutta merkintää\./);
    assert.match(output, /Lisää tiedosto content\/muutokset\/\d{4}-\d{2}-\d{2}\.md/);
    assert.ok(output.includes(`sha256: ${noticeHash(body)}`), `the message does not give the new text's hash:\n${output}`);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});
