import assert from 'node:assert/strict';
import { test } from 'node:test';
import { checkFile } from '../../../api/files/index.ts';
import { csv, exe, json, pdf, png, text, zip } from './samples.ts';

const refused = async (bytes: Uint8Array, name: string) => {
  const result = await checkFile(bytes, name);
  assert.equal(result.ok, false, `${name} was accepted`);
  return result.ok ? '' : result.message;
};

test('takes each kind by its content, with the media type it is served as', async () => {
  const cases = [
    [json, 'tiedot.json', 'json', 'application/json'],
    [csv, 'kirjautumiset.CSV', 'csv', 'text/csv; charset=utf-8'],
    [text, 'lue minut.txt', 'text', 'text/plain; charset=utf-8'],
    [pdf, 'vastaus.pdf', 'pdf', 'application/pdf'],
    [zip, 'kaikki.zip', 'zip', 'application/zip'],
  ] as const;
  for (const [bytes, name, kind, mediaType] of cases) assert.deepEqual(await checkFile(bytes, name), { ok: true, kind, mediaType }, name);
});

test('takes any JSON value, and a JSON file that starts with a byte order mark', async () => {
  for (const body of ['[]', '42', '"teksti"', '\ufeff{"a":1}']) assert.equal((await checkFile(Buffer.from(body), 'a.json')).ok, true, body);
});

test('refuses a PNG renamed .json, saying its content is not a kind we take, and naming it', async () => {
  const message = await refused(png, 'tiedot.json');
  assert.match(message, /Tiedostoa ”tiedot\.json” ei voi liittää: sen sisältö ei ole JSON, CSV, PDF, ZIP tai tekstiä/);
});

test('refuses an EXE renamed .pdf, and naming it', async () => {
  assert.match(await refused(exe, 'vastaus.pdf'), /”vastaus\.pdf” ei voi liittää/);
});

test('refuses a CSV that is not UTF-8, naming it', async () => {
  const latin1 = Buffer.from('nimi;kaupunki\nMäki;Hämeenlinna\n', 'latin1');
  assert.match(await refused(latin1, 'tiedot.csv'), /Tiedosto ”tiedot\.csv” ei ole UTF-8-merkistöllä tallennettua tekstiä, vaikka sen nimi päättyy \.csv/);
});

test('refuses text with a NUL byte in it', async () => {
  assert.match(await refused(Buffer.from('a;b\n\0;c\n'), 'tiedot.csv'), /”tiedot\.csv” ei ole UTF-8/);
});

test('refuses JSON that does not parse, naming it', async () => {
  assert.match(await refused(Buffer.from('{"nimi": "Maija",'), 'tiedot.json'), /Tiedosto ”tiedot\.json” ei ole kelvollista JSONia/);
});

test('refuses an empty file, naming it', async () => {
  assert.match(await refused(new Uint8Array(), 'tyhjä.txt'), /Tiedosto ”tyhjä\.txt” on tyhjä/);
});

test('refuses a name that claims another kind than the content is', async () => {
  assert.match(await refused(pdf, 'vastaus.json'), /sisältö on PDF-asiakirja, joten nimen pitää päättyä \.pdf/);
  assert.match(await refused(zip, 'kaikki.txt'), /sisältö on ZIP-paketti, joten nimen pitää päättyä \.zip/);
  assert.match(await refused(text, 'vastaus.pdf'), /sisältö on tekstiä, joten nimen pitää päättyä \.txt, \.csv tai \.json/);
  // A text file under a name a browser or a desktop would run or render as something else.
  for (const name of ['sivu.html', 'kuva.svg', 'ohjelma.exe', 'skripti.js', 'ilman päätettä']) assert.match(await refused(text, name), /nimi ei vastaa sen sisältöä/, name);
});

test('names the file safely: its name made safe, shortened, never as given', async () => {
  const message = await refused(png, `../../${'x'.repeat(300)}\u202e<b>"nimi"<b>.json`);
  assert.doesNotMatch(message, /\.\.\/|\u202e|"/);
  assert.match(message, /”x{79}…”/);
});
