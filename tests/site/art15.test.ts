/**
 * The Art. 15(1) text matches the notice: dist/_art15.json (from `npm test`'s build step) quotes the notice's
 * sections word for word, as the MDX and the notice's published text (tests/fixtures/tietosuojaseloste.txt)
 * have them, and a notice the answer cannot quote stops the build.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { art15Items, itemText, loadArt15, type Art15, type Art15Item } from '../../api/requests/art15.ts';
import { art15Answer, noticeSections } from '../../site/art15.ts';

const distDir = fileURLToPath(new URL('../../dist', import.meta.url));
const mdx = readFileSync(new URL('../../content/tietosuojaseloste.mdx', import.meta.url), 'utf8');
const published = readFileSync(new URL('../fixtures/tietosuojaseloste.txt', import.meta.url), 'utf8');

const [, frontmatter = '', ...rest] = mdx.split(/^---$/m);
const body = rest.join('---');
const updated = new Date(/^updated:\s*(\S+)\s*$/m.exec(frontmatter)?.[1] ?? '');

/** Words only: line breaks, list bullets and spacing are layout, not wording. */
const words = (text: string) => text.replace(/•/g, ' ').replace(/\s+/g, ' ').trim();

/** The published text under each of the notice's headings, up to the next one. */
function publishedSections(): Map<string, string> {
  const headings = [...noticeSections(body).keys()];
  const lines = published.split('\n');
  const found = new Map<string, string>();
  let current: string[] | undefined;
  for (const line of lines) {
    if (headings.includes(line.trim())) {
      current = [];
      found.set(line.trim(), '');
    } else if (current) {
      current.push(line);
    }
    const heading = [...found.keys()].at(-1);
    if (heading !== undefined && current) found.set(heading, current.join('\n'));
  }
  return found;
}

/** An item's paragraphs and lists, each as words. */
const blockTexts = (item: Art15Item) => item.blocks.map((block) => words(itemText({ ...item, blocks: [block] })));

function built(): Art15 {
  const answer = loadArt15(distDir);
  assert.ok(answer, 'dist/_art15.json is not built: run `npm run build` first');
  return answer;
}

describe('the Art. 15(1) text matches the notice', () => {
  test('the built file is what the notice\'s MDX gives now', () => {
    assert.deepEqual(built(), art15Answer(body, updated));
  });

  test('each item quotes its notice section word for word, as the notice is published', () => {
    const sections = publishedSections();
    const answer = built();
    for (const item of answer.items) {
      const section = sections.get(item.section);
      assert.ok(section !== undefined, `the published notice has no section "${item.section}"`);
      // Paragraph by paragraph, in the notice's order (an item may leave a labelled paragraph to another).
      let from = 0;
      for (const text of blockTexts(item)) {
        const at = words(section).indexOf(text, from);
        assert.ok(at >= from, `${item.key}: "${text.slice(0, 60)}…" is not the notice's text`);
        from = at + text.length;
      }
    }
    // Between them the items quote every word of each section they draw on.
    for (const [section, text] of sections) {
      const quoted = answer.items.filter((item) => item.section === section);
      if (quoted.length === 0) continue;
      let left = words(text);
      for (const block of quoted.flatMap(blockTexts)) left = left.replace(block, ' ');
      assert.equal(words(left), '', `"${section}" is not quoted whole`);
    }
  });

  test('the notice\'s date is the answer\'s', () => {
    assert.equal(built().updated, '2018-05-25');
    assert.match(published, /viimeksi päivitetty 25\.5\.2018/);
  });

  test('every item of Art. 15(1) (a)–(h) and the transfers of 15(2) is answered, each once', () => {
    assert.deepEqual(
      art15Items.map((item) => item.article).sort(),
      ['15(1)(a)', '15(1)(b)', '15(1)(c)', '15(1)(d)', '15(1)(e)', '15(1)(f)', '15(1)(g)', '15(1)(h)', '15(2)'],
    );
    assert.deepEqual(built().items.map((item) => item.key), art15Items.map((item) => item.key));
  });

  test('the rights and the complaint are apart: the Ombudsman paragraph under its own heading only', () => {
    const answer = built();
    const text = (key: string) => itemText(answer.items.find((item) => item.key === key) ?? assert.fail(key));
    assert.match(text('complaint'), /^Valitusoikeus: Sinulla on oikeus valittaa tietosuojavaltuutetulle/);
    assert.doesNotMatch(text('rights'), /Valitusoikeus:/);
    for (const right of ['Tarkastusoikeus:', 'Vastustamisoikeus:', 'Poisto-oikeus:']) assert.ok(text('rights').includes(right), right);
  });
});

describe('a notice the answer cannot quote stops the build', () => {
  const edited = (from: string, to: string) => {
    assert.ok(body.includes(from), from);
    return () => art15Answer(body.replace(from, to), updated);
  };

  test('a renamed section is named in the error', () => {
    assert.throws(edited('## Tietojen vastaanottajat', '## Kenelle tietoja annetaan'), /puuttuu kohta "## Tietojen vastaanottajat"/);
  });

  test('a missing labelled paragraph is named', () => {
    assert.throws(edited('**[Valitusoikeus]', '**[Kanteluoikeus]'), /kappale "\*\*Valitusoikeus:\*\*" puuttuu/);
  });

  test('markup it cannot quote word for word (a table, a component, an expression) is named with its section', () => {
    const recipients = '## Tietojen vastaanottajat\n';
    assert.throws(edited(recipients, `${recipients}\n| a | b |\n|---|---|\n`), /kohta "Tietojen vastaanottajat": rivi "\| a \| b \|"/);
    assert.throws(edited(recipients, `${recipients}\n<Yhteystiedot />\n`), /komponentti <Yhteystiedot \/>/);
    assert.throws(edited(recipients, `${recipients}\nKatso {luku} kohta.\n`), /merkki "\{"/);
  });

  test('the rights cards, which only lead to the rights pages, are left out of the quote', () => {
    assert.match(body, /<Oikeudet otsikko=/);
    const rights = art15Answer(body, updated).items.find((item) => item.key === 'rights');
    assert.ok(rights);
    assert.doesNotMatch(itemText(rights), /Jokaisesta oikeudesta on oma sivunsa/);
  });
});
