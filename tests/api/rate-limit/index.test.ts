import assert from 'node:assert/strict';
import { test } from 'node:test';
import { Hono } from 'hono';
import { errorHandler } from '../../../api/errors.ts';
import { rateLimit } from '../../../api/rate-limit/index.ts';

function app(clock: { now: number }) {
  const limited = new Hono();
  limited.use(rateLimit({ limit: 3, windowMs: 60_000, key: (c) => c.req.header('x-client') ?? '', now: () => clock.now }));
  limited.post('/', (c) => c.text('ok'));
  limited.onError(errorHandler(async (c, _page, status) => c.text('refused', status ?? 200)));
  return (client: string) => limited.request('/', { method: 'POST', headers: { 'x-client': client, accept: 'application/json' } });
}

test('lets each client make `limit` requests a window, then answers 429 with the seconds to wait', async () => {
  const clock = { now: 0 };
  const post = app(clock);
  for (let i = 0; i < 3; i++) assert.equal((await post('a')).status, 200);
  clock.now = 15_000;
  const refused = await post('a');
  assert.equal(refused.status, 429);
  assert.equal(refused.headers.get('retry-after'), '45');
  assert.equal((await post('b')).status, 200, 'another client was limited too');
});

test('gives a client a new window once its window is over, while the clients after it keep theirs', async () => {
  const clock = { now: 0 };
  const post = app(clock);
  for (let i = 0; i < 3; i++) await post('a');
  clock.now = 30_000;
  for (let i = 0; i < 3; i++) await post('b');
  clock.now = 60_000;
  assert.equal((await post('a')).status, 200, 'a finished window still counted');
  assert.equal((await post('b')).status, 429, "b's window was forgotten with a's");
  clock.now = 90_000;
  assert.equal((await post('b')).status, 200);
});
