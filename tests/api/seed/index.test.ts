/** `npm run seed`: clearly fake data in the shape real data has, and never over real data. */
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterEach, beforeEach, test } from 'node:test';
import { collections } from '../../../api/collections.ts';
import { mailJobs } from '../../../api/mail/jobs.ts';
import { marketingBans, requests } from '../../../api/requests/collections.ts';
import { daysLeft } from '../../../api/requests/deadline.ts';
import { deadlineOf, isOpen } from '../../../api/requests/pressure.ts';
import { statuses } from '../../../api/requests/record.ts';
import { parseReference } from '../../../api/requests/reference.ts';
import { requestTypes } from '../../../api/requests/types.ts';
import { seed } from '../../../api/seed/index.ts';
import { Store } from '../../../api/store/store.ts';
import { tempDataDir } from '../../fixtures/items.ts';

const cli = fileURLToPath(new URL('../../../api/seed/cli.ts', import.meta.url));
const now = new Date('2026-11-26T10:00:00Z');

let dataDir: string;
let remove: () => Promise<void>;
beforeEach(async () => ({ dataDir, remove } = await tempDataDir()));
afterEach(() => remove());

test('fills an empty store with requests of every type and status over 36 months, with their events, and bans', async () => {
  const store = await Store.open(dataDir, collections);
  const result = await seed(store, { requests: 1500, bans: 2000, now });
  await store.close();
  const disk = await Store.read(dataDir, collections);
  const all = disk.list(requests);
  assert.equal(all.length, 1500);
  assert.equal(result.requests, 1500);
  assert.equal(disk.list(marketingBans).length, 2000);
  assert.deepEqual(disk.list(mailJobs), [], 'the mail queue is not empty');
  assert.deepEqual(new Set(all.map((r) => r.type)), new Set(requestTypes));
  assert.deepEqual(new Set(all.map((r) => r.status)), new Set(statuses));

  const oldest = Math.min(...all.map((r) => Date.parse(r.createdAt)));
  assert.ok(now.getTime() - oldest > 34 * 30 * 86_400_000 && now.getTime() - oldest <= 36 * 31 * 86_400_000, 'not spread over 36 months');
  assert.ok(all.some((r) => isOpen(r) && daysLeft(deadlineOf(r) ?? '', now) < 0), 'no overdue request');
  assert.ok(all.some((r) => r.extension), 'no extended request');
  for (const r of all.filter((r) => r.status === 'awaiting_confirmation')) {
    assert.ok(Date.parse(r.confirmBy ?? '') > now.getTime(), `${r.reference} is unconfirmed past its week`);
  }
  for (const r of all) {
    assert.match(r.subject.email, /@example\.(fi|invalid)$/);
    if (r.subject.name) assert.match(r.subject.name, /^Testi \d+$/);
    assert.equal(r.events[0]?.action, 'submitted');
    if (r.decision) assert.ok(r.events.some((e) => e.action === (r.status === 'completed' ? 'complete' : r.status === 'rejected' ? 'reject' : 'forward')));
  }
  for (const ban of disk.list(marketingBans)) assert.match(ban.email, /@example\.(fi|invalid)$/);

  // References run 1, 2, 3 … within each year, in the order the requests came.
  const byYear = new Map<number, number[]>();
  for (const r of [...all].sort((a, b) => a.createdAt.localeCompare(b.createdAt))) {
    const { year, sequence } = parseReference(r.reference) ?? { year: 0, sequence: 0 };
    byYear.set(year, [...(byYear.get(year) ?? []), sequence]);
  }
  for (const [year, sequence] of byYear) assert.deepEqual(sequence, sequence.map((_, i) => i + 1), `references of ${year}`);
});

test('makes the same data from the same seed', async () => {
  const made = [];
  for (const dir of [dataDir, `${dataDir}-2`]) {
    const store = await Store.open(dir, collections);
    await seed(store, { requests: 200, bans: 10, now, seed: 7 });
    made.push([...store.view(requests).values()].map((r) => [r.reference, r.type, r.status, r.createdAt, r.dueAt]));
    await store.close();
  }
  assert.deepEqual(made[0], made[1]);
});

test('the command refuses a data directory that already has data, and changes nothing', async () => {
  const run = (args: string[]) => promisify(execFile)(process.execPath, [cli, ...args], { env: { ...process.env, DATA_DIR: dataDir } });
  const first = await run(['--requests', '20', '--bans', '30']);
  assert.match(first.stdout, /20 requests .* and 30 marketing bans/);
  const before = (await Store.read(dataDir, collections)).list(requests);
  await assert.rejects(run(['--requests', '5', '--bans', '0']), (error: { code: number; stderr: string }) => {
    assert.equal(error.code, 1);
    assert.match(error.stderr, /already has data/);
    return true;
  });
  assert.deepEqual((await Store.read(dataDir, collections)).list(requests), before);
  await assert.rejects(run(['--requests', 'paljon']), /--requests must be a whole number/);
});
