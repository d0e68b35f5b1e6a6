/** Mail leaves from the durable queue in the background: a slow or dead mail server never holds up an answer. */
import assert from 'node:assert/strict';
import { afterEach, test } from 'node:test';
import { mailJobs } from '../../../api/mail/jobs.ts';
import type { Mail } from '../../../api/mail/transport.ts';
import { testApp, type TestApp } from '../../fixtures/app.ts';
import { erasure, postJson } from '../../fixtures/post.ts';

let t: TestApp;
afterEach(() => t.close());

/** A mail server that takes nothing until told to. */
function heldMailer() {
  const gate = Promise.withResolvers<void>();
  const sent: Mail[] = [];
  let attempts = 0;
  return {
    sent,
    attempts: () => attempts,
    open: () => gate.resolve(),
    mailer: { send: async (mail: Mail) => void (attempts++, await gate.promise, sent.push(mail)), close: () => {} },
  };
}

test('a submission is answered while its mail is still on its way, and the mail goes out after', async () => {
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

test('on shutdown the mails still waiting stay in the durable queue, and only those under way are waited for', async () => {
  const held = heldMailer();
  t = await testApp({ mailer: held.mailer });
  for (let i = 0; i < 6; i++) assert.equal((await postJson(t.app, '/api/requests', { ...erasure, email: `k${i}@example.fi` })).status, 201);
  const stopped = t.postman.stop();
  held.open();
  await stopped;
  assert.equal(held.attempts(), 2, 'more than the two mails under way were tried');
  assert.equal([...t.store.view(mailJobs).values()].length, 4);
});
