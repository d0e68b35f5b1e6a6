/**
 * The address a request came from. X-Forwarded-For is believed only behind our own proxy (TRUST_PROXY),
 * and then only its last entry, the one that proxy wrote: the entries before it are whatever the client sent.
 */
import { getConnInfo } from '@hono/node-server/conninfo';
import type { Context } from 'hono';

export function clientAddress(c: Context, trustProxy: boolean): string {
  if (trustProxy) {
    const forwarded = c.req.header('x-forwarded-for')?.split(',').map((part) => part.trim()).filter(Boolean);
    const last = forwarded?.at(-1);
    if (last) return last;
  }
  try {
    return getConnInfo(c).remote.address ?? 'unknown';
  } catch {
    // No socket: a request made in process (tests).
    return 'unknown';
  }
}
