/** Mail leaves from the durable queue in the background: a slow or dead mail server never holds up an answer. */
import assert from 'node:assert/strict';
import { afterEach, test } from 'node:test';
import { mailJobs } from '../../../api/mail/jobs.ts';
import { mailsPerSecond } from '../../../api/mail/postman.ts';
import type { Mail } from '../../../api/mail/transport.ts';
import { testApp, type TestApp } from '../../fixtures/app.ts';
import { erasure, postJson } from '../../fixtures/post.ts';

let t: TestApp;
/** The held mail server of the test, let go before closing so that a failed test still ends. */
let release: (() => void) | undefined;
afterEach(async () => {
  release?.();
  release = undefined;
  await t.close();
});

/** A mail server that takes nothing until told to. */
function heldMailer() {
  const gate = Promise.withResolvers<void>();
  const sent: Mail[] = [];
  let attempts = 0;
  release = () => gate.resolve();
  return {
    sent,
    attempts: () => attempts,
    open: () => gate.resolve(),
    mailer: { send: async (mail: Mail) => void (attempts++, await gate.promise, sent.push(mail)), close: () => {} },
  };
}

// A submission that waited for its mail would never be answered: the timeout turns that into a failure.
test('a submission is answered while its mail is still on its way, and the mail goes out after', { timeout: 10_000 }, async () => {
  const held = heldMailer();
  t = await testApp({ mailer: held.mailer });
  const res = await postJson(t.app, '/api/requests', erasure);
  assert.equal(res.status, 201);
  assert.equal(held.sent.length, 0);
  assert.equal([...t.store.view(mailJobs).values()].length, 1, 'the mail is not in the durable queue');
  held.open();
  await t.postman.idle();
  assert.equal(held.sent[0]?.to, erasure.email);
  assert.deepEqual([...t.store.view(mailJobs).values()], [], 'a sent mail stayed in the queue');
});

test('on shutdown the mails still waiting stay in the durable queue, and only those under way are waited for', { timeout: 10_000 }, async () => {
  const held = heldMailer();
  t = await testApp({ mailer: held.mailer });
  for (let i = 0; i < 6; i++) assert.equal((await postJson(t.app, '/api/requests', { ...erasure, email: `k${i}@example.fi` })).status, 201);
  const stopped = t.postman.stop();
  held.open();
  await stopped;
  const tried = held.attempts();
  assert.ok(tried >= 1 && tried <= 2, `${tried} mails were tried: more than those under way`);
  assert.equal([...t.store.view(mailJobs).values()].length, 6 - tried);
});

test(`a burst of mails leaves at most ${mailsPerSecond} a second, all of them in the end`, async () => {
  const starts: number[] = [];
  t = await testApp({ mailer: { send: async () => void starts.push(performance.now()), close: () => {} } });
  for (let i = 0; i < 10; i++) await postJson(t.app, '/api/requests', { ...erasure, email: `k${i}@example.fi` });
  await t.postman.idle();
  assert.equal(starts.length, 10);
  const spanMs = (starts.at(-1) ?? 0) - (starts[0] ?? 0);
  assert.ok(spanMs >= (9 * 1000) / mailsPerSecond - 5, `10 mails left within ${Math.round(spanMs)} ms`);
  assert.deepEqual([...t.store.view(mailJobs).values()], []);
});
