/** Unknown addresses: the site's Finnish 404 page for people, JSON for API clients. */
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { NotFoundHandler } from 'hono';
import { messages } from '../messages.ts';

export function notFound(distDir: string): NotFoundHandler {
  const page = join(distDir, '404.html');
  return async (c) => {
    if (c.req.path.startsWith('/api/')) return c.json({ error: messages.notFound }, 404);
    c.header('Cache-Control', 'no-cache');
    return c.html(await readFile(page, 'utf8'), 404);
  };
}
