/**
 * `npm run bench` (not part of `npm test`): the real server on 127.0.0.1, on stores seeded with 0, 1,000 and
 * 10,000 requests (the last two with 100,000 marketing bans), each driven by autocannon at 1 and 32 clients
 * posting valid access requests as JSON, each request from its own address behind TRUST_PROXY. In the same
 * run the floor (tests/bench/floor.ts: the same HTTP stack answering after a group-committed, fsync'd append)
 * is measured the same way, and every row is given as a ratio to it: machines here are noisy, ratios less so.
 * Prints one table, writes the same as JSON to tests/bench/results.json, and checks the targets of the store
 * issue; exits 1 when one is missed. Last, a static page is read by one client at rest and then during a log-in
 * flood (the hostile-requests issue: the flood must not make readers wait). BENCH_SECONDS sets the length of
 * each measurement (default 10).
 */
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';
import autocannon from 'autocannon';
import { SMTPServer } from 'smtp-server';
import { collections } from '../../api/collections.ts';
import { seed } from '../../api/seed/index.ts';
import { Store } from '../../api/store/store.ts';

const seconds = Number(process.env.BENCH_SECONDS ?? 10);
const resultsPath = fileURLToPath(new URL('./results.json', import.meta.url));
const mainPath = fileURLToPath(new URL('../../api/main.ts', import.meta.url));
const floorPath = fileURLToPath(new URL('./floor.ts', import.meta.url));
const publicUrl = 'http://localhost:4321';
/** The V8 flags `npm start` runs the server with (package.json, config.serverFlags): the bench runs it the same way. */
const packageJson = JSON.parse(readFileSync(fileURLToPath(new URL('../../package.json', import.meta.url)), 'utf8')) as { config: { serverFlags: string } };
const serverFlags = packageJson.config.serverFlags.split(' ').filter(Boolean);

type Measurement = { requestsPerSecond: number; p50: number; p99: number; max: number; non2xx: number; errors: number };
type Row = Measurement & { store: string; clients: number; rssMb: number; readyMs: number; throughputRatio: number; p99Ratio: number };

type Child = { url: string; pid: number; readyMs: number; stop: () => Promise<void> };

/** Starts a server process and waits for its first successful answer: the time that takes is its start-up time. */
async function startChild(args: string[], env: Record<string, string> = {}): Promise<Child> {
  const started = performance.now();
  const child = spawn(process.execPath, args, { env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  const url = await new Promise<string>((resolve, reject) => {
    const seen = (chunk: Buffer) => {
      output += chunk;
      const port = /listening on http:\/\/127\.0\.0\.1:(\d+)\//.exec(output)?.[1];
      if (port) resolve(`http://127.0.0.1:${port}`);
    };
    child.stdout.on('data', seen);
    child.stderr.on('data', (chunk: Buffer) => (output += chunk));
    child.once('exit', (code) => reject(new Error(`${args.join(' ')} exited with ${code}: ${output}`)));
  });
  for (;;) {
    const ok = await fetch(`${url}/api/health`).then((res) => res.ok, () => false);
    if (ok) break;
    await sleep(5);
  }
  const readyMs = performance.now() - started;
  const stop = () =>
    new Promise<void>((resolve) => {
      if (child.exitCode !== null) return resolve();
      child.once('exit', () => resolve());
      child.kill('SIGTERM');
    });
  return { url, pid: child.pid ?? 0, readyMs, stop };
}

/** Peak resident memory of a process, in MB. */
function peakRssMb(pid: number): number {
  const kb = /VmHWM:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1];
  return Number(kb ?? 0) / 1024;
}

let sent = 0;
/** Posts valid access requests, each from its own address and e-mail, as the form script does. */
async function load(url: string, clients: number, duration: number): Promise<Measurement> {
  const result = await autocannon({
    url,
    connections: clients,
    duration,
    requests: [
      {
        method: 'POST',
        path: '/api/requests',
        setupRequest: (request) => {
          const n = ++sent;
          return {
            ...request,
            headers: {
              'content-type': 'application/json',
              accept: 'application/json',
              origin: publicUrl,
              'x-forwarded-for': `10.${(n >> 16) & 255}.${(n >> 8) & 255}.${n & 255}`,
            },
            body: JSON.stringify({ type: 'access', name: `Testi ${n}`, email: `kuorma${n}@example.invalid`, relation: 'private' }),
          };
        },
      },
    ],
  });
  return {
    requestsPerSecond: result.requests.average,
    p50: result.latency.p50,
    p99: result.latency.p99,
    max: result.latency.max,
    non2xx: result.non2xx,
    errors: result.errors + result.timeouts,
  };
}

/** A static page fetched by one client: what a reader waits. */
async function readPage(url: string, duration: number): Promise<Measurement> {
  const result = await autocannon({ url: `${url}/tietosuojaseloste/`, connections: 1, duration });
  return { requestsPerSecond: result.requests.average, p50: result.latency.p50, p99: result.latency.p99, max: result.latency.max, non2xx: result.non2xx, errors: result.errors + result.timeouts };
}

/**
 * A log-in flood: 60 clients posting wrong passwords as fast as they are answered, each try from its own address
 * (the worst case: the per-address flood guard never meets them). Counts the answers by status.
 */
async function floodLogIn(url: string, duration: number): Promise<Record<string, number>> {
  let n = 0;
  const statuses: Record<string, number> = {};
  const { promise, resolve, reject } = Promise.withResolvers<void>();
  const instance = autocannon(
    {
    url,
    connections: 60,
    duration,
    requests: [
      {
        method: 'POST',
        path: '/henkilosto/kirjaudu',
        setupRequest: (request) => {
          n += 1;
          return {
            ...request,
            headers: { 'content-type': 'application/x-www-form-urlencoded', origin: publicUrl, 'x-forwarded-for': `172.16.${(n >> 8) & 255}.${n & 255}` },
            body: `username=hyokkaaja${n}&password=vaara-salasana-${n}`,
          };
        },
      },
    ],
    },
    (error) => (error ? reject(error) : resolve()),
  );
  instance.on('response', (_client, statusCode) => {
    statuses[statusCode] = (statuses[statusCode] ?? 0) + 1;
  });
  await promise;
  return statuses;
}

async function seeded(requests: number, bans: number): Promise<{ dataDir: string; remove: () => Promise<void> }> {
  const root = await mkdtemp(join(tmpdir(), 'tietosuoja-bench-'));
  const dataDir = join(root, 'data');
  const store = await Store.open(dataDir, collections, { log: () => {} });
  await seed(store, { requests, bans, now: new Date() });
  await store.close();
  return { dataDir, remove: () => rm(root, { recursive: true, force: true }) };
}

/** A mail server that takes every message, so the product mails as in production without a real one. */
async function mailSink(): Promise<{ url: string; received: () => number; close: () => Promise<void> }> {
  let received = 0;
  const server = new SMTPServer({
    authOptional: true,
    disabledCommands: ['STARTTLS'],
    disableReverseLookup: true,
    logger: false,
    onData(stream, _session, done) {
      stream.resume();
      stream.on('end', () => {
        received += 1;
        done();
      });
    },
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.server.address() as { port: number };
  return { url: `smtp://127.0.0.1:${port}`, received: () => received, close: () => new Promise((resolve) => server.close(() => resolve())) };
}

async function measure(store: string, child: Child): Promise<Omit<Row, 'throughputRatio' | 'p99Ratio'>[]> {
  // Warm-up: the JIT and the connection pools, for the floor and the product alike.
  await load(child.url, 32, 2);
  const rows = [];
  for (const clients of [1, 32]) {
    process.stderr.write(`bench: ${store}, ${clients} client${clients > 1 ? 's' : ''} …\n`);
    rows.push({ store, clients, ...(await load(child.url, clients, seconds)), rssMb: 0, readyMs: child.readyMs });
  }
  const rssMb = peakRssMb(child.pid);
  return rows.map((row) => ({ ...row, rssMb }));
}

const fixed = (value: number, digits = 1) => value.toFixed(digits);

const rows: Row[] = [];
let pageAtRest: Measurement | undefined;
let pageInFlood: Measurement | undefined;
let floodStatuses: Record<string, number> = {};
const sink = await mailSink();
const floorDir = await mkdtemp(join(tmpdir(), 'tietosuoja-floor-'));
try {
  const floor = await startChild([floorPath, join(floorDir, 'floor.jsonl')]);
  const floorRows = await measure('floor: fsync\'d append', floor);
  await floor.stop();
  const floorOf = (clients: number) => floorRows.find((row) => row.clients === clients) as (typeof floorRows)[number];
  const ratios = (row: (typeof floorRows)[number]): Row => ({
    ...row,
    throughputRatio: floorOf(row.clients).requestsPerSecond / row.requestsPerSecond,
    p99Ratio: row.p99 / floorOf(row.clients).p99,
  });
  rows.push(...floorRows.map(ratios));

  for (const [label, requests, bans] of [
    ['empty store', 0, 0],
    ['1,000 requests + 100,000 bans', 1_000, 100_000],
    ['10,000 requests + 100,000 bans', 10_000, 100_000],
  ] as const) {
    process.stderr.write(`bench: seeding ${label} …\n`);
    const { dataDir, remove } = await seeded(requests, bans);
    try {
      const server = await startChild([...serverFlags, mainPath], { PORT: '0', HOST: '127.0.0.1', DATA_DIR: dataDir, BACKUP_DIR: join(dataDir, '..', 'backups'), PUBLIC_URL: publicUrl, TRUST_PROXY: 'true', SMTP_URL: sink.url });
      try {
        rows.push(...(await measure(label, server)).map(ratios));
      } finally {
        await server.stop();
      }
    } finally {
      await remove();
    }
  }
  process.stderr.write('bench: a static page at rest, then during a log-in flood …\n');
  const { dataDir, remove } = await seeded(0, 0);
  try {
    const server = await startChild([...serverFlags, mainPath], { PORT: '0', HOST: '127.0.0.1', DATA_DIR: dataDir, BACKUP_DIR: join(dataDir, '..', 'backups'), PUBLIC_URL: publicUrl, TRUST_PROXY: 'true', SMTP_URL: sink.url });
    try {
      await readPage(server.url, 2);
      pageAtRest = await readPage(server.url, seconds);
      const flood = floodLogIn(server.url, seconds + 2);
      await sleep(1000);
      pageInFlood = await readPage(server.url, seconds);
      floodStatuses = await flood;
    } finally {
      await server.stop();
    }
  } finally {
    await remove();
  }
} finally {
  await rm(floorDir, { recursive: true, force: true });
  await sink.close();
}

const header = ['store', 'clients', 'req/s', '× floor', 'p50 ms', 'p99 ms', 'p99 × floor', 'max ms', 'peak RSS MB', 'ready ms', 'non-2xx'];
const table = [
  header,
  ...rows.map((r) => [
    r.store,
    String(r.clients),
    fixed(r.requestsPerSecond, 0),
    r.store.startsWith('floor') ? '1' : `${fixed(r.throughputRatio, 2)}x slower`,
    fixed(r.p50),
    fixed(r.p99),
    fixed(r.p99Ratio, 2),
    fixed(r.max),
    fixed(r.rssMb, 0),
    fixed(r.readyMs, 0),
    String(r.non2xx + r.errors),
  ]),
];
const widths = header.map((_, i) => Math.max(...table.map((cells) => (cells[i] ?? '').length)));
console.log(table.map((cells) => `| ${cells.map((cell, i) => cell.padEnd(widths[i] ?? 0)).join(' | ')} |`).join('\n'));
const rest = pageAtRest as Measurement;
const flooded = pageInFlood as Measurement;
console.log(`\nA static page (/tietosuojaseloste/, one reader) at rest: p50 ${fixed(rest.p50)} ms, p99 ${fixed(rest.p99)} ms, ${fixed(rest.requestsPerSecond, 0)} req/s;`);
console.log(`during a log-in flood (60 clients, each try from its own address): p50 ${fixed(flooded.p50)} ms, p99 ${fixed(flooded.p99)} ms, ${fixed(flooded.requestsPerSecond, 0)} req/s.`);
console.log(`The flood's answers by status: ${Object.entries(floodStatuses).map(([status, count]) => `${status} × ${count}`).join(', ')} (503: the line of password hashes was full).`);
console.log(`\n${sink.received()} mails were delivered to the local mail server during the run, in the background.`);

const find = (store: string, clients: number) => rows.find((r) => r.store.startsWith(store) && r.clients === clients) as Row;
const big32 = find('10,000', 32);
const big1 = find('10,000', 1);
const empty32 = find('empty', 32);
const floor32 = find('floor', 32);
const targets = [
  { target: 'throughput within 5x of the floor (10,000 + 100,000, 32 clients)', value: `${fixed(big32.throughputRatio, 2)}x`, met: big32.throughputRatio <= 5 },
  {
    target: `p99 at most max(50 ms, 3x the floor's p99 = ${fixed(3 * floor32.p99)} ms)`,
    value: `${fixed(big32.p99)} ms`,
    met: big32.p99 <= Math.max(50, 3 * floor32.p99),
  },
  {
    target: 'at most 1.5x slower than on an empty store (32 clients)',
    value: `${fixed(empty32.requestsPerSecond / big32.requestsPerSecond, 2)}x`,
    met: empty32.requestsPerSecond / big32.requestsPerSecond <= 1.5,
  },
  { target: 'one client p50 at most 20 ms', value: `${fixed(big1.p50)} ms`, met: big1.p50 <= 20 },
  { target: 'ready within 2 s of start', value: `${fixed(big32.readyMs, 0)} ms`, met: big32.readyMs <= 2000 },
  { target: 'server RSS at most 250 MB', value: `${fixed(big32.rssMb, 0)} MB`, met: big32.rssMb <= 250 },
  {
    target: 'a static page during a log-in flood: p99 at most max(20 ms, 3x its p99 at rest)',
    value: `${fixed(flooded.p99)} ms (at rest ${fixed(rest.p99)} ms)`,
    met: flooded.p99 <= Math.max(20, 3 * rest.p99) && flooded.non2xx + flooded.errors === 0,
  },
  { target: 'no refused or failed request', value: String(rows.reduce((sum, r) => sum + r.non2xx + r.errors, 0)), met: rows.every((r) => r.non2xx + r.errors === 0) },
];
console.log('');
for (const t of targets) console.log(`${t.met ? 'met   ' : 'MISSED'}  ${t.target}: ${t.value}`);
await writeFile(resultsPath, `${JSON.stringify({ at: new Date().toISOString(), seconds, rows, pageAtRest, pageInFlood, floodStatuses, targets }, null, 2)}\n`);
console.log(`\nThe same as JSON: ${resultsPath}`);
if (targets.some((t) => !t.met)) process.exitCode = 1;
