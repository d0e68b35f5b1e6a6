/** The state machine: every action in every state, allowed or refused as DESIGN §4 says. */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { allowedActions, applyAction, staffActions, type StaffAction } from '../../../api/requests/actions.ts';
import { dueDate } from '../../../api/requests/deadline.ts';
import { statuses, type RequestRecord, type Status } from '../../../api/requests/record.ts';

const now = new Date('2026-02-10T10:00:00Z');

function record(status: Status, extra: Partial<RequestRecord> = {}): RequestRecord {
  return {
    id: 'id',
    reference: 'TS-2026-00001',
    type: 'erasure',
    status,
    subject: { name: 'M', email: 'm@example.fi', relation: 'organisation', organisation: 'Koulu' },
    createdAt: '2026-01-31T10:00:00Z',
    ...(status === 'awaiting_confirmation' ? {} : { confirmedAt: '2026-01-31T10:00:00Z', dueAt: '2026-02-28' }),
    events: [],
    ...extra,
  };
}

const valid: Record<StaffAction, { text: string; until: string; recipientEmail?: string }> = {
  start: { text: '', until: '' },
  extend: { text: 'Pyyntöjä on poikkeuksellisen paljon.', until: '2026-04-28' },
  complete: { text: 'Tiedot on poistettu.', until: '' },
  reject: { text: 'Kirjanpitolaki velvoittaa säilyttämään laskut.', until: '' },
  forward: { text: '', until: '', recipientEmail: 'tietosuoja@koulu.example' },
  transfer: { text: '', until: '' },
  note: { text: 'Soitettu koululle.', until: '' },
};

/** What each state allows (for an organisation user before the deadline). */
const expected: Record<Status, StaffAction[]> = {
  awaiting_confirmation: ['note'],
  received: ['start', 'extend', 'complete', 'reject', 'forward', 'note'],
  in_progress: ['extend', 'complete', 'reject', 'forward', 'note'],
  completed: ['note'],
  rejected: ['note'],
  forwarded: ['note'],
};

const after: Partial<Record<StaffAction, Status>> = { start: 'in_progress', complete: 'completed', reject: 'rejected', forward: 'forwarded' };

describe('every action in every state', () => {
  for (const status of statuses) {
    for (const action of staffActions) {
      const allowed = expected[status].includes(action);
      test(`${action} in ${status} is ${allowed ? 'allowed' : 'refused'}`, () => {
        const r = record(status);
        const before = JSON.stringify(r);
        const outcome = applyAction(r, { action, ...valid[action] }, 'maija', now);
        assert.equal(outcome.ok, allowed, JSON.stringify(outcome));
        if (!allowed) {
          assert.match((outcome as { message: string }).message, /^Toiminto ei sovi pyynnölle, jonka tila on ".+"\.$/);
          assert.equal(JSON.stringify(r), before, 'a refused action changed the request');
          return;
        }
        assert.equal(r.status, after[action] ?? status);
        assert.equal(r.events.at(-1)?.action, action);
        assert.equal(r.events.at(-1)?.actor, 'maija');
      });
    }
    test(`the actions offered in ${status} are exactly the allowed ones`, () => {
      assert.deepEqual(allowedActions(record(status), now), expected[status]);
    });
  }
});

describe('the limits of an extension', () => {
  const extend = (r: RequestRecord, until: string, text = 'Paljon pyyntöjä.', at = now) => applyAction(r, { action: 'extend', text, until }, 'maija', at);

  test('is allowed once, with a reason, up to two months past the first deadline', () => {
    const r = record('received');
    assert.deepEqual(extend(r, '2026-04-28'), { ok: true, mail: 'extended' });
    assert.deepEqual(r.extension, { until: '2026-04-28', reason: 'Paljon pyyntöjä.' });
    const again = extend(r, '2026-04-01');
    assert.equal(again.ok, false);
    assert.match((again as { message: string }).message, /vain kerran/);
  });

  test('refuses a date past the two months, not after the deadline, or missing, and a missing reason', () => {
    for (const [until, text, message] of [
      ['2026-04-29', 'Syy.', /enintään kahdella kuukaudella, eli viimeistään 28\.4\.2026/],
      ['2026-02-28', 'Syy.', /alkuperäisen määräajan \(28\.2\.2026\) jälkeen/],
      ['', 'Syy.', /päivämääränä/],
      ['huomenna', 'Syy.', /päivämääränä/],
      ['2026-04-01', '   ', /Kirjoita perustelu/],
    ] as const) {
      const r = record('in_progress');
      const outcome = extend(r, until, text);
      assert.equal(outcome.ok, false, until);
      assert.match((outcome as { message: string }).message, message);
      assert.equal(r.extension, undefined);
    }
  });

  test('is refused once the first deadline has passed', () => {
    const outcome = extend(record('received'), '2026-04-01', 'Syy.', new Date('2026-03-01T10:00:00Z'));
    assert.equal(outcome.ok, false);
    assert.match((outcome as { message: string }).message, /ennen alkuperäisen määräajan \(28\.2\.2026\) päättymistä/);
  });

  test('counts from the first deadline, which ran from the arrival, not from a later confirmation', () => {
    // Received 31.1., confirmed on the last day of its week: due 28.2. all the same, so at most 28.4.
    const confirmedLate = () => record('received', { confirmedAt: '2026-02-06T10:00:00Z', dueAt: dueDate(new Date('2026-01-31T10:00:00Z')) });
    const r = confirmedLate();
    assert.equal(r.dueAt, '2026-02-28');
    const late = extend(r, '2026-05-06');
    assert.equal(late.ok, false);
    assert.match((late as { message: string }).message, /viimeistään 28\.4\.2026/);
    assert.deepEqual(extend(r, '2026-04-28'), { ok: true, mail: 'extended' });
    assert.ok(!allowedActions(confirmedLate(), new Date('2026-03-01T10:00:00Z')).includes('extend'), 'extendable after the deadline from the arrival');
  });
});

describe('decisions', () => {
  test('a rejection needs its justification and a completion its answer, each recorded as the decision', () => {
    for (const action of ['reject', 'complete'] as const) {
      const r = record('in_progress');
      assert.equal(applyAction(r, { action, text: ' ', until: '' }, 'maija', now).ok, false);
      assert.equal(applyAction(r, { action, text: valid[action].text, until: '' }, 'maija', now).ok, true);
      assert.deepEqual(r.decision, { outcome: action === 'reject' ? 'rejected' : 'completed', reason: valid[action].text, by: 'maija', at: now.toISOString() });
    }
  });

  test('only an organisation user\'s request can be forwarded to the organisation', () => {
    const r = record('received', { subject: { name: 'M', email: 'm@example.fi', relation: 'private' } });
    assert.ok(!allowedActions(r, now).includes('forward'));
    const outcome = applyAction(r, { action: 'forward', text: '', until: '' }, 'maija', now);
    assert.equal(outcome.ok, false);
    assert.match((outcome as { message: string }).message, /organisaation kautta/);
  });

  test('a note needs text and changes nothing but the history', () => {
    const r = record('completed');
    assert.equal(applyAction(r, { action: 'note', text: '', until: '' }, 'maija', now).ok, false);
    assert.equal(applyAction(r, { action: 'note', text: 'Asiakas soitti.', until: '' }, 'maija', now).ok, true);
    assert.equal(r.status, 'completed');
    assert.equal(r.events.at(-1)?.note, 'Asiakas soitti.');
  });
});
