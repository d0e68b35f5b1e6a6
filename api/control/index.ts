/**
 * Operators' commands to a running server: `npm run backup` and `npm run purge` must act through the one
 * process that holds the data directory. The server listens on a Unix socket, DATA_DIR/control.sock (mode
 * 0600 in a 0700 directory: only the server's own user reaches it; it is never served over HTTP). One JSON
 * line in (at most 1 KB), one JSON line out. A command finds no server there when none runs, and then does the
 * work itself under the data directory's lock.
 */
import { chmod, rm } from 'node:fs/promises';
import { createConnection, createServer, type Server } from 'node:net';
import { join } from 'node:path';

export type Command = { command: 'backup' } | { command: 'purge'; dryRun: boolean };
export type Reply = { ok: true; lines: string[] } | { ok: false; error: string };
export type Handler = (command: Command) => Promise<string[]>;

const maxBytes = 1024;
/** A command that has not finished by then is reported as failed to the command; the server still completes it. */
const replyTimeoutMs = 10 * 60_000;

export function socketPath(dataDir: string): string {
  return join(dataDir, 'control.sock');
}

/** Listens on DATA_DIR/control.sock; the caller holds the data directory's lock, so a socket left there is stale. */
export async function listen(dataDir: string, handle: Handler, log: (line: string) => void): Promise<Server | undefined> {
  const path = socketPath(dataDir);
  await rm(path, { force: true });
  const server = createServer((socket) => {
    let input = '';
    let taken = false;
    socket.setEncoding('utf8');
    socket.setTimeout(10_000, () => socket.destroy());
    socket.on('error', () => undefined);
    socket.on('data', (chunk: string) => {
      if (taken) return;
      input += chunk;
      const newline = input.indexOf('\n');
      if (newline === -1 && input.length <= maxBytes) return;
      taken = true;
      if (newline === -1 || newline > maxBytes) return void socket.end(`${JSON.stringify({ ok: false, error: 'the command is too long' })}\n`);
      socket.pause();
      socket.setTimeout(0);
      const command = parse(input.slice(0, newline));
      const reply: Promise<Reply> = command
        ? handle(command).then(
            (lines) => ({ ok: true, lines }),
            (error: unknown) => ({ ok: false, error: (error as Error).message }),
          )
        : Promise.resolve({ ok: false, error: 'unknown command' });
      void reply.then((answer) => socket.end(`${JSON.stringify(answer)}\n`));
    });
  });
  const listening = await new Promise<boolean>((resolve) => {
    server.once('error', (error: NodeJS.ErrnoException) => {
      log(`control: operators' commands cannot reach this server (${error.code ?? 'unknown'}); run them while it is stopped`);
      resolve(false);
    });
    server.listen(path, () => resolve(true));
  });
  if (!listening) return undefined;
  await chmod(path, 0o600);
  server.unref();
  return server;
}

export async function close(server: Server | undefined, dataDir: string): Promise<void> {
  if (!server) return;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  await rm(socketPath(dataDir), { force: true }).catch(() => undefined);
}

/** Sends a command to the server on dataDir; undefined when no server listens there. */
export function ask(dataDir: string, command: Command): Promise<Reply | undefined> {
  return new Promise((resolve, reject) => {
    const socket = createConnection(socketPath(dataDir));
    let output = '';
    socket.setEncoding('utf8');
    socket.setTimeout(replyTimeoutMs, () => socket.destroy(new Error('the server did not answer in time')));
    socket.on('connect', () => socket.write(`${JSON.stringify(command)}\n`));
    socket.on('data', (chunk: string) => (output += chunk));
    socket.on('end', () => {
      try {
        resolve(JSON.parse(output) as Reply);
      } catch {
        reject(new Error('the server gave an answer that cannot be read'));
      }
    });
    socket.on('error', (error: NodeJS.ErrnoException) => {
      if (error.code === 'ENOENT' || error.code === 'ECONNREFUSED') resolve(undefined);
      else reject(error);
    });
  });
}

function parse(line: string): Command | undefined {
  try {
    const value = JSON.parse(line) as { command?: unknown; dryRun?: unknown };
    if (value.command === 'backup') return { command: 'backup' };
    if (value.command === 'purge') return { command: 'purge', dryRun: value.dryRun === true };
  } catch {
    // Not JSON: unknown.
  }
  return undefined;
}
