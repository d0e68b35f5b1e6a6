/** Composes the one Hono app: security headers, compression, the API and the static site. */
import { relative, resolve, isAbsolute } from 'node:path';
import { Hono } from 'hono';
import { compress } from 'hono/compress';
import { etag } from 'hono/etag';
import { secureHeaders } from 'hono/secure-headers';
import { onError } from './errors.ts';
import { health } from './health/index.ts';
import { notFound } from './site/not-found.ts';
import { staticSite } from './site/static.ts';

export type AppOptions = {
  /** The built site (dist/). */
  distDir: string;
  /** The data directory; it must not lie inside distDir, or the site would serve it. */
  dataDir: string;
};

export function createApp({ distDir, dataDir }: AppOptions): Hono {
  if (isInside(resolve(dataDir), resolve(distDir))) {
    throw new Error(`DATA_DIR (${dataDir}) must not be inside the site directory (${distDir}).`);
  }
  const app = new Hono();
  app.use(
    secureHeaders({
      contentSecurityPolicy: {
        defaultSrc: ["'self'"],
        scriptSrc: ["'self'"],
        styleSrc: ["'self'"],
        imgSrc: ["'self'", 'data:'],
        fontSrc: ["'self'"],
        connectSrc: ["'self'"],
        formAction: ["'self'"],
        frameAncestors: ["'none'"],
        baseUri: ["'none'"],
        objectSrc: ["'none'"],
      },
      xFrameOptions: 'DENY',
      referrerPolicy: 'same-origin',
      permissionsPolicy: { camera: [], microphone: [], geolocation: [], payment: [] },
    }),
  );
  app.use(compress());
  app.route('/api', health(dataDir));
  app.use(etag(), staticSite(distDir));
  app.notFound(notFound(distDir));
  app.onError(onError);
  return app;
}

function isInside(child: string, parent: string): boolean {
  const path = relative(parent, child);
  return path === '' || (!path.startsWith('..') && !isAbsolute(path));
}
