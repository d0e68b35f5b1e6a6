/** The notice's change history (site/history.ts): newest first, and the notice's text must be the newest version's. */
import assert from 'node:assert/strict';
import { readdir, readFile } from 'node:fs/promises';
import { test } from 'node:test';
import { checkedHistory, newestFirst, noticeHash, type Version } from '../../site/history.ts';

const root = new URL('../../', import.meta.url);
const notice = await readFile(new URL('content/tietosuojaseloste.mdx', root), 'utf8');
const body = notice.replace(/^---\n[\s\S]*?\n---\n/, '');
const updated = new Date(/^updated:\s*(\S+)\s*$/m.exec(notice)?.[1] ?? '');

const version = (id: string, text: string, summary = 'Muutos.'): Version => ({ id, date: new Date(id), summary, sha256: noticeHash(text) });

test('the seeded history holds the current notice text: each file names its date and the newest hash is the notice\'s', async () => {
  const dir = new URL('content/muutokset/', root);
  const versions: Version[] = [];
  for (const file of (await readdir(dir)).filter((name) => name.endsWith('.md'))) {
    const text = await readFile(new URL(file, dir), 'utf8');
    const field = (name: string) => new RegExp(`^${name}:\\s*(.+?)\\s*$`, 'm').exec(text)?.[1] ?? '';
    assert.equal(field('date'), file.replace(/\.md$/, ''), `${file}: the file name is not its date`);
    versions.push({ id: file.replace(/\.md$/, ''), date: new Date(field('date')), summary: field('summary'), sha256: field('sha256') });
  }
  const history = checkedHistory(versions, body, updated);
  assert.equal(history.at(-1)?.id, '2018-05-25');
});

test('versions come newest first', () => {
  const ids = newestFirst([version('2018-05-25', 'a'), version('2026-11-25', 'c'), version('2021-01-10', 'b')]).map((v) => v.id);
  assert.deepEqual(ids, ['2026-11-25', '2021-01-10', '2018-05-25']);
});

test('line ends and surrounding blank lines do not change the hash; a word does', () => {
  assert.equal(noticeHash('\nA.\r\nB.\n\n'), noticeHash('A.\nB.'));
  assert.notEqual(noticeHash('A. B.'), noticeHash('A. C.'));
});

test('a changed text without an entry fails, giving the whole entry to add with the new hash', () => {
  const history = [version('2018-05-25', 'vanha')];
  assert.throws(
    () => checkedHistory(history, 'uusi', new Date('2018-05-25'), new Date('2026-12-01')),
    (error: Error) => {
      assert.match(error.message, /on muuttunut 2018-05-25 jälkeen, mutta muutoshistoriaan ei ole lisätty uutta merkintää/);
      assert.ok(error.message.includes(`---\ndate: 2026-12-01\nsummary: `));
      assert.ok(error.message.includes(`sha256: ${noticeHash('uusi')}\n---`));
      assert.match(error.message, /Lisää tiedosto content\/muutokset\/2026-12-01\.md/);
      return true;
    },
  );
});

test('an empty history fails, and so does an "updated" that is not the newest entry\'s date', () => {
  assert.throws(() => checkedHistory([], 'teksti', new Date('2018-05-25')), /ei ole yhtään muutoshistorian merkintää/);
  const history = [version('2018-05-25', 'vanha'), version('2026-12-01', 'uusi')];
  assert.throws(() => checkedHistory(history, 'uusi', new Date('2018-05-25')), /kentän "updated" pitää olla .*updated: 2026-12-01/s);
  assert.equal(checkedHistory(history, 'uusi', new Date('2026-12-01'))[0]?.id, '2026-12-01');
});
