import assert from 'node:assert/strict';
import { test } from 'node:test';
import { addMonths, daysLeft, dueDate, finnishDate, latestExtension } from '../../../api/requests/deadline.ts';

test('one month from confirmation is the same date next month', () => {
  assert.equal(dueDate(new Date('2026-03-15T09:00:00Z')), '2026-04-15');
  assert.equal(dueDate(new Date('2026-12-10T09:00:00Z')), '2027-01-10');
});

test('31 January gives the last day of February: the 28th, or the 29th in a leap year', () => {
  assert.equal(dueDate(new Date('2026-01-31T10:00:00Z')), '2026-02-28');
  assert.equal(dueDate(new Date('2028-01-31T10:00:00Z')), '2028-02-29');
  assert.equal(addMonths('2026-03-31', 1), '2026-04-30');
  assert.equal(addMonths('2026-08-31', 1), '2026-09-30');
});

test('the date counts in Finland: a confirmation at 23.30 UTC on 31 January is 1 February there', () => {
  assert.equal(finnishDate(new Date('2026-01-31T23:30:00Z')), '2026-02-01');
  assert.equal(dueDate(new Date('2026-01-31T23:30:00Z')), '2026-03-01');
  assert.equal(finnishDate(new Date('2026-07-31T21:30:00Z')), '2026-08-01', 'summer time is UTC+3');
});

test('an extension reaches at most two months past the first deadline', () => {
  assert.equal(latestExtension('2026-02-28'), '2026-04-28');
  assert.equal(latestExtension('2026-12-31'), '2027-02-28');
});

test('days left count Finnish calendar days, zero on the day, negative when overdue', () => {
  assert.equal(daysLeft('2026-02-28', new Date('2026-02-20T12:00:00Z')), 8);
  assert.equal(daysLeft('2026-02-28', new Date('2026-02-28T21:59:00Z')), 0);
  assert.equal(daysLeft('2026-02-28', new Date('2026-02-28T22:01:00Z')), -1);
});
