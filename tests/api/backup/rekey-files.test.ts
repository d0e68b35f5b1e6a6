/** `npm run rekey` re-encrypts the answer files too: afterwards the new key reads them and the old one does not. */
import assert from 'node:assert/strict';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { rekey } from '../../../api/backup/rekey.ts';
import { collections } from '../../../api/collections.ts';
import { FileStore } from '../../../api/files/index.ts';
import { DataKey, keysOf } from '../../../api/store/cipher.ts';
import { Store } from '../../../api/store/store.ts';

test('rekey re-encrypts the answer files, and can be run again after it was cut short', async () => {
  const root = await mkdtemp(join(tmpdir(), 'tietosuoja-rekey-files-'));
  try {
    const dataDir = join(root, 'data');
    const oldKey = DataKey.random();
    const newKey = DataKey.random();
    await (await Store.open(dataDir, collections, { keys: keysOf(oldKey), log: () => {} })).close();
    const content = Buffer.from('{"kurssit":["Matematiikka 7"]}');
    const now = new Date('2026-01-31T10:00:00Z');
    const file = await new FileStore(dataDir, keysOf(oldKey)).save(content, 'tiedot.json', 'json', now, new Date('2026-02-14T10:00:00Z'));
    assert.ok(!(await readFile(join(dataDir, 'files', file.id))).includes(content), 'the file is stored in plain text');

    const lines = await rekey({ dataDir, backupDir: join(root, 'backups'), oldKey, newKey, collections });
    assert.ok(lines.some((line) => /Re-encrypted 1 answer file/.test(line)), lines.join('\n'));
    assert.deepEqual(await new FileStore(dataDir, keysOf(newKey)).read(file), content);
    await assert.rejects(new FileStore(dataDir, keysOf(oldKey)).read(file));

    const again = await rekey({ dataDir, backupDir: join(root, 'backups'), oldKey, newKey, collections });
    assert.ok(!again.some((line) => /answer file/.test(line)), 'a file already under the new key was re-encrypted again');
    assert.deepEqual(await new FileStore(dataDir, keysOf(newKey)).read(file), content);
  } finally {
    await rm(root, { recursive: true, force: true });
  }
});
