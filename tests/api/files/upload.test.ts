/**
 * Files with the answer, through the app as staff send them: the completion form's multipart post, its limits,
 * content checked before anything is kept, hostile names, and no way to the stored bytes but the code.
 */
import assert from 'node:assert/strict';
import { readdir, stat } from 'node:fs/promises';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, test } from 'node:test';
import { serve } from '@hono/node-server';
import { drainBytes } from '../../../api/body/index.ts';
import { FileStore, type StoredFile } from '../../../api/files/index.ts';
import { requests } from '../../../api/requests/collections.ts';
import { DataKey, keysOf, noKeys } from '../../../api/store/cipher.ts';
import { publicUrl, testApp, type TestApp, type TestAppOptions } from '../../fixtures/app.ts';
import { erasure } from '../../fixtures/post.ts';
import { rawGet } from '../../fixtures/raw-get.ts';
import { act, addStaff, asStaff, confirmedRequest, login } from '../../fixtures/staff.ts';
import { ownDataName } from '../../../api/files/own-data.ts';
import { multipart, type Part } from '../../fixtures/multipart.ts';
import { csv, json, pdf, png } from './samples.ts';

const complete = (text = 'Ohessa tietosi.') => [
  { name: 'action', value: 'complete' },
  { name: 'until', value: '' },
  { name: 'text', value: text },
];
const file = (filename: string, bytes: Uint8Array) => ({ name: 'files', filename, bytes });

const access = { ...erasure, type: 'access' };
const portability = { ...erasure, type: 'portability', format: 'json' };

let t: TestApp;
let cookie: string;

async function start(options: TestAppOptions = {}) {
  t = await testApp({ fileLimits: { maxFileBytes: 4096, maxAnswerBytes: 16 * 1024, downloadDays: 14 }, ...options });
  await addStaff(t);
  cookie = await login(t);
}
beforeEach(() => start());
afterEach(() => t.close());

function post(reference: string, parts: Part[], headers: Record<string, string> = {}) {
  const { type, body } = multipart(parts);
  return asStaff(t, cookie, `/henkilosto/pyynnot/${reference}`, { method: 'POST', headers: { Origin: publicUrl, 'Content-Type': type, ...headers }, body });
}

const record = (reference: string) => t.store.view(requests).find('reference', reference);
const stored = async () => readdir(join(t.dataDir, 'files')).catch(() => [] as string[]);
/** The store's files once the mail in flight has left (sending it changes the store too). */
const storeNow = async () => {
  await t.postman.idle();
  return t.storeText();
};

/** Nothing was kept of a refused post: no file, no change to the store. */
async function nothingKept(before: string) {
  assert.deepEqual(await stored(), [], 'a file was left in DATA_DIR/files');
  assert.equal(await storeNow(), before, 'the store changed');
}

describe('a completion with files', () => {
  test('stores a JSON and a CSV file and completes the access request', async () => {
    const reference = await confirmedRequest(t, access);
    const res = await post(reference, [...complete(), file('tiedot.json', json), file('kirjautumiset.csv', csv)]);
    assert.equal(res.status, 303);
    const done = record(reference);
    assert.equal(done?.status, 'completed');
    assert.equal(done?.decision?.reason, 'Ohessa tietosi.');
    const files = done?.files ?? [];
    assert.deepEqual(
      files.map((f) => [f.name, f.kind, f.mediaType, f.bytes]),
      [
        ['tiedot.json', 'json', 'application/json', json.length],
        ['kirjautumiset.csv', 'csv', 'text/csv; charset=utf-8', csv.length],
        // What the service itself holds about the subject comes with every access answer.
        [ownDataName, 'json', 'application/json', files[2]?.bytes],
      ],
    );
    const own = JSON.parse(new TextDecoder().decode(await new FileStore(t.dataDir, noKeys).read(files[2] as StoredFile))) as { sähköpostiosoite: string; pyynnöt: { viite: string }[] };
    assert.equal(own.sähköpostiosoite, access.email);
    assert.deepEqual(own.pyynnöt.map((r) => r.viite), [reference]);
    assert.equal(files[0]?.storedAt, '2026-01-31T10:00:00.000Z');
    assert.equal(files[0]?.expiresAt, '2026-02-14T10:00:00.000Z', 'downloadable for 14 days');
    assert.deepEqual((await stored()).sort(), files.map((f) => f.id).sort());
    for (const f of files) assert.equal((await stat(join(t.dataDir, 'files', f.id))).mode & 0o777, 0o600);
    const reader = new FileStore(t.dataDir, noKeys);
    assert.deepEqual(await reader.read(files[0] as StoredFile), json);
    assert.deepEqual(await reader.read(files[1] as StoredFile), csv);
    // What a restarted server reads holds the files too.
    assert.deepEqual((await t.disk()).list(requests).find((r) => r.reference === reference)?.files, files);
    const page = await (await asStaff(t, cookie, `/henkilosto/pyynnot/${reference}`)).text();
    assert.match(page, /<h2>Liitteet<\/h2>/);
    assert.match(page, /tiedot\.json/);
    assert.match(page, /kirjautumiset\.csv/);
  });

  test('a portability request takes a PDF; a form whose file input was left empty completes with only what the service holds', async () => {
    const first = await confirmedRequest(t, portability);
    assert.equal((await post(first, [...complete(), file('vastaus.pdf', pdf)])).status, 303);
    assert.equal(record(first)?.files?.[0]?.kind, 'pdf');
    const second = await confirmedRequest(t, { ...access, email: 'toinen@example.fi' });
    assert.equal((await post(second, [...complete(), file('', new Uint8Array())])).status, 303);
    assert.equal(record(second)?.status, 'completed');
    assert.deepEqual(record(second)?.files?.map((f) => f.name), [ownDataName]);
  });

  test('the form offers a file input only where files may go: completing an access or portability request', async () => {
    const withFiles = await confirmedRequest(t, access);
    const without = await confirmedRequest(t, { ...erasure, email: 'toinen@example.fi' });
    const page = await (await asStaff(t, cookie, `/henkilosto/pyynnot/${withFiles}`)).text();
    const form = /<form[^>]*enctype="multipart\/form-data"[^>]*>[\s\S]*?<\/form>/.exec(page)?.[0] ?? '';
    assert.match(form, /name="action" value="complete"/);
    assert.match(form, /<input type="file" id="toiminto-complete-files" name="files" multiple accept="[^"]*\.json[^"]*"/);
    assert.match(form, /Enintään 4 kt tiedostoa kohden ja 16 kt yhteensä/);
    assert.equal(page.match(/type="file"/g)?.length, 1, 'another action offers files');
    assert.doesNotMatch(await (await asStaff(t, cookie, `/henkilosto/pyynnot/${without}`)).text(), /type="file"|multipart/);
  });

  test('a file posted with another action, or to another type of request, is 422 and nothing is kept', async () => {
    const erasureRequest = await confirmedRequest(t);
    const accessRequest = await confirmedRequest(t, { ...access, email: 'toinen@example.fi' });
    const before = await storeNow();
    for (const [reference, fields] of [
      [erasureRequest, complete()],
      [accessRequest, [{ name: 'action', value: 'note' }, { name: 'text', value: 'muistiin' }]],
      [accessRequest, [{ name: 'action', value: 'reject' }, { name: 'text', value: 'ei' }]],
    ] as const) {
      const res = await post(reference, [...fields, file('tiedot.json', json)]);
      assert.equal(res.status, 422);
      assert.match(await res.text(), /Tiedostoja voi liittää vain, kun merkitset tarkastus- tai siirtopyynnön valmiiksi/);
    }
    await nothingKept(before);
  });

  test('a completion refused for its own reasons (no answer text) keeps none of its files', async () => {
    const reference = await confirmedRequest(t, access);
    const before = await storeNow();
    const res = await post(reference, [...complete(''), file('tiedot.json', json)]);
    assert.equal(res.status, 422);
    assert.match(await res.text(), /Kirjoita vastaus/);
    await nothingKept(before);
  });

  test('other actions still work as plain form posts and as multipart posts', async () => {
    const reference = await confirmedRequest(t, access);
    assert.equal((await act(t, cookie, reference, { action: 'start' })).status, 303);
    assert.equal((await post(reference, [{ name: 'action', value: 'note' }, { name: 'text', value: 'Soitettu.' }])).status, 303);
    assert.equal(record(reference)?.events.at(-1)?.note, 'Soitettu.');
  });
});

describe('what is not what it claims', () => {
  test('a PNG named .json is 422 naming it; nothing is stored, not even the good file beside it, and the request is unchanged', async () => {
    const reference = await confirmedRequest(t, access);
    const before = await storeNow();
    const res = await post(reference, [...complete(), file('kirjautumiset.csv', csv), file('tiedot.json', png)]);
    assert.equal(res.status, 422);
    const page = await res.text();
    assert.match(page, /Tiedostoa ”tiedot\.json” ei voi liittää/);
    assert.match(page, /role="alert"/);
    assert.equal(record(reference)?.status, 'received');
    await nothingKept(before);
  });

  test('text that is not UTF-8, and JSON that does not parse, are 422 naming the file', async () => {
    const reference = await confirmedRequest(t, access);
    const before = await storeNow();
    const latin1 = await post(reference, [...complete(), file('tiedot.csv', Buffer.from('Mäki;Hämeenlinna\n', 'latin1'))]);
    assert.equal(latin1.status, 422);
    assert.match(await latin1.text(), /”tiedot\.csv” ei ole UTF-8/);
    const broken = await post(reference, [...complete(), file('tiedot.json', Buffer.from('{"a":'))]);
    assert.equal(broken.status, 422);
    assert.match(await broken.text(), /”tiedot\.json” ei ole kelvollista JSONia/);
    await nothingKept(before);
  });
});

describe('limits', () => {
  test('a file over the per-file limit is 413 naming it, and nothing is stored', async () => {
    const reference = await confirmedRequest(t, access);
    const before = await storeNow();
    const big = Buffer.from(`[${'1,'.repeat(2100)}1]`);
    const res = await post(reference, [...complete(), file('pieni.json', json), file('iso.json', big)], { Accept: 'application/json' });
    assert.equal(res.status, 413);
    assert.match(((await res.json()) as { error: string }).error, /Tiedosto ”iso\.json” on liian suuri: yksi tiedosto saa olla enintään 4 kt/);
    await nothingKept(before);
  });

  test('a post over the per-request limit is 413 with Connection: close, and nothing is stored', async () => {
    const reference = await confirmedRequest(t, access);
    const before = await storeNow();
    const parts = Array.from({ length: 6 }, (_, i) => file(`osa-${i}.txt`, Buffer.alloc(3500, 0x61)));
    const res = await post(reference, [...complete(), ...parts]);
    assert.equal(res.status, 413);
    assert.equal(res.headers.get('connection'), 'close');
    assert.match(await res.text(), /Liitteet ovat yhteensä liian suuria: yhdessä vastauksessa saa olla enintään 16 kt/);
    await nothingKept(before);
  });

  test('a post far over the limit is read only as far as the drain bound past it, then answered 413', async () => {
    const reference = await confirmedRequest(t, access);
    const before = await storeNow();
    const { type, body } = multipart([...complete(), file('iso.txt', Buffer.alloc(64 * 1024, 0x61))]);
    let read = 0;
    const total = 8 * 1024 * 1024;
    const stream = new ReadableStream<Uint8Array>(
      {
        pull(controller) {
          if (read >= total) return controller.close();
          const chunk = read === 0 ? body : new Uint8Array(64 * 1024).fill(0x61);
          read += chunk.byteLength;
          controller.enqueue(chunk);
        },
      },
      { highWaterMark: 0 },
    );
    const res = await asStaff(t, cookie, `/henkilosto/pyynnot/${reference}`, {
      method: 'POST',
      headers: { Origin: publicUrl, 'Content-Type': type },
      body: stream,
      duplex: 'half',
    } as RequestInit);
    assert.equal(res.status, 413);
    assert.equal(res.headers.get('connection'), 'close');
    assert.ok(read < 16 * 1024 + drainBytes + 256 * 1024, `read ${read} bytes`);
    await nothingKept(before);
  });

  test('the text fields keep the action form\'s own limit, however large the files\' is', async () => {
    await t.close();
    await start({ fileLimits: { maxFileBytes: 4096, maxAnswerBytes: 1024 * 1024, downloadDays: 14 } });
    const reference = await confirmedRequest(t, access);
    const before = await storeNow();
    const res = await post(reference, complete('a'.repeat(200 * 1024)));
    assert.equal(res.status, 413);
    await nothingKept(before);
  });

  test('a broken, cut-off or boundary-less post is 400, and so are a repeated text field, a file in another field and text not in UTF-8', async () => {
    const reference = await confirmedRequest(t, access);
    const before = await storeNow();
    const { body } = multipart([...complete(), file('tiedot.json', json)]);
    const send = (type: string, payload: BodyInit) =>
      asStaff(t, cookie, `/henkilosto/pyynnot/${reference}`, { method: 'POST', headers: { Origin: publicUrl, 'Content-Type': type }, body: payload });
    assert.equal((await send('multipart/form-data; boundary=----tietosuoja7MA4YWxk', body.subarray(0, body.length - 60))).status, 400);
    assert.equal((await send('multipart/form-data', body)).status, 400);
    assert.equal((await send('multipart/form-data; boundary=toinen', body)).status, 400);
    assert.equal((await send('multipart/form-data; boundary=----tietosuoja7MA4YWxk', 'ei multipartia')).status, 400);
    assert.equal((await post(reference, [...complete(), { name: 'text', value: 'toinen' }, file('tiedot.json', json)])).status, 400);
    assert.equal((await post(reference, [...complete(), { name: 'liite', filename: 'tiedot.json', bytes: json }])).status, 400);
    const notUtf8 = multipart([{ name: 'action', value: 'note' }, { name: 'text', value: 'x' }]);
    const at = notUtf8.body.lastIndexOf(0x78);
    notUtf8.body[at] = 0xe4;
    assert.equal((await send(notUtf8.type, notUtf8.body)).status, 400, 'a text field that is not UTF-8');
    await nothingKept(before);
  });

  test('a post cut off at any byte is a 400, never a hang or a 5xx, and keeps nothing', async () => {
    const reference = await confirmedRequest(t, access);
    const before = await storeNow();
    // Files with a note are refused (422) even when the post arrives whole, so no cut can store anything.
    const { type, body } = multipart([{ name: 'action', value: 'note' }, file('tiedot.json', json), { name: 'text', value: 'Muistiin.' }]);
    for (let cut = 0; cut < body.length; cut++) {
      const res = await asStaff(t, cookie, `/henkilosto/pyynnot/${reference}`, { method: 'POST', headers: { Origin: publicUrl, 'Content-Type': type }, body: body.subarray(0, cut) });
      // The closing boundary's last line break is optional.
      assert.equal(res.status, cut >= body.length - 2 ? 422 : 400, `cut at ${cut}`);
    }
    await nothingKept(before);
  });

  test('the other routes still refuse multipart with 415', async () => {
    const { type, body } = multipart([{ name: 'username', value: 'maija' }, file('tiedot.json', json)]);
    for (const path of ['/henkilosto/kirjaudu', '/api/requests', '/api/requests/confirm']) {
      const res = await t.app.request(path, { method: 'POST', headers: { Origin: publicUrl, 'Content-Type': type }, body });
      assert.equal(res.status, 415, path);
    }
  });
});

describe('a hostile file name', () => {
  const hostile = `..\\../../etc/"<img src=x onerror=alert(1)>"\u202Egnp.\r\n\u0000${'ö'.repeat(400)}.json`;
  const safe = (() => {
    const start = '__img src=x onerror=alert(1)__gnp.';
    return `${start}${'ö'.repeat(200 - start.length - '.json'.length)}.json`;
  })();

  test('is stored as a safe display name, never in a path, and shown escaped', async () => {
    for (const extended of [false, true]) {
      const reference = await confirmedRequest(t, { ...access, email: `${extended}@example.fi` });
      // A quoted name cannot carry a line break (it would end the header); the extended form can carry any other
      // control character (busboy drops a part whose name holds a line break).
      const name = hostile.replace(/\r\n/g, extended ? '\u0007\u2028\u0085' : '');
      const res = await post(reference, [...complete(), { name: 'files', filename: name, bytes: json, extended }]);
      assert.equal(res.status, 303);
      const [saved] = record(reference)?.files ?? [];
      assert.equal(saved?.name, safe, `extended: ${extended}`);
      assert.ok((await stored()).includes(saved.id), 'the file is not stored under its id');
      assert.ok((await stored()).every((name) => /^[A-Za-z0-9_-]{24}$/.test(name)), 'a name on disk is not an id');
      const page = await (await asStaff(t, cookie, `/henkilosto/pyynnot/${reference}`)).text();
      assert.doesNotMatch(page, /<img/);
      assert.ok(page.includes('__img src=x onerror=alert(1)__gnp.ööö'));
    }
  });

  test('a file is not reachable by any static path, in process or over HTTP, with or without a session', async () => {
    const reference = await confirmedRequest(t, access);
    const marker = Buffer.from('{"tunniste":"EI-SAA-NAKYA-STAATTISESTI"}');
    assert.equal((await post(reference, [...complete(), file('tiedot.json', marker)])).status, 303);
    const id = record(reference)?.files?.[0]?.id ?? '';
    assert.match(id, /^[A-Za-z0-9_-]{24}$/);
    const paths = [
      `/files/${id}`,
      `/data/files/${id}`,
      `/_astro/../data/files/${id}`,
      `/_astro/%2e%2e/data/files/${id}`,
      `/%2e%2e/data/files/${id}`,
      `/..%2fdata%2ffiles%2f${id}`,
      `/../data/files/${id}`,
      `/api/files/${id}`,
      `/henkilosto/files/${id}`,
      `/henkilosto/../data/files/${id}`,
      `/pyynto/../../data/files/${id}`,
      `/${id}`,
      `/tiedot.json`,
    ];
    const leaks = (body: string) => body.includes('EI-SAA-NAKYA-STAATTISESTI');
    for (const path of paths) {
      for (const session of [undefined, cookie]) {
        const res = await t.app.request(path, { headers: session ? { Cookie: session } : {} });
        // The staff area asks for a log-in first (401) before it says there is nothing there.
        const expected = !session && path.startsWith('/henkilosto/files') ? [401] : [400, 404];
        assert.ok(expected.includes(res.status), `${path} answered ${res.status}`);
        assert.ok(!leaks(await res.text()), `${path} served the file`);
      }
    }
    const server = serve({ fetch: t.app.fetch, hostname: '127.0.0.1', port: 0 });
    await new Promise((resolve) => server.once('listening', resolve));
    const { port } = server.address() as AddressInfo;
    try {
      for (const path of paths) {
        const { status, body } = await rawGet(port, path);
        assert.ok([400, 401, 404].includes(status), `${path} answered ${status} over HTTP`);
        assert.ok(!leaks(body), `${path} served the file over HTTP`);
      }
    } finally {
      server.close();
    }
  });
});

describe('with DATA_KEY', () => {
  test('the stored files are encrypted: their bytes are nowhere on disk, and they read back with the key', async () => {
    await t.close();
    const keys = keysOf(DataKey.random());
    await start({ store: { keys } });
    const reference = await confirmedRequest(t, access);
    const content = Buffer.from(`{"tunniste":"${'SALAINEN-'.repeat(10)}"}`);
    assert.equal((await post(reference, [...complete(), file('tiedot.json', content)])).status, 303);
    const saved = record(reference)?.files?.[0] as StoredFile;
    const { readFile } = await import('node:fs/promises');
    const onDisk = await readFile(join(t.dataDir, 'files', saved.id));
    assert.equal(onDisk.indexOf('SALAINEN-'), -1);
    assert.deepEqual(await new FileStore(t.dataDir, keys).read(saved), content);
  });
});
