import assert from 'node:assert/strict';
import { test } from 'node:test';
import { formatDate, isoDate, telUri } from '../../site/format.ts';

test('dates read the Finnish way, on the calendar day the editor wrote', () => {
  const day = new Date('2018-05-25');
  assert.equal(formatDate(day), '25.5.2018');
  assert.equal(isoDate(day), '2018-05-25');
});

test('a Finnish phone number becomes an international tel: link', () => {
  assert.equal(telUri('08 5349 300'), 'tel:+35885349300');
  assert.equal(telUri('+358 8 5349 300'), 'tel:+35885349300');
});
