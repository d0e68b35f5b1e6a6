/**
 * A disk that stops taking writes: the submission answers 503 in Finnish with Retry-After, nothing is
 * half-written, memory is unchanged, health answers 503; once the disk takes writes again the next change
 * succeeds without a restart, and nothing acknowledged is lost.
 */
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, describe, test } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { collections } from '../../api/collections.ts';
import { requests } from '../../api/requests/collections.ts';
import { replay } from '../../api/store/journal.ts';
import { Store } from '../../api/store/store.ts';
import { testApp, type TestApp } from '../fixtures/app.ts';
import { mountSmallDisk } from '../fixtures/disk.ts';
import { erasure, postForm, postJson } from '../fixtures/post.ts';
import { isRunning, startServer, stop } from '../fixtures/server.ts';
import { fixtureSite } from '../fixtures/site.ts';

let t: TestApp | undefined;
afterEach(async () => {
  await t?.close();
  t = undefined;
});

const refusalText = /^Emme pystyneet juuri nyt tallentamaan tietoja, joten mitään ei tallennettu\./;
const submit = (app: TestApp, email: string) => postJson(app.app, '/api/requests', { ...erasure, email });
const health = async (app: TestApp) => (await app.app.request('/api/health')).status;

/** The refusals a subject sees while the store cannot write: the form script's JSON and the plain form's page. */
async function refused(app: TestApp): Promise<void> {
  const json = await submit(app, 'hylatty@example.fi');
  assert.equal(json.status, 503);
  assert.equal(json.headers.get('retry-after'), '60');
  assert.match(((await json.json()) as { error: string }).error, refusalText);
  const form = await postForm(app.app, '/api/requests', { ...erasure, email: 'hylatty@example.fi' }, { Accept: 'text/html' });
  assert.equal(form.status, 503);
  assert.equal(form.headers.get('retry-after'), '60');
  const page = await form.text();
  assert.match(page, /<h1>Tallennus ei onnistunut<\/h1>/);
  assert.ok(!page.includes('hylatty@example.fi'), 'the page repeats what was sent');
}

describe('a full disk (a real tmpfs, filled to the last byte)', () => {
  test('refuses changes cleanly and recovers by itself once space returns', async (ctx) => {
    const site = await fixtureSite();
    const disk = await mountSmallDisk(site.dataDir);
    if (!disk) return ctx.skip('mounting a tmpfs needs root');
    t = await testApp({ site: { ...site, remove: async () => void (await disk.unmount(), await site.remove()) } });
    const acknowledged: string[] = [];
    const accept = async (res: Response) => {
      if (res.status === 201) acknowledged.push(((await res.json()) as { reference: string }).reference);
      return res.status;
    };
    await accept(await submit(t, 'eka@example.fi'));
    await t.postman.idle();

    await disk.fill();
    // What the journal's last page still has room for is taken; then the disk refuses.
    let status = 201;
    for (let i = 0; i < 20 && status === 201; i++) status = await accept(await submit(t, `taytto${i}@example.fi`));
    assert.equal(status, 503, 'a full disk never refused a change');
    await refused(t);
    assert.equal(await health(t), 503);
    assert.equal(t.store.view(requests).size, acknowledged.length, 'memory changed');
    await t.postman.idle();
    assert.ok(!(await t.storeText()).includes('hylatty@example.fi'), 'a refused change reached the disk');
    const { seq } = JSON.parse(await readFile(join(t.dataDir, 'db.json'), 'utf8')) as { seq: number };
    assert.equal((await replay(t.dataDir, seq, () => {})).torn, undefined, 'the journal ends in part of a record');

    await disk.free();
    for (let i = 0; i < 50 && (await health(t)) !== 200; i++) await sleep(100);
    assert.equal(await health(t), 200, 'health did not recover once space returned');
    assert.equal(await accept(await submit(t, 'toka@example.fi')), 201);
    const references = (await t.disk()).list(requests).map((r) => r.reference).sort();
    assert.deepEqual(references, acknowledged.sort());
  });
});

describe('a data directory that stops taking writes while the server runs', () => {
  test('(EROFS from the file system, injected) refuses changes cleanly, and the next change after it succeeds', async () => {
    let readOnly = false;
    t = await testApp({
      store: {
        observe: {
          append: () => {
            if (readOnly) throw Object.assign(new Error('read-only file system'), { code: 'EROFS' });
          },
        },
      },
    });
    assert.equal((await submit(t, 'eka@example.fi')).status, 201);
    readOnly = true;
    await refused(t);
    assert.equal(await health(t), 503);
    assert.equal(t.store.view(requests).size, 1);
    readOnly = false;
    assert.equal((await submit(t, 'toka@example.fi')).status, 201);
    assert.equal(await health(t), 200);
    assert.equal((await t.disk()).list(requests).length, 2);
  });
});

describe('a read-only data directory (a real tmpfs remounted read-only)', () => {
  test('stops the start with a clear message and changes nothing; writable again, every request is there', async (ctx) => {
    const site = await fixtureSite();
    const disk = await mountSmallDisk(site.dataDir);
    if (!disk) return ctx.skip('mounting a tmpfs needs root');
    try {
      t = await testApp({ site });
      // The real server drops unconfirmed requests whose week is over: this one is made now.
      t.clock.now = new Date();
      await submit(t, 'eka@example.fi');
      await t.postman.idle();
      await t.store.close();
      const stored = (await Store.read(site.dataDir, collections)).list(requests);
      assert.equal(stored.length, 1);

      await disk.readOnly();
      const refusal = await startServer(site.dataDir);
      assert.ok(!isRunning(refusal), 'the server started on a read-only data directory');
      assert.equal(refusal.code, 1);
      assert.match(refusal.stderr, /the data directory cannot be used \(EROFS\)/);
      assert.ok(!/at .*\.ts:\d+/.test(refusal.stderr), 'a stack trace instead of a message');

      await disk.writable();
      const server = await startServer(site.dataDir);
      assert.ok(isRunning(server), `the server did not start once writable: ${'stderr' in server ? server.stderr : ''}`);
      await stop(server);
      assert.deepEqual((await Store.read(site.dataDir, collections)).list(requests), stored);
    } finally {
      t = undefined;
      await disk.unmount();
      await site.remove();
    }
  });
});
