import assert from 'node:assert/strict';
import { test } from 'node:test';
import { hashToken, isTokenShaped, newToken } from '../../../api/requests/tokens.ts';

test('every token is 256 random bits in base64url, never the same twice, across refills of the random pool', () => {
  const tokens = Array.from({ length: 2_000 }, newToken);
  assert.ok(tokens.every(isTokenShaped));
  assert.equal(new Set(tokens).size, tokens.length);
  assert.equal(Buffer.from(tokens[0] ?? '', 'base64url').length, 32);
  // No byte value is missing from 64,000 random bytes: the pool is filled, not left zero.
  const bytes = Buffer.concat(tokens.map((t) => Buffer.from(t, 'base64url')));
  assert.equal(new Set(bytes).size, 256);
});

test('a token is stored as its SHA-256, which does not contain it', () => {
  const token = newToken();
  assert.equal(hashToken(token), hashToken(token));
  assert.notEqual(hashToken(token), token);
  assert.ok(!isTokenShaped('a'.repeat(42)) && !isTokenShaped(`${'a'.repeat(42)}!`) && !isTokenShaped(undefined));
});
