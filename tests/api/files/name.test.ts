import assert from 'node:assert/strict';
import { test } from 'node:test';
import { safeDisplayName } from '../../../api/files/index.ts';
import { maxNameLength } from '../../../api/files/name.ts';

test('keeps an ordinary name as it is, Finnish letters and spaces included', () => {
  assert.equal(safeDisplayName('Tiedot 2026-01 – Mäkinen.json'), 'Tiedot 2026-01 – Mäkinen.json');
  assert.equal(safeDisplayName('vastaus.pdf'), 'vastaus.pdf');
});

test('keeps only the last part of a path, whichever way its slashes lean', () => {
  assert.equal(safeDisplayName('../../etc/passwd.txt'), 'passwd.txt');
  assert.equal(safeDisplayName('C:\\Users\\maija\\tiedot.csv'), 'tiedot.csv');
  assert.equal(safeDisplayName('/var/lib/tietosuoja/files/x.zip'), 'x.zip');
});

test('a name that is only dots, slashes or nothing becomes "tiedosto"', () => {
  for (const name of ['', '..', '.', '../..', '/', 'a/', '   ', '\u0000', '\u202e', '...']) assert.equal(safeDisplayName(name), 'tiedosto', JSON.stringify(name));
});

test('leaves no leading dot, so no name is hidden or relative', () => {
  assert.equal(safeDisplayName('.bashrc'), 'bashrc');
  assert.equal(safeDisplayName('..tiedot.json'), 'tiedot.json');
  assert.equal(safeDisplayName('tiedot.json. . '), 'tiedot.json');
});

test('quotes and the other characters a file name may not hold become _', () => {
  assert.equal(safeDisplayName('"tiedot".json'), '_tiedot_.json');
  assert.equal(safeDisplayName('a<b>c:d|e?f*g.txt'), 'a_b_c_d_e_f_g.txt');
  assert.equal(safeDisplayName(`it's.csv`), `it's.csv`);
});

test('takes out newlines, NUL and other control characters, and bidi overrides that would disguise the ending', () => {
  assert.equal(safeDisplayName('rivi\r\nrivi.txt'), 'rivirivi.txt');
  assert.equal(safeDisplayName('a\u0000b.json'), 'ab.json');
  assert.equal(safeDisplayName('tiedot\u202Efdp.exe'), 'tiedotfdp.exe');
  assert.equal(safeDisplayName('\u2066a\u2069\u200b\u200e\ufeff.txt'), 'a.txt');
  assert.equal(safeDisplayName('a\u2028b\u2029c\u0085.txt'), 'abc.txt');
  assert.equal(safeDisplayName('tab\there  and   spaces.txt'), 'tabhere and spaces.txt');
});

test('a lone surrogate is made well-formed, and the name is NFC', () => {
  assert.equal(safeDisplayName('a\ud800b.txt'), 'a\ufffdb.txt');
  assert.equal(safeDisplayName('Ma\u0308ki.txt'), 'Mäki.txt');
});

test('a Windows device name is not left bare', () => {
  assert.equal(safeDisplayName('CON.txt'), '_CON.txt');
  assert.equal(safeDisplayName('nul'), '_nul');
});

test('a 1000-character name is cut to 200 code points, keeping its ending', () => {
  const name = safeDisplayName(`${'ä'.repeat(1000)}.json`);
  assert.equal(Array.from(name).length, maxNameLength);
  assert.ok(name.endsWith('ä.json'), name.slice(-10));
  const emoji = safeDisplayName('😀'.repeat(1000));
  assert.equal(Array.from(emoji).length, maxNameLength);
  assert.equal(emoji.toWellFormed(), emoji, 'a surrogate pair was cut in half');
});

test('whatever it is given, the result is short, non-empty and has no separator, control or bidi character', () => {
  const hostile = ['../'.repeat(300), '\u202e'.repeat(500) + 'x', '"'.repeat(1000), '\n'.repeat(1000), '\\\\server\\share\\..\\x', 'a'.repeat(10_000)];
  for (const name of hostile) {
    const safe = safeDisplayName(name);
    assert.ok(safe.length > 0 && Array.from(safe).length <= maxNameLength);
    assert.doesNotMatch(safe, /[/\\"\u0000-\u001f\u007f-\u009f\u200e\u200f\u202a-\u202e\u2066-\u2069]/u);
    assert.ok(!safe.startsWith('.'));
  }
});
