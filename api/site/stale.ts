/**
 * Whether dist/ must be rebuilt: it is missing, a source of the site changed after the last build, or the site's
 * public address (PUBLIC_URL, written into canonical links, Open Graph tags, the sitemap and robots.txt at build
 * time) is not the one the last build used.
 */
import { readFile, readdir, stat } from 'node:fs/promises';
import { join } from 'node:path';

/** What the site is built from, relative to the project root. */
export const siteSources = ['content', 'site', 'astro.config.mjs', 'package-lock.json', 'api/requests'];

/** The address when PUBLIC_URL is unset, as in api/settings.ts. */
export const defaultOrigin = 'http://localhost:4321';

/**
 * The origin the site is built for: PUBLIC_URL's, as the server reads it (api/settings.ts). An invalid value
 * falls back to the default: the server then refuses to start and names the variable.
 */
export function siteOrigin(publicUrl: string | undefined): string {
  const value = publicUrl?.trim();
  if (!value || !URL.canParse(value)) return defaultOrigin;
  const url = new URL(value);
  return /^https?:$/.test(url.protocol) ? url.origin : defaultOrigin;
}

/** With `origin`, a build made for another public address is stale too. */
export async function isStale(root: string, distDir = join(root, 'dist'), origin?: string): Promise<boolean> {
  const builtAt = await mtime(join(distDir, 'index.html'));
  if (builtAt === undefined) return true;
  if (origin !== undefined && (await builtOrigin(distDir)) !== origin) return true;
  for (const source of siteSources) {
    if ((await newest(join(root, source))) > builtAt) return true;
  }
  return false;
}

/** The origin the last build used, as the front page's canonical link gives it (undefined when it has none). */
export async function builtOrigin(distDir: string): Promise<string | undefined> {
  const html = await readFile(join(distDir, 'index.html'), 'utf8').catch(() => '');
  const href = /<link rel="canonical" href="([^"]+)"/.exec(html)?.[1];
  return href && URL.canParse(href) ? new URL(href).origin : undefined;
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
