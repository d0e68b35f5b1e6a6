/** Playwright runs the specs in this folder in Debian's Chromium against the real server (`npm start`). */
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { defineConfig } from '@playwright/test';
import { chromiumArgs, chromiumPath } from './chromium.ts';

/** A port that is free now: the server's PUBLIC_URL (e-mail links, allowed origin) must name it before it starts. */
function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = createServer().listen(0, '127.0.0.1', () => {
      const address = probe.address();
      probe.close(() => (typeof address === 'object' && address ? resolve(address.port) : reject(new Error('no port'))));
    });
  });
}

// One throw-away data directory and port per run; workers inherit them through the environment.
process.env.E2E_DATA_DIR ??= mkdtempSync(join(tmpdir(), 'tietosuoja-e2e-'));
process.env.E2E_PORT ??= String(await freePort());
// The runner stops the server only after a globalTeardown would run, so the data directory goes when the runner
// itself exits, after the server has shut down cleanly (workers load this file too, and must not remove it).
process.env.E2E_RUNNER_PID ??= String(process.pid);
if (process.env.E2E_RUNNER_PID === String(process.pid)) {
  const dataDir = process.env.E2E_DATA_DIR;
  process.once('exit', () => {
    rmSync(dataDir, { recursive: true, force: true });
    rmSync(`${dataDir}-backups`, { recursive: true, force: true });
  });
}
const origin = `http://127.0.0.1:${process.env.E2E_PORT}`;

export default defineConfig({
  testDir: '.',
  fullyParallel: true,
  // The machine has two cores: one browser per core.
  workers: 2,
  forbidOnly: !!process.env.CI,
  reporter: process.env.CI ? 'line' : 'list',
  use: {
    baseURL: origin,
    launchOptions: { executablePath: chromiumPath, args: chromiumArgs },
    locale: 'fi-FI',
  },
  webServer: {
    command: 'npm start',
    cwd: '../..',
    env: { PORT: process.env.E2E_PORT, HOST: '127.0.0.1', DATA_DIR: process.env.E2E_DATA_DIR, BACKUP_DIR: `${process.env.E2E_DATA_DIR}-backups`, PUBLIC_URL: origin },
    url: `${origin}/api/health`,
    stdout: 'ignore',
    gracefulShutdown: { signal: 'SIGTERM', timeout: 2000 },
    timeout: 120_000,
  },
});
