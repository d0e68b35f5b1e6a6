/**
 * Rate limiting per key (the client address): at most `limit` requests in each window of `windowMs`.
 * Over the limit the request leaves as HTTPException 429 with Retry-After, through the one error handler.
 *
 * @example app.post('/api/requests', rateLimit({ limit: 20, windowMs: 15 * 60_000, key: (c) => clientAddress(c, false) }))
 */
import type { Context, MiddlewareHandler } from 'hono';
import { HTTPException } from 'hono/http-exception';

export type RateLimitOptions = {
  limit: number;
  windowMs: number;
  key: (c: Context) => string;
  /** The clock, injected for tests. */
  now?: () => number;
};

export function rateLimit({ limit, windowMs, key, now = Date.now }: RateLimitOptions): MiddlewareHandler {
  // In the order the windows started (a new window is moved to the end), so the finished ones are at the front.
  const windows = new Map<string, { start: number; count: number }>();
  return async (c, next) => {
    const time = now();
    // Forget finished windows from the front: each is looked at once, so a request costs the same however many clients there are.
    for (const [k, w] of windows) {
      if (time - w.start < windowMs) break;
      windows.delete(k);
    }
    const k = key(c);
    let window = windows.get(k);
    if (!window || time - window.start >= windowMs) {
      window = { start: time, count: 0 };
      windows.delete(k);
      windows.set(k, window);
    }
    window.count += 1;
    if (window.count > limit) {
      const retryAfter = Math.ceil((window.start + windowMs - time) / 1000);
      throw new HTTPException(429, { res: new Response(null, { status: 429, headers: { 'Retry-After': String(retryAfter) } }) });
    }
    await next();
  };
}
