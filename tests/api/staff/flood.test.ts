/**
 * A flood of log-in tries must not starve the server: a flood guard per address before any hashing, one
 * password hash at a time with a short line, a full line answered at once with 503 and Retry-After, and no
 * hashing at all for a try during a lock.
 */
import assert from 'node:assert/strict';
import { afterEach, describe, test } from 'node:test';
import { BusyError, HashQueue } from '../../../api/staff/hash-queue.ts';
import { testApp, type TestApp } from '../../fixtures/app.ts';
import { postForm } from '../../fixtures/post.ts';
import { addStaff, login, password } from '../../fixtures/staff.ts';

/** A line of hashes that counts what it hashed. */
class CountingQueue extends HashQueue {
  hashed = 0;
  override run<T>(work: () => Promise<T>): Promise<T> {
    return super.run(async () => {
      this.hashed += 1;
      return work();
    });
  }
}

let t: TestApp | undefined;
afterEach(async () => {
  await t?.close();
  t = undefined;
});

const tryLogIn = (app: TestApp, address: string, username = 'maija', pass = 'väärä-salasana') =>
  postForm(app.app, '/henkilosto/kirjaudu', { username, password: pass }, { Accept: 'text/html' }, address);

describe('the line of password hashes', () => {
  test('runs one hash at a time, lets a few wait in order, and refuses the rest at once', async () => {
    const queue = new HashQueue({ running: 1, waiting: 2 });
    const order: number[] = [];
    const gates = [0, 1, 2].map(() => Promise.withResolvers<void>());
    const runs = gates.map((gate, i) =>
      queue.run(async () => {
        order.push(i);
        await gate.promise;
        return i;
      }),
    );
    await new Promise((resolve) => setImmediate(resolve));
    assert.deepEqual(queue.load, { running: 1, waiting: 2 });
    assert.equal(queue.full, true);
    await assert.rejects(queue.run(async () => 'liikaa'), (error: Error) => error instanceof BusyError && error.retryAfterSeconds >= 1);
    for (const gate of gates) gate.resolve();
    assert.deepEqual(await Promise.all(runs), [0, 1, 2]);
    assert.deepEqual(order, [0, 1, 2]);
    assert.deepEqual(queue.load, { running: 0, waiting: 0 });
    assert.equal(queue.full, false);
  });

  test('a failed hash gives its place to the next', async () => {
    const queue = new HashQueue({ running: 1, waiting: 1 });
    const failing = queue.run(async () => {
      throw new Error('rikki');
    });
    const next = queue.run(async () => 'seuraava');
    await assert.rejects(failing, /rikki/);
    assert.equal(await next, 'seuraava');
    assert.deepEqual(queue.load, { running: 0, waiting: 0 });
  });
});

describe('log-in tries', () => {
  test('a full line is answered at once with 503, Retry-After and the Finnish page, without hashing', async () => {
    const hashes = new CountingQueue({ running: 1, waiting: 0 });
    t = await testApp({ hashes });
    await addStaff(t);
    const hold = Promise.withResolvers<void>();
    const busy = hashes.run(() => hold.promise);
    const before = hashes.hashed;
    const res = await tryLogIn(t, '203.0.113.1', 'maija', password);
    assert.equal(res.status, 503);
    assert.ok(Number(res.headers.get('retry-after')) >= 1);
    assert.match(await res.text(), /Kirjautumisyrityksiä on juuri nyt tavallista enemmän/);
    assert.equal(hashes.hashed, before, 'a refused try was hashed');
    hold.resolve();
    await busy;
    assert.match(await login(t, 'maija', '203.0.113.1'), /istunto=/);
  });

  test('the flood guard stops the 31st try in a minute from one address before hashing; other addresses go on', async () => {
    const hashes = new CountingQueue();
    t = await testApp({ hashes });
    await addStaff(t);
    for (let i = 0; i < 30; i++) assert.equal((await tryLogIn(t, '203.0.113.7', `kuka${i}`)).status, 401);
    const hashed = hashes.hashed;
    const refused = await tryLogIn(t, '203.0.113.7', 'maija', password);
    assert.equal(refused.status, 429);
    assert.ok(Number(refused.headers.get('retry-after')) > 0);
    assert.equal(hashes.hashed, hashed, 'the refused try was hashed');
    // Never a lock-out: another address logs in, and this one again once the minute is over.
    assert.match(await login(t, 'maija', '203.0.113.8'), /istunto=/);
    t.clock.now = new Date(t.clock.now.getTime() + 61_000);
    assert.match(await login(t, 'maija', '203.0.113.7'), /istunto=/);
  });

  test('a try while the account is locked is refused without hashing', async () => {
    const hashes = new CountingQueue();
    t = await testApp({ hashes });
    await addStaff(t);
    let locked = false;
    for (let i = 0; i < 20 && !locked; i++) {
      const before = hashes.hashed;
      assert.equal((await tryLogIn(t, '203.0.113.9')).status, 401);
      locked = hashes.hashed === before;
    }
    assert.ok(locked, 'twenty wrong passwords never locked the account, or every try was hashed');
    const before = hashes.hashed;
    assert.equal((await tryLogIn(t, '203.0.113.9', 'maija', password)).status, 401);
    assert.equal(hashes.hashed, before);
  });
});
