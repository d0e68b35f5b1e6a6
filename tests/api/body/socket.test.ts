/**
 * Bodies over real connections to the real server (api/main.ts): a post over its limit gets its 413 every
 * time, never a reset, and says `Connection: close`, so the client's next request never meets a dead socket; a
 * refusal given before the body is read keeps the connection alive; a post of megabytes is no 5xx, and the
 * server neither reads it whole nor stops answering.
 */
import assert from 'node:assert/strict';
import { readFile, mkdtemp, rm } from 'node:fs/promises';
import { Agent, request, type IncomingHttpHeaders } from 'node:http';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { after, before, describe, test } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { StaffAccounts } from '../../../api/staff/accounts.ts';
import { hashPassword } from '../../../api/staff/password.ts';
import { isRunning, startServer, stop, type Child } from '../../fixtures/server.ts';
import { password, totpCode, totpSecret } from '../../fixtures/staff.ts';

const origin = 'http://localhost:4321';
let dataDir: string;
let server: Child;
let cookie: string;
/** Behind TRUST_PROXY each post names its own address, so that no rate limit answers before the body is read. */
let address = 0;
const nextAddress = () => ((address += 1), `198.51.${address >> 8}.${address & 255}`);

type Answer = { status: number; headers: IncomingHttpHeaders; text: string } | { error: string };

/** A POST of `body` (a size sends that many bytes, chunked when `chunked`) over `agent`. */
function post(agent: Agent, path: string, body: string | number, options: { chunked?: boolean; headers?: Record<string, string> } = {}): Promise<Answer> {
  const size = typeof body === 'number' ? body : Buffer.byteLength(body);
  const headers: Record<string, string> = {
    Origin: origin,
    'Content-Type': 'application/x-www-form-urlencoded',
    'X-Forwarded-For': nextAddress(),
    Cookie: cookie,
    ...(options.chunked ? {} : { 'Content-Length': String(size) }),
    ...options.headers,
  };
  return new Promise((resolve) => {
    const req = request({ host: '127.0.0.1', port: server.port, path, method: 'POST', agent, headers }, (res) => {
      let text = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => (text += chunk));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, text }));
      res.on('error', (error: NodeJS.ErrnoException) => resolve({ error: error.code ?? error.message }));
    });
    req.on('error', (error: NodeJS.ErrnoException) => resolve({ error: error.code ?? error.message }));
    if (typeof body === 'string') req.end(body);
    else Readable.from(chunks(size)).pipe(req);
  });
}

function* chunks(size: number, chunk = 64 * 1024): Generator<Buffer> {
  for (let sent = 0; sent < size; sent += chunk) yield Buffer.alloc(Math.min(chunk, size - sent), 0x61);
}

function get(agent: Agent, path: string): Promise<Answer> {
  return new Promise((resolve) => {
    const req = request({ host: '127.0.0.1', port: server.port, path, agent }, (res) => {
      res.resume();
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, text: '' }));
    });
    req.on('error', (error: NodeJS.ErrnoException) => resolve({ error: error.code ?? error.message }));
    req.end();
  });
}

/** What one raw connection receives: the bytes written by `send`, which may wait between them. */
async function raw(send: (write: (text: string | Buffer) => void) => Promise<void>): Promise<{ received: string; ended: boolean; error?: string }> {
  const socket = connect(server.port, '127.0.0.1');
  const result: { received: string; ended: boolean; error?: string } = { received: '', ended: false };
  socket.setEncoding('latin1');
  socket.on('data', (chunk: string) => (result.received += chunk));
  socket.on('end', () => (result.ended = true));
  socket.on('error', (error: NodeJS.ErrnoException) => (result.error = error.code ?? error.message));
  await new Promise((resolve) => socket.once('connect', resolve));
  await send((data) => void (socket.destroyed || socket.write(data)));
  await sleep(300);
  socket.destroy();
  return result;
}

/** The statuses of the answers on one connection (an answer's body need not end in a line break). */
const statusLines = (received: string) => [...received.matchAll(/HTTP\/1\.1 (\d{3}) /g)].map((m) => Number(m[1]));

before(async () => {
  dataDir = await mkdtemp(join(tmpdir(), 'tietosuoja-body-'));
  const accounts = new StaffAccounts(dataDir);
  await accounts.add('maija', await hashPassword(password, { logN: 10 }), new Date(), 'admin');
  await accounts.enrolTotp('maija', totpSecret, new Date(), []);
  const result = await startServer(dataDir, { TRUST_PROXY: 'true' });
  assert.ok(isRunning(result), `the server did not start: ${'stderr' in result ? result.stderr : ''}`);
  server = result;
  cookie = '';
  const agent = new Agent();
  const logIn = await post(agent, '/henkilosto/kirjaudu', new URLSearchParams({ username: 'maija', password, code: totpCode() }).toString());
  assert.ok('status' in logIn && logIn.status === 303, `log-in: ${JSON.stringify(logIn)}`);
  cookie = String(logIn.headers['set-cookie']?.[0] ?? '').split(';')[0] ?? '';
  agent.destroy();
});

after(async () => {
  if (server) await stop(server);
  assert.doesNotMatch(server?.stderr() ?? '', /error [0-9a-f]{8}/, 'the server logged a 500');
  await rm(dataDir, { recursive: true, force: true });
  await rm(`${dataDir}-backups`, { recursive: true, force: true });
});

const routes = ['/api/requests', '/api/requests/confirm', '/henkilosto/kirjaudu', '/henkilosto/pyynnot/EI-OLE-1234'];

describe('a post over the limit', () => {
  for (const path of routes) {
    test(`of 300 kB to ${path} gets its 413 twenty times in a row, and the next request on the agent succeeds`, async () => {
      const agent = new Agent({ keepAlive: true, maxSockets: 1 });
      for (let i = 0; i < 20; i++) {
        const answer = await post(agent, path, 300_000, { chunked: i % 2 === 1 });
        assert.ok('status' in answer, `post ${i + 1} met ${'error' in answer ? answer.error : ''}`);
        assert.equal(answer.status, 413, `post ${i + 1}`);
        assert.equal(answer.headers.connection, 'close', `post ${i + 1}`);
        assert.match(answer.text, /Liian paljon tekstiä/);
        const next = await get(agent, '/api/health');
        assert.ok('status' in next && next.status === 200, `the request after post ${i + 1}: ${JSON.stringify(next)}`);
      }
      agent.destroy();
    });
  }

  test('is answered with Connection: close, and then the server really closes the connection', async () => {
    const result = await raw(async (write) => {
      write(`POST /api/requests HTTP/1.1\r\nHost: 127.0.0.1\r\nOrigin: ${origin}\r\nX-Forwarded-For: ${nextAddress()}\r\n`);
      write(`Content-Type: application/x-www-form-urlencoded\r\nContent-Length: 300000\r\n\r\n`);
      for (const chunk of chunks(300_000)) write(chunk);
    });
    assert.deepEqual(statusLines(result.received), [413]);
    assert.match(result.received, /^connection: close\r$/im);
    assert.equal(result.ended, true, 'the server left the connection open');
    assert.equal(result.error, undefined);
  });

  test('of 5 MB is a 413 or, past the drain bound, a closed connection; never a 5xx, and the server keeps answering', async () => {
    for (const path of routes) {
      for (const chunked of [false, true]) {
        const agent = new Agent({ keepAlive: true, maxSockets: 1 });
        const answer = await post(agent, path, 5_000_000, { chunked });
        if ('status' in answer) {
          assert.equal(answer.status, 413, path);
          assert.equal(answer.headers.connection, 'close');
        }
        const next = await get(agent, '/api/health');
        assert.ok('status' in next && next.status === 200, `after 5 MB to ${path}: ${JSON.stringify(next)}`);
        agent.destroy();
      }
    }
  });

  test('of 200 MB to the log-in is not read whole: the server grows by nothing like its size', async (t) => {
    const rss = async () => Number(/^VmRSS:\s+(\d+) kB/m.exec(await readFile(`/proc/${server.process.pid}/status`, 'utf8'))?.[1]) * 1024;
    if (!(await rss().catch(() => 0))) return t.skip('no /proc to read the server memory from');
    const start = await rss();
    const agent = new Agent();
    const answer = await post(agent, '/henkilosto/kirjaudu', 200_000_000, { chunked: true });
    if ('status' in answer) assert.equal(answer.status, 413);
    agent.destroy();
    const grown = (await rss()) - start;
    assert.ok(grown < 50_000_000, `the server grew by ${Math.round(grown / 1e6)} MB`);
    assert.equal(((await get(new Agent(), '/api/health')) as { status: number }).status, 200);
  });
});

describe('a refusal given before the body is read', () => {
  test('reaches a client still slowly sending 300 kB, and its connection stays usable', async () => {
    const result = await raw(async (write) => {
      write(`POST /api/requests HTTP/1.1\r\nHost: 127.0.0.1\r\nOrigin: https://evil.example\r\nX-Forwarded-For: ${nextAddress()}\r\n`);
      write(`Content-Type: application/x-www-form-urlencoded\r\nContent-Length: 300000\r\n\r\n`);
      // Longer than the half second the node adapter waits for an unread body before it drops the connection.
      for (const chunk of chunks(300_000, 16 * 1024)) {
        write(chunk);
        await sleep(60);
      }
      await sleep(100);
      write('GET /api/health HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n');
    });
    assert.deepEqual(statusLines(result.received), [403, 200]);
    assert.equal(result.error, undefined);
  });

  test('a post of 300 kB to a path that takes no body is a 404 every time, never a reset', async () => {
    const agent = new Agent({ keepAlive: true, maxSockets: 1 });
    for (const path of ['/', '/api/health', '/tietosuojaseloste/', '/henkilosto/ei-ole']) {
      for (let i = 0; i < 5; i++) {
        const answer = await post(agent, path, 300_000, { headers: { Accept: 'text/html' } });
        assert.ok('status' in answer, `${path}: ${'error' in answer ? answer.error : ''}`);
        assert.ok(answer.status === 404 || answer.status === 303, `${path}: ${answer.status}`);
        const next = await get(agent, '/api/health');
        assert.ok('status' in next && next.status === 200, `the request after ${path}: ${JSON.stringify(next)}`);
      }
    }
    agent.destroy();
  });
});
