/** The server process itself: one per data directory, a corrupt store reported and kept, and no acknowledged request lost to a crash. */
import assert from 'node:assert/strict';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, test } from 'node:test';
import { collections } from '../../api/collections.ts';
import { requests } from '../../api/requests/collections.ts';
import { seed } from '../../api/seed/index.ts';
import { Store } from '../../api/store/store.ts';
import { isRunning, startServer, stop, type Child } from '../fixtures/server.ts';

let dataDir: string;
const running: Child[] = [];
beforeEach(async () => {
  dataDir = await mkdtemp(join(tmpdir(), 'tietosuoja-main-'));
});
afterEach(async () => {
  await Promise.all(running.splice(0).map((child) => stop(child, 'SIGKILL')));
  await rm(dataDir, { recursive: true, force: true });
  await rm(`${dataDir}-backups`, { recursive: true, force: true });
});

async function start(env?: Record<string, string>): Promise<Child> {
  const result = await startServer(dataDir, env);
  assert.ok(isRunning(result), `the server did not start: ${'stderr' in result ? result.stderr : ''}`);
  running.push(result);
  return result;
}

test('a second server on the same DATA_DIR refuses to start', async () => {
  await start();
  const second = await startServer(dataDir);
  assert.ok(!isRunning(second), 'the second server started');
  assert.equal(second.code, 1);
  assert.match(second.stderr, /DATA_DIR|data director/i);
  assert.match(second.stderr, new RegExp(dataDir.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')));
});

for (const [what, content] of [
  ['empty', ''],
  ['truncated', '{"version":1,"requests":[{"id":"a'],
  ['unparsable', 'tämä ei ole JSONia'],
] as const) {
  test(`an ${what} db.json stops the start with a clear error and is never overwritten`, async () => {
    await mkdir(dataDir, { recursive: true });
    await writeFile(join(dataDir, 'db.json'), content);
    const result = await startServer(dataDir);
    assert.ok(!isRunning(result), 'the server started on a corrupt store');
    assert.equal(result.code, 1);
    assert.match(result.stderr, /db\.json/);
    assert.equal(await readFile(join(dataDir, 'db.json'), 'utf8'), content);
  });
}

test('every request acknowledged with 201 survives SIGKILL mid-burst, on a store of 10,000 requests', { timeout: 300_000 }, async (t) => {
  const rounds = 3;
  const burst = 200;
  let acknowledged = 0;
  let found = 0;
  const seeded = await Store.open(dataDir, collections, { log: () => {} });
  await seed(seeded, { requests: 10_000, bans: 10_000, now: new Date() });
  await seeded.close();
  for (let round = 1; round <= rounds; round++) {
    const server = await start({ TRUST_PROXY: 'true' });
    const references: string[] = [];
    // Kill at a different point each round, with requests in every stage of their life.
    const killAt = 60 + round * 20;
    let killed = false;
    let attempted = 0;
    const send = async (i: number) => {
      try {
        const res = await fetch(`${server.url}/api/requests`, {
          method: 'POST',
          headers: { 'Content-Type': 'application/json', Origin: 'http://localhost:4321', 'X-Forwarded-For': `10.${round}.${i >> 8}.${i & 255}` },
          body: JSON.stringify({ type: 'erasure', name: `Testi ${round}-${i}`, email: `crash${round}.${i}@example.fi`, relation: 'private' }),
        });
        if (res.status === 201) references.push(((await res.json()) as { reference: string }).reference);
        else await res.arrayBuffer();
      } catch {
        // The server died under this request: it was never acknowledged.
      }
      if (!killed && references.length >= killAt) {
        killed = true;
        await stop(server, 'SIGKILL');
      }
    };
    // 200 submissions, 25 at a time, so the kill lands mid-stream.
    let next = 0;
    const worker = async () => {
      while (next < burst) {
        attempted += 1;
        await send(next++);
      }
    };
    await Promise.all(Array.from({ length: 25 }, worker));
    assert.ok(killed, 'the server was never killed');

    const restarted = await start({ TRUST_PROXY: 'true' });
    const stored = new Set(Array.from((await Store.read(dataDir, collections)).view(requests).values(), (r) => r.reference));
    assert.ok(stored.size >= 10_000, 'the seeded requests are gone');
    const lost = references.filter((reference) => !stored.has(reference));
    acknowledged += references.length;
    found += references.length - lost.length;
    t.diagnostic(`round ${round}: ${attempted} sent, ${references.length} acknowledged, ${references.length - lost.length} found after restart`);
    assert.ok(references.length < burst, 'every request was answered before the kill');
    assert.deepEqual(lost, [], `round ${round} lost acknowledged requests`);
    assert.equal(new Set(references).size, references.length, 'a reference was given twice');
    await stop(restarted);
    running.splice(0);
  }
  t.diagnostic(`${rounds} rounds: ${acknowledged} acknowledged, ${found} found after restart`);
});
