/** `GET /api/health`: 200 while the store takes writes and the data directory can be read and written, else 503. */
import { constants } from 'node:fs';
import { access, stat } from 'node:fs/promises';
import { Hono } from 'hono';
import type { Store } from '../store/store.ts';

export function health(dataDir: string, store: Pick<Store, 'healthy'>): Hono {
  return new Hono().get('/health', async (c) => {
    c.header('Cache-Control', 'no-store');
    const ok = store.healthy && (await usable(dataDir));
    return c.json({ ok }, ok ? 200 : 503);
  });
}

async function usable(dir: string): Promise<boolean> {
  try {
    await access(dir, constants.R_OK | constants.W_OK | constants.X_OK);
    return (await stat(dir)).isDirectory();
  } catch {
    return false;
  }
}
