import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { mkdtemp, readdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, test } from 'node:test';
import { FileError, FileStore, type StoredFile } from '../../../api/files/index.ts';
import { DataKey, KeyError, keysOf, noKeys } from '../../../api/store/cipher.ts';
import { csv, json, pdf } from './samples.ts';

let dataDir: string;
beforeEach(async () => {
  dataDir = await mkdtemp(join(tmpdir(), 'tietosuoja-files-'));
});
afterEach(() => rm(dataDir, { recursive: true, force: true }));

const now = new Date('2026-02-01T10:00:00Z');
const until = new Date('2026-02-15T10:00:00Z');
const onDisk = async (file: StoredFile) => readFile(join(dataDir, 'files', file.id));

test('stores a file and reads it back, with its SHA-256, size, kind and dates', async () => {
  const files = new FileStore(dataDir, noKeys);
  const file = await files.save(json, 'tiedot.json', 'json', now, until);
  assert.deepEqual({ ...file, id: undefined }, {
    id: undefined,
    name: 'tiedot.json',
    kind: 'json',
    mediaType: 'application/json',
    bytes: json.length,
    sha256: createHash('sha256').update(json).digest('hex'),
    storedAt: '2026-02-01T10:00:00.000Z',
    expiresAt: '2026-02-15T10:00:00.000Z',
  });
  assert.deepEqual(await files.read(file), json);
  assert.deepEqual(await onDisk(file), json, 'without a key the file is stored as it is');
});

test('gives each file a random id of its own, which is its only name on disk', async () => {
  const files = new FileStore(dataDir, noKeys);
  const saved = [await files.save(csv, '../../etc/passwd.csv', 'csv', now, until), await files.save(csv, 'tiedot.csv', 'csv', now, until)];
  const [first, second] = saved as [StoredFile, StoredFile];
  assert.match(first.id, /^[A-Za-z0-9_-]{24}$/);
  assert.notEqual(first.id, second.id);
  assert.equal(first.name, 'passwd.csv');
  assert.deepEqual((await readdir(join(dataDir, 'files'))).sort(), [first.id, second.id].sort());
  assert.deepEqual((await readdir(dataDir)).sort(), ['files'], 'a file was written outside DATA_DIR/files');
});

test('the directory is 0700 and each file 0600', async () => {
  const files = new FileStore(dataDir, noKeys);
  const file = await files.save(pdf, 'vastaus.pdf', 'pdf', now, until);
  assert.equal((await stat(join(dataDir, 'files'))).mode & 0o777, 0o700);
  assert.equal((await stat(join(dataDir, 'files', file.id))).mode & 0o777, 0o600);
});

test('with a key the file is encrypted: its plain bytes are nowhere on disk, and it reads back', async () => {
  const files = new FileStore(dataDir, keysOf(DataKey.random()));
  const secret = Buffer.from(`{"henkilötunnus":"010190-123A","merkki":"${'TUNNISTE-'.repeat(20)}"}`);
  const file = await files.save(secret, 'tiedot.json', 'json', now, until);
  const stored = await onDisk(file);
  assert.equal(stored.indexOf(secret), -1);
  assert.equal(stored.indexOf('010190-123A'), -1);
  assert.equal(stored.indexOf('TUNNISTE-TUNNISTE'), -1);
  assert.match(stored.subarray(0, 80).toString('latin1'), /^\{"format":"tietosuoja-aes-256-gcm","kind":"answer-file"/);
  assert.deepEqual(await files.read(file), secret);
  // And no temp file with the plain bytes was left beside it.
  assert.deepEqual(await readdir(join(dataDir, 'files')), [file.id]);
});

test('a flipped byte is detected, with or without a key', async () => {
  for (const keys of [noKeys, keysOf(DataKey.random())]) {
    const files = new FileStore(dataDir, keys);
    const file = await files.save(csv, 'tiedot.csv', 'csv', now, until);
    for (const at of [0, 40, -1]) {
      const bytes = await onDisk(file);
      const i = at < 0 ? bytes.length + at : at;
      bytes[i] = (bytes[i] ?? 0) ^ 0x01;
      await writeFile(join(dataDir, 'files', file.id), bytes);
      await assert.rejects(files.read(file), (error) => error instanceof FileError && error.reason === 'damaged', `byte ${at}, key ${Boolean(keys.write)}`);
      bytes[i] = (bytes[i] ?? 0) ^ 0x01;
      await writeFile(join(dataDir, 'files', file.id), bytes);
      assert.deepEqual(await files.read(file), csv);
    }
  }
});

test('a file cut short, or another file put in its place, is detected', async () => {
  const files = new FileStore(dataDir, keysOf(DataKey.random()));
  const file = await files.save(json, 'tiedot.json', 'json', now, until);
  const other = await files.save(csv, 'tiedot.csv', 'csv', now, until);
  const bytes = await onDisk(file);
  await writeFile(join(dataDir, 'files', file.id), bytes.subarray(0, bytes.length - 5));
  await assert.rejects(files.read(file), FileError);
  await writeFile(join(dataDir, 'files', file.id), await onDisk(other));
  await assert.rejects(files.read(file), FileError);
});

test('a file encrypted with another key is a KeyError, without one a KeyError too', async () => {
  const file = await new FileStore(dataDir, keysOf(DataKey.random())).save(json, 'tiedot.json', 'json', now, until);
  await assert.rejects(new FileStore(dataDir, keysOf(DataKey.random())).read(file), KeyError);
  await assert.rejects(new FileStore(dataDir, noKeys).read(file), KeyError);
});

test('a file stored before DATA_KEY was set still reads, as its hash proves it unchanged', async () => {
  const file = await new FileStore(dataDir, noKeys).save(json, 'tiedot.json', 'json', now, until);
  assert.deepEqual(await new FileStore(dataDir, keysOf(DataKey.random())).read(file), json);
});

test('a file gone from disk is a clear error that names its id, not its name', async () => {
  const files = new FileStore(dataDir, noKeys);
  const file = await files.save(json, 'Maija Meikäläinen.json', 'json', now, until);
  await rm(join(dataDir, 'files', file.id));
  await assert.rejects(files.read(file), (error) => {
    assert.ok(error instanceof FileError);
    assert.equal(error.reason, 'gone');
    assert.match(error.message, new RegExp(file.id));
    assert.doesNotMatch(error.message, /Maija/);
    return true;
  });
});

test('delete removes the file, and deleting it again is no error', async () => {
  const files = new FileStore(dataDir, noKeys);
  const file = await files.save(json, 'tiedot.json', 'json', now, until);
  await files.delete(file.id);
  await files.delete(file.id);
  assert.deepEqual(await readdir(join(dataDir, 'files')), []);
  await new FileStore(join(dataDir, 'ei-ole'), noKeys).delete(file.id);
});

test('an id that is not one of ours never reaches a path', async () => {
  const files = new FileStore(dataDir, noKeys);
  const file = await files.save(json, 'tiedot.json', 'json', now, until);
  for (const id of ['../secret.json', '..', '', 'a/b', `${file.id}/..`, `${file.id}\0`]) {
    await assert.rejects(files.read({ ...file, id }), TypeError, id);
    await assert.rejects(files.delete(id), TypeError, id);
  }
  assert.deepEqual(await files.read(file), json);
});
