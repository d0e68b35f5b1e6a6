/** The node entry: settings, the data directory, then serve the app on HOST:PORT. */
import { existsSync } from 'node:fs';
import { chmod, mkdir } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { serve } from '@hono/node-server';
import { createApp } from './app.ts';
import { readSettings, SettingsError } from './settings.ts';

const distDir = fileURLToPath(new URL('../dist', import.meta.url));

try {
  const settings = readSettings(process.env);
  if (!existsSync(`${distDir}/index.html`)) {
    throw new SettingsError('The site is not built: run `npm run build` (or `npm start`, which builds it).');
  }
  await mkdir(settings.dataDir, { recursive: true, mode: 0o700 });
  await chmod(settings.dataDir, 0o700);
  const app = createApp({ distDir, dataDir: settings.dataDir });
  const server = serve({ fetch: app.fetch, hostname: settings.host, port: settings.port }, (info) => {
    const host = info.family === 'IPv6' ? `[${info.address}]` : info.address;
    console.log(`tietosuoja: listening on http://${host}:${info.port}/`);
  });
  const stop = () => server.close(() => process.exit(0));
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
} catch (error) {
  if (!(error instanceof SettingsError)) throw error;
  console.error(`tietosuoja: ${error.message}`);
  process.exit(1);
}
