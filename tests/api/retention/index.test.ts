/** Retention: what a purge at a given moment pseudonymises, keeps and deletes, and that a dry run changes nothing. */
import assert from 'node:assert/strict';
import { afterEach, beforeEach, describe, test } from 'node:test';
import fc from 'fast-check';
import { AuditLog } from '../../../api/audit/index.ts';
import { collections } from '../../../api/collections.ts';
import { mailJobs, newJob, type MailJob } from '../../../api/mail/jobs.ts';
import { marketingBans, requests, type MarketingBan } from '../../../api/requests/collections.ts';
import { statuses, type RequestRecord, type Status } from '../../../api/requests/record.ts';
import { formatReference } from '../../../api/requests/reference.ts';
import { planPurge, pseudonymise, purge, retentionEnds, type PurgeCounts } from '../../../api/retention/index.ts';
import { Store } from '../../../api/store/store.ts';
import { storeText, testApp } from '../../fixtures/app.ts';
import { tempDataDir } from '../../fixtures/items.ts';
import { linksIn } from '../../fixtures/outbox.ts';
import { erasure, postJson } from '../../fixtures/post.ts';
import { act, addStaff, asStaff, confirmedRequest, login } from '../../fixtures/staff.ts';

/** The injected clock of every purge below, and the default period. */
const now = new Date('2026-03-15T12:00:00.000Z');
const months = 24;
const nothing: PurgeCounts = { pseudonymised: 0, expired: 0, mailsDropped: 0 };

/** Every personal value and free text a request can hold, each one a string found nowhere else. */
const personal = {
  name: 'Maija Meikäläinen',
  email: 'maija.meikalainen@example.fi',
  phone: '+358 40 123 4567',
  username: 'maija.opinaika',
  organisation: 'Oulun kaupunki',
  details: 'Poistakaa kaikki tietoni palvelusta.',
  wrong: 'Osoitteeni on väärin: Kotikatu 1',
  correct: 'Oikea osoite: Kotikatu 2',
  recipient: 'Toinen Palvelu Oy',
  extensionReason: 'Pyyntöjä on paljon tässä kuussa.',
  decisionReason: 'Tietosi on poistettu, paitsi laskut.',
  note: 'Soitin asiakkaalle 040 765 4321.',
};

let n = 0;
/** A request closed (by staff) at `closedAt`, holding every field: personal values, free texts, link tokens. */
function closedRequest(closedAt: string, status: 'completed' | 'rejected' | 'forwarded' = 'completed'): RequestRecord {
  n += 1;
  const created = new Date(Date.parse(closedAt) - 20 * 86_400_000).toISOString();
  return {
    id: `request-${n}`,
    reference: formatReference(2024, n),
    type: 'rectification',
    status,
    subject: { name: personal.name, email: personal.email, phone: personal.phone, relation: 'organisation', organisation: personal.organisation, username: personal.username },
    details: personal.details,
    wrong: personal.wrong,
    correct: personal.correct,
    format: 'json',
    recipient: personal.recipient,
    restrictMeanwhile: true,
    createdAt: created,
    confirmedAt: created,
    dueAt: created.slice(0, 10),
    extension: { until: closedAt.slice(0, 10), reason: personal.extensionReason },
    decision: { outcome: status, reason: personal.decisionReason, by: 'maija', at: closedAt },
    events: [
      { at: created, actor: 'rekisteröity', action: 'submitted' },
      { at: created, actor: 'maija', action: 'note', note: personal.note },
      { at: closedAt, actor: 'maija', action: 'complete', note: personal.decisionReason },
    ],
    confirmTokenHash: `confirm-${n}`,
    statusTokenHash: `status-${n}`,
  };
}

/** A request in any status but closed, received at `createdAt`. */
function openRequest(createdAt: string, status: Status): RequestRecord {
  const { decision: _decision, ...record } = closedRequest(createdAt);
  return { ...record, status, createdAt };
}

/** An unconfirmed request whose confirmation link works until `confirmBy`. */
function unconfirmed(confirmBy: string): RequestRecord {
  const { decision: _d, extension: _e, confirmedAt: _c, dueAt: _due, statusTokenHash: _s, ...record } = closedRequest(confirmBy);
  return { ...record, status: 'awaiting_confirmation', confirmBy, events: record.events.slice(0, 1) };
}

/** A marketing ban request as intake stores it: done when received, no decision. */
function banRequest(createdAt: string): RequestRecord {
  n += 1;
  return {
    id: `request-${n}`,
    reference: formatReference(2024, n),
    type: 'marketing_ban',
    status: 'completed',
    subject: { email: personal.email },
    createdAt,
    events: [
      { at: createdAt, actor: 'rekisteröity', action: 'submitted' },
      { at: createdAt, actor: 'järjestelmä', action: 'ban_recorded' },
    ],
  };
}

/** Closing times either side of the end of the 24-month period at `now`. */
const ago = { periodAndASecond: '2024-03-15T11:59:59.000Z', periodLessADay: '2024-03-16T12:00:00.000Z' };

let store: Store;
let dataDir: string;
let remove: () => Promise<void>;
beforeEach(async () => {
  ({ dataDir, remove } = await tempDataDir());
  store = await Store.open(dataDir, collections, { log: () => {} });
});
afterEach(async () => {
  await store.close();
  await remove();
});

const put = (records: RequestRecord[], jobs: MailJob[] = [], bans: MarketingBan[] = []) =>
  store.update((tx) => {
    for (const record of records) tx.table(requests).put(record);
    for (const job of jobs) tx.table(mailJobs).put(job);
    for (const ban of bans) tx.table(marketingBans).put(ban);
  });
const run = (at = now, period = months) => store.update((tx) => purge(tx, at, period));
const plan = (at = now, period = months) => planPurge({ requests: store.view(requests), mailJobs: store.view(mailJobs) }, at, period);
const stored = (id: string) => store.view(requests).get(id);
/** Everything the store holds, sorted, for comparing two states. */
const everything = () => ({
  requests: [...store.view(requests).values()].sort((a, b) => a.id.localeCompare(b.id)),
  mailJobs: [...store.view(mailJobs).values()].sort((a, b) => a.id.localeCompare(b.id)),
  marketingBans: [...store.view(marketingBans).values()].sort((a, b) => a.email.localeCompare(b.email)),
});

/** The personal values and free texts still found in a record. */
function leftIn(record: unknown): string[] {
  const text = JSON.stringify(record);
  return Object.values(personal).filter((value) => text.includes(value));
}

describe('a purge', () => {
  test('pseudonymises a request closed 24 months and a second ago, keeping what shows it was handled', async () => {
    const old = closedRequest(ago.periodAndASecond);
    await put([old]);
    assert.deepEqual(await run(), { pseudonymised: 1, expired: 0, mailsDropped: 0 });
    const after = stored(old.id);
    assert.ok(after);
    assert.deepEqual(leftIn(after), []);
    assert.deepEqual(after.subject, { email: '', relation: 'organisation' });
    for (const field of ['details', 'wrong', 'correct', 'recipient', 'confirmTokenHash', 'statusTokenHash'] as const) assert.equal(after[field], undefined, field);
    assert.equal(after.extension?.reason, '');
    assert.equal(after.decision?.reason, '');
    assert.ok(after.events.every((event) => !('note' in event)));
    assert.equal(store.view(requests).find('statusToken', 'status-1'), undefined, 'the status link still finds it');
    assert.deepEqual(after, {
      id: old.id,
      reference: old.reference,
      type: old.type,
      status: 'completed',
      subject: { email: '', relation: 'organisation' },
      format: 'json',
      restrictMeanwhile: true,
      createdAt: old.createdAt,
      confirmedAt: old.confirmedAt,
      dueAt: old.dueAt,
      extension: { until: old.extension?.until, reason: '' },
      decision: { outcome: 'completed', reason: '', by: 'maija', at: ago.periodAndASecond },
      events: old.events.map(({ at, actor, action }) => ({ at, actor, action })),
      pseudonymisedAt: now.toISOString(),
    });
  });

  test('keeps a request closed 24 months less a day ago whole, in every closed status', async () => {
    const young = (['completed', 'rejected', 'forwarded'] as const).map((status) => closedRequest(ago.periodLessADay, status));
    await put(young);
    assert.deepEqual(await run(), nothing);
    for (const record of young) assert.deepEqual(stored(record.id), record);
  });

  test('pseudonymises rejected and forwarded requests too', async () => {
    const old = (['rejected', 'forwarded'] as const).map((status) => closedRequest(ago.periodAndASecond, status));
    await put(old);
    assert.equal((await run()).pseudonymised, 2);
    for (const record of old) assert.deepEqual(leftIn(stored(record.id)), []);
  });

  test('leaves open requests of any age untouched', async () => {
    const open = [openRequest('2015-01-01T00:00:00.000Z', 'received'), openRequest('2016-06-30T00:00:00.000Z', 'in_progress'), openRequest(now.toISOString(), 'in_progress')];
    await put(open);
    assert.deepEqual(await run(), nothing);
    for (const record of open) assert.deepEqual(stored(record.id), record);
  });

  test('deletes an unconfirmed request past its week and keeps one within it', async () => {
    const late = unconfirmed('2026-03-15T11:59:59.000Z');
    const waiting = unconfirmed('2026-03-16T12:00:00.000Z');
    await put([late, waiting]);
    assert.deepEqual(await run(), { pseudonymised: 0, expired: 1, mailsDropped: 0 });
    assert.equal(stored(late.id), undefined);
    assert.deepEqual(stored(waiting.id), waiting);
  });

  test('keeps marketing bans in force, and pseudonymises the old ban request (a copy of the address) after the period', async () => {
    const oldBan = banRequest('2020-05-01T08:00:00.000Z');
    const newBan = banRequest('2025-05-01T08:00:00.000Z');
    const bans = [
      { email: personal.email, createdAt: oldBan.createdAt, requestId: oldBan.id },
      { email: 'toinen@example.fi', createdAt: newBan.createdAt, requestId: newBan.id },
    ];
    await put([oldBan, newBan], [], bans);
    assert.deepEqual(await run(), { pseudonymised: 1, expired: 0, mailsDropped: 0 });
    assert.deepEqual(stored(oldBan.id)?.subject, { email: '' });
    assert.equal(stored(oldBan.id)?.pseudonymisedAt, now.toISOString());
    assert.deepEqual(stored(newBan.id), newBan);
    assert.deepEqual([...store.view(marketingBans).values()].sort((a, b) => a.email.localeCompare(b.email)), bans.sort((a, b) => a.email.localeCompare(b.email)));
  });

  test('drops the queued mails of the requests it purges, and only those', async () => {
    const old = closedRequest(ago.periodAndASecond);
    const late = unconfirmed('2026-03-01T00:00:00.000Z');
    const young = closedRequest(ago.periodLessADay);
    const stuck = { ...newJob(old.id, 'decided', new Date(ago.periodAndASecond)), attempts: 12 };
    const confirm = newJob(late.id, 'confirm', new Date('2026-02-22T00:00:00.000Z'));
    const kept = newJob(young.id, 'decided', new Date(ago.periodLessADay));
    await put([old, late, young], [stuck, confirm, kept]);
    assert.deepEqual(await run(), { pseudonymised: 1, expired: 1, mailsDropped: 2 });
    assert.deepEqual([...store.view(mailJobs).values()], [kept]);
  });

  test('a second purge changes nothing', async () => {
    await put([closedRequest(ago.periodAndASecond), unconfirmed('2026-03-01T00:00:00.000Z'), banRequest('2020-01-01T00:00:00.000Z')]);
    assert.deepEqual(await run(), { pseudonymised: 2, expired: 1, mailsDropped: 0 });
    const once = everything();
    const text = await storeText(dataDir);
    const later = new Date(now.getTime() + 86_400_000);
    assert.deepEqual(await run(later), nothing);
    assert.deepEqual(everything(), once);
    assert.equal(await storeText(dataDir), text, 'an empty purge wrote a journal record');
  });

  test('with RETENTION_MONTHS=1 purges what was closed a month ago', async () => {
    const month = closedRequest('2026-02-15T12:00:00.000Z');
    const fresh = closedRequest('2026-02-15T12:00:00.001Z');
    await put([month, fresh]);
    assert.deepEqual(await run(now, 1), { pseudonymised: 1, expired: 0, mailsDropped: 0 });
    assert.deepEqual(leftIn(stored(month.id)), []);
    assert.deepEqual(stored(fresh.id), fresh);
  });

  test('leaves none of the removed values in the store files once the store is closed', async () => {
    await put([closedRequest(ago.periodAndASecond), banRequest('2020-01-01T00:00:00.000Z')]);
    await run();
    await store.close();
    assert.deepEqual(leftIn(await storeText(dataDir)), []);
    store = await Store.open(dataDir, collections, { log: () => {} });
  });
});

describe('a dry run (planPurge)', () => {
  test('gives the counts the purge then gives, and changes nothing', async () => {
    const old = closedRequest(ago.periodAndASecond);
    const late = unconfirmed('2026-03-01T00:00:00.000Z');
    await put(
      [old, late, closedRequest(ago.periodLessADay), openRequest('2015-01-01T00:00:00.000Z', 'received'), unconfirmed('2026-03-20T00:00:00.000Z'), banRequest('2020-01-01T00:00:00.000Z')],
      [newJob(old.id, 'decided', now), newJob(late.id, 'confirm', now), newJob(late.id, 'staff_notify', now)],
      [{ email: personal.email, createdAt: '2020-01-01T00:00:00.000Z', requestId: 'x' }],
    );
    const before = { memory: everything(), files: await storeText(dataDir), disk: await Store.read(dataDir, collections).then((c) => c.list(requests)) };
    const planned = plan();
    assert.deepEqual(planned, { pseudonymised: 2, expired: 1, mailsDropped: 3 });
    assert.deepEqual(everything(), before.memory);
    assert.equal(await storeText(dataDir), before.files);
    assert.deepEqual(await Store.read(dataDir, collections).then((c) => c.list(requests)), before.disk);
    assert.deepEqual(await run(), planned);
    assert.deepEqual(plan(), nothing);
  });
});

describe('the retention period', () => {
  test('counts calendar months in UTC, clamped to the end of a shorter month', () => {
    const closedOn = (at: string) => ({ ...banRequest(at) });
    assert.equal(retentionEnds(closedOn('2024-01-31T23:30:00.000Z'), 1).toISOString(), '2024-02-29T23:30:00.000Z');
    assert.equal(retentionEnds(closedOn('2023-01-31T10:00:00.000Z'), 1).toISOString(), '2023-02-28T10:00:00.000Z');
    assert.equal(retentionEnds(closedOn('2024-02-29T10:00:00.000Z'), 24).toISOString(), '2026-02-28T10:00:00.000Z');
    assert.equal(retentionEnds(closedOn('2024-12-31T00:00:00.000Z'), 2).toISOString(), '2025-02-28T00:00:00.000Z');
    // A decided request's period runs from its decision, not from its arrival.
    assert.equal(retentionEnds(closedRequest('2024-05-10T09:00:00.000Z'), 24).toISOString(), '2026-05-10T09:00:00.000Z');
  });

  test('refuses a period that is not a whole number of months', () => {
    assert.throws(() => plan(now, 1.5), RangeError);
    assert.throws(() => plan(now, -1), RangeError);
  });
});

test('pseudonymising a record twice keeps the first time', () => {
  const once = pseudonymise(closedRequest(ago.periodAndASecond), now);
  assert.equal(pseudonymise(once, new Date('2030-01-01T00:00:00.000Z')), once);
});

test('for any requests and clock, nothing closed longer than the period keeps a personal value, and nothing else changes', async () => {
  const instant = fc.integer({ min: Date.parse('2018-01-01T00:00:00Z'), max: Date.parse('2030-12-31T23:59:59Z') }).map((ms) => new Date(ms).toISOString());
  const generated = fc.record({
    status: fc.constantFrom(...statuses),
    at: instant,
    ban: fc.boolean(),
    pseudonymised: fc.boolean(),
  });
  await fc.assert(
    fc.asyncProperty(fc.array(generated, { maxLength: 12 }), instant, fc.integer({ min: 1, max: 36 }), async (specs, clock, period) => {
      const at = new Date(clock);
      const records = specs.map(({ status, at: moment, ban, pseudonymised }): RequestRecord => {
        const record =
          status === 'awaiting_confirmation'
            ? unconfirmed(moment)
            : ban && status === 'completed'
              ? banRequest(moment)
              : status === 'received' || status === 'in_progress'
                ? openRequest(moment, status)
                : closedRequest(moment, status);
        const closed = ['completed', 'rejected', 'forwarded'].includes(record.status);
        return pseudonymised && closed ? pseudonymise(record, new Date(moment)) : record;
      });
      await store.update((tx) => {
        for (const record of tx.table(requests).values()) tx.table(requests).delete(record.id);
        for (const record of records) tx.table(requests).put(record);
      });
      const planned = plan(at, period);
      assert.deepEqual(await run(at, period), planned);
      for (const record of records) {
        const after = stored(record.id);
        const closed = ['completed', 'rejected', 'forwarded'].includes(record.status);
        if (closed && retentionEnds(record, period) <= at) {
          assert.deepEqual(leftIn(after), []);
          assert.ok(after?.pseudonymisedAt);
        } else if (record.status === 'awaiting_confirmation' && Date.parse(record.confirmBy ?? '') < at.getTime()) {
          assert.equal(after, undefined);
        } else {
          assert.deepEqual(after, record);
        }
      }
    }),
    { numRuns: 60 },
  );
});

describe('staff after a purge', () => {
  test('see a pseudonymised request on its page, without any removed value, and the purge in the audit log in Finnish', async () => {
    const t = await testApp();
    try {
      await addStaff(t);
      let cookie = await login(t);
      const request = {
        ...erasure,
        phone: '040 123 4567',
        relation: 'organisation',
        organisation: 'Oulun kaupunki',
        username: 'maija.opinaika',
        details: 'Poistakaa kaikki tietoni palvelusta.',
      };
      const reference = await confirmedRequest(t, request);
      const statusLink = linksIn((await t.mails()).at(-1)?.text ?? '').find((link) => link.includes('/pyynto/tila/')) ?? '';
      assert.equal((await t.app.request(new URL(statusLink).pathname)).status, 200);
      await act(t, cookie, reference, { action: 'start' });
      await act(t, cookie, reference, { action: 'extend', text: 'Pyyntöjä on paljon tässä kuussa.', until: '2026-03-31' });
      await act(t, cookie, reference, { action: 'note', text: 'Soitin asiakkaalle.' });
      assert.equal((await act(t, cookie, reference, { action: 'complete', text: 'Tietosi on poistettu, paitsi laskut.' })).status, 303);
      await postJson(t.app, '/api/requests', { type: 'marketing_ban', email: 'kielto@example.fi' });
      await t.mails();

      t.clock.now = new Date('2028-02-01T10:00:00.000Z');
      const counts = await t.store.update((tx) => purge(tx, t.clock.now, months));
      assert.deepEqual(counts, { pseudonymised: 2, expired: 0, mailsDropped: 0 });
      await new AuditLog(t.dataDir).append({ actor: 'järjestelmä', action: 'purge', counts }, t.clock.now);

      cookie = await login(t);
      const res = await asStaff(t, cookie, `/henkilosto/pyynnot/${reference}`);
      assert.equal(res.status, 200);
      const page = await res.text();
      assert.match(page, /Henkilötiedot on poistettu säilytysajan päätyttyä 1\.2\.2028\./);
      assert.match(page, new RegExp(reference));
      assert.match(page, /Pidennetty 31\.3\.2026 asti\./);
      const removed = [request.name, request.email, request.phone, request.organisation, request.username, request.details, 'Pyyntöjä on paljon', 'Soitin asiakkaalle', 'Tietosi on poistettu', 'Perustelu:'];
      for (const value of removed) assert.ok(!page.includes(value), `the page shows "${value}"`);
      assert.equal((await t.app.request(new URL(statusLink).pathname)).status, 410, 'the status link still works');
      const note = await act(t, cookie, reference, { action: 'note', text: 'Uusi merkintä Maijasta.' });
      assert.notEqual(note.status, 303, 'a note was added to a pseudonymised request');
      assert.match(await note.text(), /ei voi enää lisätä merkintöjä/);

      for (const path of ['/henkilosto/', '/henkilosto/pyynnot.csv', '/henkilosto/markkinointikiellot']) assert.equal((await asStaff(t, cookie, path)).status, 200, path);
      assert.match(await (await asStaff(t, cookie, '/henkilosto/markkinointikiellot')).text(), /kielto@example\.fi/);

      const log = await (await asStaff(t, cookie, '/henkilosto/loki?tapahtuma=purge')).text();
      assert.match(log, /pseudonymisoitu 2, vanhentuneita poistettu 0, jonosta poistettuja viestejä 0/);
      assert.deepEqual((await new AuditLog(t.dataDir).read({ action: 'purge' }))[0]?.counts, counts);
    } finally {
      await t.close();
    }
  });
});
