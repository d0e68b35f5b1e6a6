/**
 * The benchmark's floor: the same HTTP stack (Hono on @hono/node-server) answering a posted JSON body only
 * after a group-committed, fsync'd append of one JSON line. Nothing the product does can be cheaper than this
 * and still durable. Run as its own process: `node tests/bench/floor.ts <file>`; it prints its address.
 */
import { open } from 'node:fs/promises';
import { serve } from '@hono/node-server';
import { Hono } from 'hono';

const path = process.argv[2];
if (!path) throw new Error('usage: node tests/bench/floor.ts <file>');
const file = await open(path, 'a', 0o600);

let waiting: { line: string; done: () => void; failed: (error: unknown) => void }[] = [];
let flushing = false;

async function flush(): Promise<void> {
  flushing = true;
  while (waiting.length > 0) {
    const batch = waiting;
    waiting = [];
    try {
      await file.write(batch.map((w) => w.line).join(''));
      await file.datasync();
      for (const w of batch) w.done();
    } catch (error) {
      for (const w of batch) w.failed(error);
    }
  }
  flushing = false;
}

function append(line: string): Promise<void> {
  return new Promise((done, failed) => {
    waiting.push({ line, done, failed });
    if (!flushing) void flush();
  });
}

let count = 0;
const app = new Hono().post('/api/requests', async (c) => {
  const body = await c.req.json();
  count += 1;
  await append(`${JSON.stringify({ n: count, body })}\n`);
  return c.json({ reference: `TS-2026-${String(count).padStart(5, '0')}` }, 201);
});
app.get('/api/health', (c) => c.json({ ok: true }));

serve({ fetch: app.fetch, hostname: '127.0.0.1', port: 0 }, (info) => console.log(`listening on http://127.0.0.1:${info.port}/`));
process.once('SIGTERM', () => process.exit(0));
