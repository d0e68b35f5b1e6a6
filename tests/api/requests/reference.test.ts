import assert from 'node:assert/strict';
import { test } from 'node:test';
import { nextReference } from '../../../api/requests/reference.ts';

test('references count from 1 each year, five digits wide', () => {
  assert.equal(nextReference([], 2026), 'TS-2026-00001');
  assert.equal(nextReference(['TS-2026-00041', 'TS-2026-00007', 'TS-2025-00099'], 2026), 'TS-2026-00042');
  assert.equal(nextReference(['TS-2026-00041'], 2027), 'TS-2027-00001');
});

test('the count goes on past 99999 rather than wrapping', () => {
  assert.equal(nextReference(['TS-2026-99999'], 2026), 'TS-2026-100000');
  assert.equal(nextReference(['TS-2026-100000', 'TS-26-1', 'joku muu'], 2026), 'TS-2026-100001');
});
