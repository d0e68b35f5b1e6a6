import assert from 'node:assert/strict';
import { test } from 'node:test';
import { byPressure } from '../../../api/requests/pressure.ts';
import type { RequestRecord } from '../../../api/requests/record.ts';

const record = (reference: string, status: RequestRecord['status'], dueAt?: string, until?: string): RequestRecord => ({
  id: reference,
  reference,
  type: 'access',
  status,
  subject: { email: 'x@example.fi' },
  createdAt: `2026-01-${reference.slice(-2)}T00:00:00Z`,
  events: [],
  ...(dueAt ? { dueAt } : {}),
  ...(until ? { extension: { until, reason: 'r' } } : {}),
});

test('overdue requests come first, most overdue first, then the fewest days left, then the decided ones', () => {
  const now = new Date('2026-03-01T10:00:00Z');
  const sorted = byPressure(
    [
      record('TS-2026-00001', 'completed', '2026-02-01'),
      record('TS-2026-00002', 'received', '2026-03-20'),
      record('TS-2026-00003', 'in_progress', '2026-02-25'),
      record('TS-2026-00004', 'received', '2026-02-27'),
      record('TS-2026-00005', 'in_progress', '2026-03-02'),
      record('TS-2026-00006', 'received', '2026-02-10', '2026-03-05'),
      record('TS-2026-00007', 'rejected', '2026-02-01'),
    ],
    now,
  );
  assert.deepEqual(
    sorted.map((r) => r.reference),
    ['TS-2026-00003', 'TS-2026-00004', 'TS-2026-00005', 'TS-2026-00006', 'TS-2026-00002', 'TS-2026-00007', 'TS-2026-00001'],
  );
});
