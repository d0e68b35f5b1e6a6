/**
 * `npm run bench` (not part of `npm test`): the real server on 127.0.0.1, on stores seeded with 0, 1,000 and
 * 10,000 requests (the last two with 100,000 marketing bans), each driven by autocannon at 1 and 32 clients
 * posting valid access requests as JSON, each request from its own address behind TRUST_PROXY. In the same
 * run the floor (tests/bench/floor.ts: the same HTTP stack answering after a group-committed, fsync'd append)
 * is measured the same way, and every row is given as a ratio to it: machines here are noisy, ratios less so.
 * Prints one table, writes the same as JSON to tests/bench/results.json, and checks the targets of the store
 * issue; exits 1 when one is missed. Last, a static page is read by one client at rest and then during a log-in
 * flood (the hostile-requests issue: the flood must not make readers wait). Then every staff page, read by one
 * logged-in admin (password and TOTP code) on 10,000 requests, 100,000 bans and 100,000 audit lines: its HTML
 * size and time (the staff-at-scale issue: under 200 KB and within 100 ms). BENCH_SECONDS sets the length of
 * each load measurement (default 10).
 */
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';
import autocannon from 'autocannon';
import { Secret, TOTP } from 'otpauth';
import { SMTPServer } from 'smtp-server';
import { collections } from '../../api/collections.ts';
import { marketingBans, requests } from '../../api/requests/collections.ts';
import { StaffAccounts } from '../../api/staff/accounts.ts';
import { hashPassword } from '../../api/staff/password.ts';
import { newSecret } from '../../api/staff/totp.ts';
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

/** One staff page as measured: its HTML (uncompressed) and the time of each of `staffReads` reads by one client. */
type StaffPageRow = { page: string; bytes: number; p50: number; max: number; p50Ratio: number };
const staffReads = 20;
const staffPassword = 'benchmark: pitkä ja hyvä salasana';

/**
 * A chained audit log of `n` lines in the shape the staff area writes (views and actions on references), as a
 * busy year leaves it: written at once, as AuditLog would line by line.
 */
async function auditLog(dataDir: string, n: number): Promise<void> {
  const { createHash } = await import('node:crypto');
  const lines: string[] = [];
  let prev = '';
  for (let i = 0; i < n; i++) {
    const line = JSON.stringify({ at: new Date(Date.now() - (n - i) * 60_000).toISOString(), actor: i % 3 ? 'kasittelija' : 'paakayttaja', action: i % 5 ? 'view_request' : 'complete', id: `TS-2026-${String(i % 10_000).padStart(5, '0')}`, address: '192.0.2.10', prev });
    lines.push(line);
    prev = createHash('sha256').update(line).digest('base64url');
  }
  await writeFile(join(dataDir, 'audit.jsonl'), `${lines.join('\n')}\n`, { mode: 0o600 });
}

/** Logs in as an admin with password and TOTP code, as a browser posts the form; returns the session cookie. */
async function staffLogIn(url: string, secret: string): Promise<string> {
  const code = new TOTP({ secret: Secret.fromBase32(secret), digits: 6, period: 30, algorithm: 'SHA1' }).generate();
  const res = await fetch(`${url}/henkilosto/kirjaudu`, {
    method: 'POST',
    redirect: 'manual',
    headers: { Origin: publicUrl, 'Content-Type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ username: 'paakayttaja', password: staffPassword, code }).toString(),
  });
  if (res.status !== 303) throw new Error(`bench: the staff log-in answered ${res.status}`);
  return (res.headers.get('set-cookie') ?? '').split(';')[0] ?? '';
}

/** The median and the slowest of `staffReads` calls of `read`, one after another, after one to warm up. */
async function timed(read: () => Promise<number>): Promise<{ p50: number; max: number; bytes: number }> {
  await read();
  const times: number[] = [];
  let bytes = 0;
  for (let i = 0; i < staffReads; i++) {
    const started = performance.now();
    bytes = await read();
    times.push(performance.now() - started);
  }
  times.sort((a, b) => a - b);
  return { p50: times[Math.floor(times.length / 2)] ?? 0, max: times.at(-1) ?? 0, bytes };
}

/** The floor read the same way as the staff pages: one client's fsync'd appends, one after another. */
async function floorOfOne(dir: string): Promise<number> {
  const floor = await startChild([floorPath, join(dir, 'floor-staff.jsonl')]);
  try {
    const post = async () => {
      const res = await fetch(`${floor.url}/api/requests`, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: '{"type":"access"}' });
      return (await res.arrayBuffer()).byteLength;
    };
    return (await timed(post)).p50;
  } finally {
    await floor.stop();
  }
}

/** Reads each staff page as a logged-in browser would (without compression: the HTML's own size). */
async function measureStaffPages(url: string, cookie: string, paths: string[], floorP50: number): Promise<StaffPageRow[]> {
  const rows: StaffPageRow[] = [];
  for (const path of paths) {
    const read = async () => {
      const res = await fetch(`${url}${path}`, { headers: { Cookie: cookie, Accept: 'text/html', 'Accept-Encoding': 'identity' } });
      const body = await res.arrayBuffer();
      if (res.status !== 200) throw new Error(`bench: ${path} answered ${res.status}`);
      return body.byteLength;
    };
    const { p50, max, bytes } = await timed(read);
    rows.push({ page: path, bytes, p50, max, p50Ratio: p50 / floorP50 });
  }
  return rows;
}

const fixed = (value: number, digits = 1) => value.toFixed(digits);

const rows: Row[] = [];
let pageAtRest: Measurement | undefined;
let pageInFlood: Measurement | undefined;
let floodStatuses: Record<string, number> = {};
let staffRows: StaffPageRow[] = [];
let staffFloorP50 = 0;
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
  process.stderr.write('bench: the staff pages on 10,000 requests, 100,000 bans and 100,000 audit lines …\n');
  {
    const { dataDir, remove } = await seeded(10_000, 100_000);
    try {
      const store = await Store.open(dataDir, collections, { log: () => {} });
      const sample = [...store.view(requests).values()].find((r) => r.subject.email && r.status !== 'awaiting_confirmation');
      const ban = [...store.view(marketingBans).values()][50_000];
      await store.close();
      if (!sample?.subject.email || !ban) throw new Error('bench: the seeded store has no request with an address, or too few bans');
      await auditLog(dataDir, 100_000);
      const secret = newSecret();
      const accounts = new StaffAccounts(dataDir);
      await accounts.add('paakayttaja', await hashPassword(staffPassword), new Date(), 'admin');
      await accounts.enrolTotp('paakayttaja', secret, new Date(), []);
      const server = await startChild([...serverFlags, mainPath], { PORT: '0', HOST: '127.0.0.1', DATA_DIR: dataDir, BACKUP_DIR: join(dataDir, '..', 'backups'), PUBLIC_URL: publicUrl, SMTP_URL: sink.url });
      try {
        const cookie = await staffLogIn(server.url, secret);
        const floorP50 = await floorOfOne(floorDir);
        staffFloorP50 = floorP50;
        staffRows = await measureStaffPages(
          server.url,
          cookie,
          [
            '/henkilosto/',
            '/henkilosto/?sivu=100',
            '/henkilosto/?jarjestys=uusin&tila=completed',
            `/henkilosto/?haku=${encodeURIComponent(` ${sample.subject.email.toUpperCase()} `)}`,
            `/henkilosto/?haku=${sample.reference.slice(-5)}`,
            `/henkilosto/pyynnot/${sample.reference}`,
            '/henkilosto/markkinointikiellot',
            '/henkilosto/markkinointikiellot?sivu=1000',
            `/henkilosto/markkinointikiellot?haku=${encodeURIComponent(ban.email.slice(0, 8))}`,
            '/henkilosto/loki',
            '/henkilosto/loki?sivu=1000&tapahtuma=complete',
            '/henkilosto/tilastot',
            `/henkilosto/tilastot?vuosi=${new Date().getFullYear() - 1}`,
            `/henkilosto/tilastot?vuosi=${new Date().getFullYear() - 1}&kuukausi=6`,
            `/henkilosto/tilastot.csv?vuosi=${new Date().getFullYear() - 1}`,
            '/henkilosto/oma-tili',
            '/henkilosto/kayttajat',
            '/henkilosto/pyynnot.csv',
            '/henkilosto/markkinointikiellot.csv',
          ],
          floorP50,
        );
      } finally {
        await server.stop();
      }
    } finally {
      await remove();
    }
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
console.log(`\nThe staff pages on 10,000 requests, 100,000 bans and 100,000 audit lines (one client, 20 reads each; × floor: to the bare fsync'd append read the same way, p50 ${fixed(staffFloorP50, 2)} ms):`);
const staffTable = [['page', 'bytes', 'p50 ms', '× floor', 'max ms'], ...staffRows.map((r) => [r.page, String(r.bytes), fixed(r.p50), `${fixed(r.p50Ratio)}x`, fixed(r.max)])];
const staffWidths = staffTable[0]?.map((_, i) => Math.max(...staffTable.map((cells) => (cells[i] ?? '').length))) ?? [];
for (const cells of staffTable) console.log(cells.map((cell, i) => cell.padEnd(staffWidths[i] ?? 0)).join('  '));
const htmlRows = staffRows.filter((r) => !r.page.includes('.csv'));
const statisticsRows = staffRows.filter((r) => r.page.startsWith('/henkilosto/tilastot'));
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
  {
    target: 'every staff page under 200 KB of HTML (10,000 requests, 100,000 bans)',
    value: `largest ${Math.max(...htmlRows.map((r) => r.bytes))} bytes`,
    met: htmlRows.length > 0 && htmlRows.every((r) => r.bytes < 200 * 1024),
  },
  {
    target: 'every staff page answers within 100 ms (p50 of 20 reads)',
    value: `slowest ${fixed(Math.max(...htmlRows.map((r) => r.p50)))} ms`,
    met: htmlRows.length > 0 && htmlRows.every((r) => r.p50 <= 100),
  },
  {
    target: 'the statistics within 200 ms (p50 of 20 reads; page and CSV, 10,000 requests, 100,000 bans)',
    value: `slowest ${fixed(Math.max(...statisticsRows.map((r) => r.p50)))} ms`,
    met: statisticsRows.length > 0 && statisticsRows.every((r) => r.p50 <= 200),
  },
  { target: 'no refused or failed request', value: String(rows.reduce((sum, r) => sum + r.non2xx + r.errors, 0)), met: rows.every((r) => r.non2xx + r.errors === 0) },
];
console.log('');
for (const t of targets) console.log(`${t.met ? 'met   ' : 'MISSED'}  ${t.target}: ${t.value}`);
await writeFile(resultsPath, `${JSON.stringify({ at: new Date().toISOString(), seconds, rows, pageAtRest, pageInFlood, floodStatuses, staffFloorP50, staffRows, targets }, null, 2)}\n`);
console.log(`\nThe same as JSON: ${resultsPath}`);
if (targets.some((t) => !t.met)) process.exitCode = 1;
