/** Encryption at rest (api/store/cipher.ts): the key from DATA_KEY, and the file and journal-line envelopes that detect any change. */
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { describe, test } from 'node:test';
import fc from 'fast-check';
import { DataKey, isEncrypted, KeyError, keysOf, noKeys, openFile, openLine, sealFile, sealLine } from '../../../api/store/cipher.ts';

/** What `openFile` throws for a file that does not verify: the caller's own error. */
class Damaged extends Error {
  override name = 'Damaged';
}
const damaged = (problem: string) => new Damaged(problem);

const key = DataKey.random();
const keys = keysOf(key);
/** Each single bit, and every bit of the byte at once. */
const masks = [0x01, 0x02, 0x04, 0x08, 0x10, 0x20, 0x40, 0x80, 0xff];
const plainJSON = Buffer.from('{"version":2,"seq":7,"items":[{"id":"a","name":"Maija Meikäläinen"}]}');

/** A refusal of the key that names the variable and never shows what it was set to. */
function refusesNaming(text: string, variable: string, message: RegExp = /must be 32 random bytes in base64/): void {
  assert.throws(
    () => DataKey.parse(text, variable),
    (error) => {
      assert.ok(error instanceof KeyError, String(error));
      assert.ok(error.message.startsWith(`${variable} `), error.message);
      assert.match(error.message, message);
      assert.match(error.message, /openssl rand -base64 32/);
      const shown = text.trim();
      if (shown.length >= 4) assert.ok(!error.message.includes(shown.slice(0, 8)), `the message shows the value: ${error.message}`);
      return true;
    },
  );
}

describe('DataKey.parse', () => {
  test('accepts 32 random bytes in base64, as `openssl rand -base64 32` prints them, with the line end a file adds', () => {
    for (let i = 0; i < 20; i++) {
      const bytes = randomBytes(32);
      const text = bytes.toString('base64');
      assert.equal(text.length, 44);
      assert.deepEqual(DataKey.parse(text)?.bytes, bytes);
      assert.deepEqual(DataKey.parse(`${text}\n`)?.bytes, bytes);
      assert.deepEqual(DataKey.parse(`  ${text}  `)?.bytes, bytes);
    }
  });

  test('is undefined for an unset or empty variable', () => {
    assert.equal(DataKey.parse(undefined), undefined);
    assert.equal(DataKey.parse(''), undefined);
    assert.equal(DataKey.parse('   \n'), undefined);
  });

  test('refuses 31 and 33 bytes, naming DATA_KEY and never showing the value', () => {
    refusesNaming(randomBytes(31).toString('base64'), 'DATA_KEY');
    refusesNaming(randomBytes(33).toString('base64'), 'DATA_KEY');
    refusesNaming(randomBytes(16).toString('base64'), 'DATA_KEY');
    refusesNaming(randomBytes(64).toString('base64'), 'DATA_KEY');
  });

  test('refuses what is not base64: a passphrase, hex, base64url, a key with a character changed', () => {
    const good = randomBytes(32).toString('base64');
    refusesNaming('correct horse battery staple correct horse!!', 'DATA_KEY');
    refusesNaming(randomBytes(32).toString('hex'), 'DATA_KEY');
    refusesNaming(`${good.slice(0, 20)}*${good.slice(21)}`, 'DATA_KEY');
    refusesNaming(`${good.slice(0, 20)} ${good.slice(21)}`, 'DATA_KEY');
    // base64url of 32 bytes that holds a - or _: Buffer would decode it, the variable must still be plain base64.
    let url = '';
    while (!/[-_]/.test(url)) url = randomBytes(32).toString('base64url');
    refusesNaming(`${url}=`, 'DATA_KEY');
  });

  test('names the variable it was given (NEW_DATA_KEY for a rekey)', () => {
    refusesNaming(randomBytes(31).toString('base64'), 'NEW_DATA_KEY');
    refusesNaming('not a key at all', 'NEW_DATA_KEY');
  });

  test("a key's id is the same each time it is read, differs between keys, and does not reveal the key", () => {
    const text = randomBytes(32).toString('base64');
    const a = DataKey.parse(text);
    const b = DataKey.parse(`${text}\n`);
    assert.ok(a && b);
    assert.match(a.id, /^[0-9a-f]{16}$/);
    assert.equal(a.id, b.id);
    const ids = new Set(Array.from({ length: 50 }, () => DataKey.random().id));
    assert.equal(ids.size, 50);
    assert.ok(!ids.has(a.id));
    assert.ok(!text.includes(a.id) && !a.bytes.toString('hex').includes(a.id));
  });

  test("a key's id never changes between versions: every file and backup names its key by it", () => {
    // 32 zero bytes; a changed derivation would make every existing file refuse its own key.
    assert.equal(DataKey.parse(Buffer.alloc(32).toString('base64'))?.id, DataKey.parse('AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=')?.id);
    assert.equal(DataKey.parse('AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=')?.id, pinnedZeroKeyId);
  });
});

/** The id of the all-zero key as this version derives it (computed once and pinned). */
const pinnedZeroKeyId = '215a5933de794cd2';

describe('keysOf', () => {
  test('with a key: writes and reads with it and refuses plain files; without: plain JSON', () => {
    assert.deepEqual(keysOf(key), { write: key, read: [key], plain: false });
    assert.deepEqual(keysOf(undefined), { write: undefined, read: [], plain: true });
    assert.deepEqual(noKeys, { write: undefined, read: [], plain: true });
  });
});

describe('sealFile and openFile', () => {
  test('round-trip any bytes, the empty file included', () => {
    for (const plain of [plainJSON, Buffer.alloc(0), randomBytes(100_000), Buffer.from('\n\n{"a":"\\n"}\n')]) {
      const sealed = sealFile(key, 'snapshot', plain);
      assert.ok(isEncrypted(sealed));
      assert.deepEqual(openFile(sealed, keys, 'snapshot', 'db.json', damaged), plain);
    }
  });

  test('hide the content, and seal the same content differently each time (a fresh iv)', () => {
    const a = sealFile(key, 'snapshot', plainJSON);
    const b = sealFile(key, 'snapshot', plainJSON);
    assert.notDeepEqual(a, b);
    for (const sealed of [a, b]) {
      assert.equal(sealed.indexOf('Meik'), -1);
      assert.equal(sealed.indexOf('"items"'), -1);
    }
    const header = JSON.parse(a.subarray(0, a.indexOf(0x0a)).toString('utf8')) as Record<string, unknown>;
    assert.deepEqual(Object.keys(header), ['format', 'kind', 'keyId', 'iv']);
    assert.equal(header.kind, 'snapshot');
    assert.equal(header.keyId, key.id);
  });

  test('every changed byte of a sealed file is detected: the damage error, or a KeyError when it hit the key id', () => {
    const sealed = sealFile(key, 'snapshot', Buffer.from('{"version":2,"seq":1}'));
    const newline = sealed.indexOf(0x0a);
    const header = sealed.subarray(0, newline).toString('latin1');
    const prefixEnd = '{"format":"tietosuoja-aes-256-gcm"'.length;
    const keyIdStart = header.indexOf('"keyId"');
    const keyIdEnd = header.indexOf('"', header.indexOf(':"', keyIdStart) + 2) + 1;
    assert.ok(keyIdStart > 0 && keyIdEnd > keyIdStart);
    for (let position = 0; position < sealed.length; position++) {
      for (const mask of masks) {
        const changed = Buffer.from(sealed);
        changed[position] = (changed[position] ?? 0) ^ mask;
        let error: unknown;
        try {
          openFile(changed, keys, 'snapshot', 'db.json', damaged);
        } catch (thrown) {
          error = thrown;
        }
        // A KeyError for a changed format marker (the file no longer looks encrypted) or key id; else damage.
        const namesKey = position < prefixEnd || (position >= keyIdStart && position < keyIdEnd);
        if (error instanceof KeyError && namesKey) continue;
        assert.ok(error instanceof Damaged, `byte ${position} ^ ${mask}: ${error === undefined ? 'opened' : String(error)}`);
      }
    }
  });

  test('a changed byte anywhere in a larger file is detected too (generated)', () => {
    const sealed = sealFile(key, 'snapshot', randomBytes(5000));
    fc.assert(
      fc.property(fc.nat({ max: sealed.length - 1 }), fc.integer({ min: 1, max: 255 }), (position, mask) => {
        const changed = Buffer.from(sealed);
        changed[position] = (changed[position] ?? 0) ^ mask;
        assert.throws(() => openFile(changed, keys, 'snapshot', 'db.json', damaged), (error) => error instanceof Damaged || error instanceof KeyError);
      }),
      { numRuns: 2000 },
    );
  });

  test('a file cut short anywhere, or with bytes added, is detected', () => {
    const sealed = sealFile(key, 'snapshot', plainJSON);
    const prefixLength = '{"format":"tietosuoja-aes-256-gcm"'.length;
    assert.ok(prefixLength < sealed.length);
    // Cut inside the format marker too: a file that is the start of the marker was cut short, not stored plain.
    for (let length = 1; length < sealed.length; length++) {
      assert.throws(() => openFile(sealed.subarray(0, length), keys, 'snapshot', 'db.json', damaged), Damaged, `cut to ${length} bytes`);
    }
    assert.throws(() => openFile(Buffer.concat([sealed, Buffer.from('x')]), keys, 'snapshot', 'db.json', damaged), Damaged);
  });

  test('a file of another kind is not taken for this one', () => {
    const sealed = sealFile(key, 'backup', plainJSON);
    assert.throws(() => openFile(sealed, keys, 'snapshot', 'db.json', damaged), (error) => error instanceof Damaged && /holds a backup, not a snapshot/.test(error.message));
  });

  test('a wrong key is a KeyError naming DATA_KEY and both key ids; no key at all, too', () => {
    const sealed = sealFile(key, 'snapshot', plainJSON);
    const other = DataKey.random();
    assert.throws(
      () => openFile(sealed, keysOf(other), 'snapshot', '/data/db.json', damaged),
      (error) => {
        assert.ok(error instanceof KeyError, String(error));
        assert.match(error.message, /DATA_KEY/);
        assert.ok(error.message.includes('/data/db.json') && error.message.includes(key.id) && error.message.includes(other.id), error.message);
        return true;
      },
    );
    assert.throws(() => openFile(sealed, noKeys, 'snapshot', '/data/db.json', damaged), (error) => error instanceof KeyError && /set DATA_KEY/.test(error.message) && error.message.includes(key.id));
  });

  test('any of several read keys opens a file sealed with it', () => {
    const other = DataKey.random();
    const sealed = sealFile(other, 'snapshot', plainJSON);
    assert.deepEqual(openFile(sealed, { write: key, read: [key, other], plain: false }, 'snapshot', 'db.json', damaged), plainJSON);
  });

  test('an unencrypted file is refused with a KeyError when a key is set, and read as it is without one', () => {
    assert.throws(() => openFile(plainJSON, keys, 'snapshot', '/data/db.json', damaged), (error) => error instanceof KeyError && /unencrypted, but DATA_KEY is set/.test(error.message));
    assert.equal(openFile(plainJSON, noKeys, 'snapshot', '/data/db.json', damaged), plainJSON);
  });
});

describe('sealLine and openLine', () => {
  const record = JSON.stringify({ seq: 1, at: '2026-01-01T00:00:00.000Z', changes: [{ collection: 'items', key: 'a', value: { id: 'a', name: 'Maija Meikäläinen' } }] });

  test('round-trip a record as one line that hides it; without a key the record is its own line', () => {
    const line = sealLine(keys, record);
    assert.ok(!line.includes('\n'));
    assert.ok(!line.includes('Meik') && !line.includes('changes'));
    assert.ok(isEncrypted(Buffer.from(line)));
    assert.equal(openLine(keys, Buffer.from(line), 'journal')?.toString('utf8'), record);
    assert.notEqual(sealLine(keys, record), line);
    assert.equal(sealLine(noKeys, record), record);
    assert.equal(openLine(noKeys, Buffer.from(record), 'journal')?.toString('utf8'), record);
  });

  test('a changed byte is undefined (damaged or torn) or a KeyError, and never opens as another record', () => {
    const line = Buffer.from(sealLine(keys, record));
    let detected = 0;
    for (let position = 0; position < line.length; position++) {
      for (const mask of masks) {
        const changed = Buffer.from(line);
        changed[position] = (changed[position] ?? 0) ^ mask;
        let opened: Buffer | undefined;
        try {
          opened = openLine(keys, changed, 'journal');
        } catch (error) {
          assert.ok(error instanceof KeyError, `byte ${position} ^ ${mask}: ${String(error)}`);
          detected += 1;
          continue;
        }
        if (opened === undefined) detected += 1;
        // base64 decoding is lenient about the padding and the last character's spare bits: such a change
        // decodes to the very same authenticated bytes.
        else assert.equal(opened.toString('utf8'), record, `byte ${position} ^ ${mask} opened as something else`);
      }
    }
    assert.ok(detected > line.length * (masks.length - 1), `only ${detected} changes detected`);
  });

  test('a line cut short anywhere is undefined (a torn record), never a plain line or a KeyError', () => {
    const line = Buffer.from(sealLine(keys, record));
    for (let length = 0; length < line.length; length++) {
      assert.equal(openLine(keys, line.subarray(0, length), 'journal'), undefined, `cut to ${length} bytes`);
    }
  });

  test('a wrong or missing key is a KeyError naming DATA_KEY; a plain line is refused when a key is set', () => {
    const line = Buffer.from(sealLine(keys, record));
    assert.throws(() => openLine(keysOf(DataKey.random()), line, 'journal-000000000001.jsonl'), (error) => error instanceof KeyError && /DATA_KEY/.test(error.message) && error.message.includes('journal-000000000001.jsonl'));
    assert.throws(() => openLine(noKeys, line, 'journal'), (error) => error instanceof KeyError && /set DATA_KEY/.test(error.message));
    assert.throws(() => openLine(keys, Buffer.from(record), 'journal'), (error) => error instanceof KeyError && /unencrypted, but DATA_KEY is set/.test(error.message));
  });
});
