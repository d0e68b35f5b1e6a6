import assert from 'node:assert/strict';
import { mkdir, mkdtemp, readdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, test } from 'node:test';
import { DurableJSONFile, StoreCorruptError } from '../../../api/store/durable-file.ts';

type Doc = { requests: string[] };

let dir: string;
let path: string;

beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'tietosuoja-store-'));
  path = join(dir, 'db.json');
});
afterEach(() => rm(dir, { recursive: true, force: true }));

describe('writing', () => {
  test('reads back what was written', async () => {
    const file = new DurableJSONFile<Doc>(path);
    await file.write({ requests: ['a', 'ä'] });
    assert.deepEqual(await new DurableJSONFile<Doc>(path).read(), { requests: ['a', 'ä'] });
  });

  test('leaves the file readable and writable by its owner only', async () => {
    await new DurableJSONFile<Doc>(path).write({ requests: [] });
    assert.equal((await stat(path)).mode & 0o777, 0o600);
  });

  test('leaves no temp files behind, and the last of many overlapping writes wins', async () => {
    const file = new DurableJSONFile<Doc>(path);
    await Promise.all(Array.from({ length: 20 }, (_, i) => file.write({ requests: [String(i)] })));
    assert.deepEqual(await readdir(dir), ['db.json']);
    assert.deepEqual(JSON.parse(await readFile(path, 'utf8')), { requests: ['19'] });
  });

  test('rejects a value that is not JSON and keeps the old file', async () => {
    const file = new DurableJSONFile<unknown>(path);
    await file.write({ requests: ['old'] });
    await assert.rejects(file.write({ count: 1n }), TypeError);
    await assert.rejects(file.write(undefined), TypeError);
    assert.deepEqual(JSON.parse(await readFile(path, 'utf8')), { requests: ['old'] });
  });

  test('rejects when the rename fails, removes its temp file and keeps what was there', async () => {
    // A directory in the file's place makes the rename fail after the temp file was written and flushed.
    await mkdir(path);
    await writeFile(join(path, 'keep'), 'kept');
    await assert.rejects(new DurableJSONFile<Doc>(path).write({ requests: ['new'] }));
    assert.deepEqual(await readdir(dir), ['db.json']);
    assert.equal(await readFile(join(path, 'keep'), 'utf8'), 'kept');
  });

  test('rejects when its directory is gone, and the next write succeeds once it is back', async () => {
    const file = new DurableJSONFile<Doc>(path);
    await rm(dir, { recursive: true });
    await assert.rejects(file.write({ requests: ['lost'] }), { code: 'ENOENT' });
    await mkdir(dir);
    await file.write({ requests: ['kept'] });
    assert.deepEqual(await file.read(), { requests: ['kept'] });
  });
});

describe('the layout', () => {
  test('reads a file in another layout too: pretty-printed by jq, as an operator may leave it', async () => {
    const doc = { version: 1, requests: [{ id: 'a', events: [{ at: '2026' }] }], bans: [] };
    await writeFile(path, JSON.stringify(doc, null, 2));
    assert.deepEqual(await new DurableJSONFile(path).read(), doc);
  });
});

describe('reading', () => {
  test('gives null when there is no file', async () => {
    assert.equal(await new DurableJSONFile<Doc>(path).read(), null);
  });

  const damaged: Record<string, string | Buffer> = {
    empty: '',
    truncated: '{"requests":[',
    garbage: 'this is not JSON',
    'a JSON null': 'null',
    'a JSON number': '0',
    'invalid UTF-8': Buffer.from([0x7b, 0x22, 0xff, 0x22, 0x3a, 0x31, 0x7d]),
  };
  for (const [kind, bytes] of Object.entries(damaged)) {
    test(`refuses a file that is ${kind}, naming it and leaving its bytes as they were`, async () => {
      await writeFile(path, bytes);
      const file = new DurableJSONFile<Doc>(path);
      await assert.rejects(file.read(), (error) => {
        assert.ok(error instanceof StoreCorruptError);
        assert.equal(error.path, path);
        assert.ok(error.message.includes(path), error.message);
        assert.match(error.message, /left untouched/);
        assert.match(error.message, /backup/);
        return true;
      });
      assert.deepEqual(await readFile(path), Buffer.from(bytes));
    });
  }
});
