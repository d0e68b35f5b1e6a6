/** Whether dist/ must be rebuilt: it is missing, or a source of the site changed after the last build. */
import { readdir, stat } from 'node:fs/promises';
import { join } from 'node:path';

/** What the site is built from, relative to the project root. */
export const siteSources = ['content', 'site', 'astro.config.mjs', 'package-lock.json', 'api/requests'];

export async function isStale(root: string, distDir = join(root, 'dist')): Promise<boolean> {
  const builtAt = await mtime(join(distDir, 'index.html'));
  if (builtAt === undefined) return true;
  for (const source of siteSources) {
    if ((await newest(join(root, source))) > builtAt) return true;
  }
  return false;
}

async function mtime(path: string): Promise<number | undefined> {
  try {
    return (await stat(path)).mtimeMs;
  } catch {
    return undefined;
  }
}

/** The newest modification time under a path (0 when it does not exist). */
async function newest(path: string): Promise<number> {
  const info = await stat(path).catch(() => undefined);
  if (!info) return 0;
  if (!info.isDirectory()) return info.mtimeMs;
  const entries = await readdir(path);
  const times = await Promise.all(entries.map((entry) => newest(join(path, entry))));
  return Math.max(info.mtimeMs, ...times);
}
