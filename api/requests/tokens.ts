/** Capability tokens for the confirm and status links: 256 random bits, and only their hashes are stored. */
import { createHash, randomFillSync } from 'node:crypto';

const tokenBytes = 32;
/**
 * Random bytes for the next 256 tokens, filled in one call: a call per token costs more than ten times as
 * much, on the path of every submission. (Node's randomUUID keeps such a cache too.)
 */
const entropy = Buffer.alloc(tokenBytes * 256);
let used = entropy.length;

export function newToken(): string {
  if (used === entropy.length) {
    randomFillSync(entropy);
    used = 0;
  }
  used += tokenBytes;
  return entropy.toString('base64url', used - tokenBytes, used);
}

export function hashToken(token: string): string {
  return createHash('sha256').update(token).digest('base64url');
}

/** Whether a string can be a token at all, so junk never reaches a lookup. */
export function isTokenShaped(value: unknown): value is string {
  return typeof value === 'string' && /^[A-Za-z0-9_-]{43}$/.test(value);
}
