/**
 * Serves the built site from dist/: directory indexes, a redirect to the trailing slash, long cache for
 * Astro's hashed assets. Hidden paths (any segment starting with a dot, so `..` too) are never looked up, nor
 * paths with an empty segment (`//`, however written), so a redirect's Location is never `//host/…`.
 */
import { stat } from 'node:fs/promises';
import { join } from 'node:path';
import { serveStatic } from '@hono/node-server/serve-static';
import type { MiddlewareHandler } from 'hono';
import { shellPath } from '../shell/index.ts';

/** Astro writes content-hashed file names under _astro/, so they never change. */
const hashed = /\/_astro\//;

export function staticSite(distDir: string): MiddlewareHandler {
  const serve = serveStatic({ root: distDir });
  return async (c, next) => {
    if (c.req.method !== 'GET' && c.req.method !== 'HEAD') return next();
    const url = new URL(c.req.url);
    const path = safePath(url.pathname);
    if (path === undefined || path.startsWith(shellPath)) return next();
    if (!path.endsWith('/') && (await isDirectory(join(distDir, path)))) {
      return c.redirect(`${url.pathname}/${url.search}`, 301);
    }
    // serveStatic answers with the file's Response, or passes on to the 404 handler (next).
    const found = await serve(c, next);
    if (found instanceof Response) {
      found.headers.set('Cache-Control', hashed.test(path) ? 'public, max-age=31536000, immutable' : 'no-cache');
      return found;
    }
    return undefined;
  };
}

/**
 * The decoded URL path, or undefined when it could reach outside the site or a hidden file, or when it holds
 * `//`: echoed into a Location, `//oikeudet/` is read by browsers as the host `oikeudet`. A backslash is
 * refused too; the URL parser has already turned a raw `/\` into `//`.
 */
export function safePath(rawPath: string): string | undefined {
  let path: string;
  try {
    path = decodeURIComponent(rawPath);
  } catch {
    return undefined;
  }
  if (!path.startsWith('/') || /[\\\0]|\/\//.test(path) || path.split('/').some((segment) => segment.startsWith('.'))) {
    return undefined;
  }
  return path;
}

async function isDirectory(path: string): Promise<boolean> {
  try {
    return (await stat(path)).isDirectory();
  } catch {
    return false;
  }
}
