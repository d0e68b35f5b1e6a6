import assert from 'node:assert/strict';
import { test } from 'node:test';
import { formatReference, parseReference } from '../../../api/requests/reference.ts';

test('references count from 1 each year, five digits wide', () => {
  assert.equal(formatReference(2026, 1), 'TS-2026-00001');
  assert.equal(formatReference(2026, 42), 'TS-2026-00042');
  assert.deepEqual(parseReference('TS-2026-00042'), { year: 2026, sequence: 42 });
});

test('the count goes on past 99999 rather than wrapping', () => {
  assert.equal(formatReference(2026, 100_000), 'TS-2026-100000');
  assert.deepEqual(parseReference('TS-2026-100000'), { year: 2026, sequence: 100_000 });
});

test('anything else is not a reference', () => {
  for (const text of ['TS-26-1', 'TS-2026-0042', 'joku muu', 'TS-2026-00042 ', '']) assert.equal(parseReference(text), undefined, text);
});
