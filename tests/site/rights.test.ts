/** The rights pages and the request types agree: every type has its page with its form, as the API links to it. */
import assert from 'node:assert/strict';
import { readdir, readFile } from 'node:fs/promises';
import { test } from 'node:test';
import { requestTypes, rightSlugs } from '../../api/requests/types.ts';

const dir = new URL('../../content/oikeudet/', import.meta.url);

async function pages(): Promise<Map<string, { type: string | undefined; forms: number }>> {
  const found = new Map<string, { type: string | undefined; forms: number }>();
  for (const file of (await readdir(dir)).filter((f) => f.endsWith('.mdx'))) {
    const text = await readFile(new URL(file, dir), 'utf8');
    const frontmatter = text.split(/^---$/m)[1] ?? '';
    found.set(file.replace(/\.mdx$/, ''), {
      type: /^type:\s*(\S+)\s*$/m.exec(frontmatter)?.[1],
      forms: (text.match(/<Lomake\s*\/>/g) ?? []).length,
    });
  }
  return found;
}

test('every request type has its own rights page, named as the API links to it, with one form', async () => {
  const found = await pages();
  for (const type of requestTypes) {
    const page = found.get(rightSlugs[type]);
    assert.ok(page, `content/oikeudet/${rightSlugs[type]}.mdx is missing`);
    assert.equal(page.type, type, `${rightSlugs[type]} declares type ${page.type}`);
    assert.equal(page.forms, 1, `${rightSlugs[type]} has ${page.forms} forms`);
  }
});

test('a rights page without a request type has no form', async () => {
  for (const [slug, { type, forms }] of await pages()) {
    if (type === undefined) assert.equal(forms, 0, slug);
  }
});
