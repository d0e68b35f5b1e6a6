/** Playwright runs the specs in this folder in Debian's Chromium against the real server (`npm start`). */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { defineConfig } from '@playwright/test';
import { chromiumArgs, chromiumPath } from './chromium.ts';

// One throw-away data directory per run; workers inherit it through the environment.
process.env.E2E_DATA_DIR ??= mkdtempSync(join(tmpdir(), 'tietosuoja-e2e-'));

export default defineConfig({
  testDir: '.',
  fullyParallel: true,
  forbidOnly: !!process.env.CI,
  reporter: process.env.CI ? 'line' : 'list',
  globalTeardown: './teardown.ts',
  use: {
    baseURL: `http://127.0.0.1:${process.env.TIETOSUOJA_PORT}`,
    launchOptions: { executablePath: chromiumPath, args: chromiumArgs },
    locale: 'fi-FI',
  },
  webServer: {
    command: 'npm start',
    cwd: '../..',
    env: { PORT: '0', HOST: '127.0.0.1', DATA_DIR: process.env.E2E_DATA_DIR },
    // The server picks a free port and says which; Playwright hands it to the workers as TIETOSUOJA_PORT.
    wait: { stdout: /listening on http:\/\/127\.0\.0\.1:(?<tietosuoja_port>\d+)\// },
    stdout: 'pipe',
    gracefulShutdown: { signal: 'SIGTERM', timeout: 2000 },
    timeout: 120_000,
  },
});
