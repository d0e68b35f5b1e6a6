/**
 * The controller's statistics (/henkilosto/tilastot and its CSV) on a small store whose every number is counted
 * by hand below: arrivals by type and month (one deleted unconfirmed, one arriving at 01:30 Finnish time on the
 * 1st of a month), confirmations, decisions by outcome, days to decision (median and 90th percentile), the
 * shares decided on time with and without the extension, marketing bans by month; a pseudonymised request counts
 * as before; out-of-range years and months show the nearest with a note.
 */
import assert from 'node:assert/strict';
import { afterEach, beforeEach, test } from 'node:test';
import fc from 'fast-check';
import { marketingBans, requests, unconfirmedTallies } from '../../../api/requests/collections.ts';
import { dropExpired } from '../../../api/requests/intake.ts';
import type { RequestRecord } from '../../../api/requests/record.ts';
import { percentile, yearFigures, type Figures } from '../../../api/requests/statistics.ts';
import { pseudonymise } from '../../../api/retention/index.ts';
import { testApp, type TestApp } from '../../fixtures/app.ts';
import { addStaff, asStaff, login } from '../../fixtures/staff.ts';

let t: TestApp;
let cookie: string;

const record = (n: number, extra: Partial<RequestRecord> & Pick<RequestRecord, 'type' | 'createdAt'>): RequestRecord => ({
  id: `id-${n}`,
  reference: `TS-2025-0000${n}`,
  status: 'received',
  subject: { name: `Testi ${n}`, email: `testi${n}@example.fi`, relation: 'private' },
  events: [],
  ...extra,
});
const decided = (outcome: 'completed' | 'rejected' | 'forwarded', at: string) => ({ status: outcome, decision: { outcome, reason: 'Perustelu.', by: 'maija', at } });

/**
 * 2025, by hand (days are Finnish calendar days from arrival to decision; the first deadline one month from arrival):
 * 1 access        arrived 10.1.  decided 20.1. completed      10 days, on time
 * 2 erasure       arrived 15.1.  decided 14.2. rejected       30 days, on time (due 15.2.)
 * 3 rectification arrived 31.1.  decided 15.3. completed      43 days, late for 28.2., in time for the extension to 28.4.
 * 4 objection     arrived 1.2.   decided 5.3.  forwarded      32 days, late (due 1.3.)
 * 5 portability   arrived 1.4. at 01:30 Finnish time (31.3. 22:30 UTC), decided the same day: 0 days; pseudonymised
 * 6 marketing ban arrived 3.2. (no decision: the ban is in force at once)
 * 7 access        arrived 1.3., never confirmed, deleted when its week ran out: counted from the tally
 * 8 restriction   arrived 10.3., confirmed 11.3., still open
 * Bans: 3.2., 20.2. and 31.12. 22:30 UTC, which is 1.1.2026 in Finland.
 */
const store: RequestRecord[] = [
  record(1, { type: 'access', createdAt: '2025-01-10T10:00:00.000Z', confirmedAt: '2025-01-10T11:00:00.000Z', ...decided('completed', '2025-01-20T10:00:00.000Z') }),
  record(2, { type: 'erasure', createdAt: '2025-01-15T10:00:00.000Z', confirmedAt: '2025-01-15T12:00:00.000Z', ...decided('rejected', '2025-02-14T10:00:00.000Z') }),
  record(3, {
    type: 'rectification',
    createdAt: '2025-01-31T10:00:00.000Z',
    confirmedAt: '2025-01-31T12:00:00.000Z',
    dueAt: '2025-02-28',
    extension: { until: '2025-04-28', reason: 'Paljon pyyntöjä.' },
    ...decided('completed', '2025-03-15T10:00:00.000Z'),
  }),
  record(4, { type: 'objection', createdAt: '2025-02-01T10:00:00.000Z', confirmedAt: '2025-02-02T10:00:00.000Z', ...decided('forwarded', '2025-03-05T10:00:00.000Z') }),
  record(5, { type: 'portability', createdAt: '2025-03-31T22:30:00.000Z', confirmedAt: '2025-04-01T05:00:00.000Z', ...decided('completed', '2025-04-01T20:00:00.000Z') }),
  record(6, { type: 'marketing_ban', status: 'completed', subject: { email: 'testi6@example.fi' }, createdAt: '2025-02-03T10:00:00.000Z' }),
  record(7, { type: 'access', status: 'awaiting_confirmation', createdAt: '2025-03-01T10:00:00.000Z', confirmBy: '2025-03-08T10:00:00.000Z' }),
  record(8, { type: 'restriction', createdAt: '2025-03-10T10:00:00.000Z', confirmedAt: '2025-03-11T10:00:00.000Z' }),
];

beforeEach(async () => {
  t = await testApp({ clock: { now: new Date('2026-02-10T10:00:00Z') } });
  await t.store.update((tx) => {
    for (const r of store) tx.table(requests).put(r);
    for (const [email, createdAt] of [
      ['testi6@example.fi', '2025-02-03T10:00:00.000Z'],
      ['kielto@example.fi', '2025-02-20T10:00:00.000Z'],
      ['uusivuosi@example.fi', '2025-12-31T22:30:00.000Z'],
    ] as const) {
      tx.table(marketingBans).put({ email, createdAt, requestId: 'id-6' });
    }
  });
  // The unconfirmed one goes as it would: deleted, and counted in its month.
  assert.equal(await t.store.update((tx) => dropExpired(tx, t.clock.now)), 1);
  await t.store.update((tx) => tx.table(requests).put(pseudonymise(tx.table(requests).get('id-5') as RequestRecord, t.clock.now)));
  await addStaff(t, 'maija', 'handler');
  cookie = await login(t);
});
afterEach(() => t.close());

const views = () => ({ requests: t.store.view(requests), bans: t.store.view(marketingBans), tallies: t.store.view(unconfirmedTallies) });
const page = async (query = '') => {
  const res = await asStaff(t, cookie, `/henkilosto/tilastot${query}`);
  assert.equal(res.status, 200);
  return res.text();
};
/** The text of a table cell or heading, without tags. */
const plain = (html: string) => html.replace(/<[^>]+>/g, ' ').replace(/\s+/g, ' ');

test('the year and each month match the hand count', () => {
  const year = yearFigures(views(), 2025);
  const m = (n: number) => year.months[n - 1] as Figures;
  assert.deepEqual(
    year.months.map((f) => f.receivedTotal),
    [3, 2, 2, 1, 0, 0, 0, 0, 0, 0, 0, 0],
  );
  assert.deepEqual(year.total.received, { access: 2, rectification: 1, erasure: 1, restriction: 1, portability: 1, objection: 1, marketing_ban: 1 });
  assert.equal(year.total.receivedTotal, 8);
  assert.deepEqual(
    year.months.map((f) => f.confirmed),
    [3, 1, 1, 1, 0, 0, 0, 0, 0, 0, 0, 0],
  );
  assert.deepEqual([m(1).completed, m(2).rejected, m(3).completed, m(3).forwarded, m(4).completed], [1, 1, 1, 1, 1]);
  const { total } = year;
  assert.deepEqual([total.decided, total.completed, total.rejected, total.forwarded, total.extended], [5, 3, 1, 1, 1]);
  // Days [0, 10, 30, 32, 43]: the middle one; the 90th percentile at rank 3.6, 32 + 0.6 × (43 − 32).
  assert.equal(total.medianDays, 30);
  assert.ok(Math.abs((total.p90Days ?? 0) - 38.6) < 1e-9, String(total.p90Days));
  // In time for the first deadline: 1, 2 and 5; with the extension, 3 too.
  assert.equal(total.onTime, 3 / 5);
  assert.equal(total.onTimeExtended, 4 / 5);
  // March: 43 and 32 days; neither by the first deadline, one by its extension.
  assert.equal(m(3).medianDays, 37.5);
  assert.ok(Math.abs((m(3).p90Days ?? 0) - 41.9) < 1e-9);
  assert.deepEqual([m(3).onTime, m(3).onTimeExtended], [0, 0.5]);
  assert.deepEqual([m(5).medianDays, m(5).p90Days, m(5).onTime], [null, null, null]);
  // The ban recorded on 31.12. at 22:30 UTC is 2026's in Finland.
  assert.deepEqual([m(2).bans, m(12).bans, total.bans], [2, 0, 2]);
  assert.equal(yearFigures(views(), 2026).months[0]?.bans, 1);
  // The request that arrived at 01:30 on 1.4. Finnish time is April's, and was decided the same day.
  assert.deepEqual([m(3).received.portability, m(4).received.portability, m(4).medianDays], [0, 1, 0]);
});

test('a pseudonymised request counts as before, and so does one deleted unconfirmed', async () => {
  const before = yearFigures(views(), 2025);
  await t.store.update((tx) => {
    for (const r of [...tx.table(requests).values()]) tx.table(requests).put(pseudonymise(r, t.clock.now));
  });
  assert.ok([...t.store.view(requests).values()].every((r) => r.pseudonymisedAt && r.subject.email === ''));
  assert.deepEqual(yearFigures(views(), 2025), before);
  // A restart reads the same from disk, the tally included, and its indexes count the same.
  const disk = await t.disk();
  assert.deepEqual(disk.list(unconfirmedTallies), [{ month: '2025-03', counts: { access: 1 } }]);
  assert.deepEqual(yearFigures({ requests: disk.view(requests), bans: disk.view(marketingBans), tallies: disk.view(unconfirmedTallies) }, 2025), before);
});

test('percentiles interpolate between the closest ranks, as PERCENTILE.INC', () => {
  assert.equal(percentile([], 0.5), null);
  assert.equal(percentile([7], 0.9), 7);
  assert.equal(percentile([1, 2, 3, 4], 0.5), 2.5);
  assert.ok(Math.abs((percentile([1, 2, 3, 4, 5, 6, 7, 8, 9, 10], 0.9) ?? 0) - 9.1) < 1e-9);
});

test('the page shows the year with its summary, each chart with a title, a text alternative and its table', async () => {
  const html = await page('?vuosi=2025');
  assert.match(html, /<h1>Tilastot 2025<\/h1>/);
  const summary = plain(html.slice(html.indexOf('Yhteenveto: vuosi 2025'), html.indexOf('Saapuneet pyynnöt tyypeittäin')));
  for (const expected of [
    'Saapuneet pyynnöt 8',
    'Vahvistetut 6',
    'Toteutetut 3',
    'Hylätyt 1',
    'Siirretyt organisaatiolle 1',
    'Ratkaistut yhteensä 5',
    'Ratkaistuista määräaikaa pidennetty 1',
    'Käsittelyaika, mediaani 30 päivää',
    'Käsittelyaika, 90 %:n raja 38,6 päivää',
    'Ratkaistu kuukauden määräajassa 60,0 %',
    'Ratkaistu määräajassa, pidennykset mukaan lukien 80,0 %',
    'Markkinointikiellot 2',
  ]) {
    assert.ok(summary.includes(expected), `the summary lacks "${expected}": ${summary}`);
  }
  const svgs = html.match(/<svg[^>]*role="img"[\s\S]*?<\/svg>/g) ?? [];
  assert.equal(svgs.length, 6, 'one chart by type and five by month');
  for (const svg of svgs) {
    const [, titleId] = /aria-labelledby="([^"]+)"/.exec(svg) ?? [];
    const [, descId] = /aria-describedby="([^"]+)"/.exec(svg) ?? [];
    assert.match(svg, /role="img"/);
    assert.match(svg, new RegExp(`<title id="${titleId}">[^<]{10,}</title>`));
    assert.match(svg, new RegExp(`<desc id="${descId}">[^<]{20,}</desc>`));
    assert.doesNotMatch(svg, /style=|NaN|Infinity/);
  }
  // The text alternatives say the numbers in words.
  assert.match(html, /<desc[^>]*>Saapuneet pyynnöt vuonna 2025 yhteensä 8, vahvistettuja 6\. Saapuneita oli eniten tammikuussa \(3\)/);
  assert.match(html, /<desc[^>]*>Ratkaisuja vuonna 2025 yhteensä 5: toteutettuja 3, hylättyjä 1 ja organisaatiolle siirrettyjä 1\./);
  assert.match(html, /<desc[^>]*>Koko vuonna 2025 käsittelyajan mediaani oli 30 päivää ja 90 %:n raja 38,6 päivää\. Kuukausien mediaani vaihteli 0–37,5 päivää\./);
  // Each chart is followed by its table, with a row per month and the total.
  const durations = plain(html.slice(html.indexOf('id="kasittelyaika-otsikko"'), html.indexOf('id="maaraajassa-otsikko"')));
  assert.ok(durations.includes('maaliskuu 2 37,5 päivää 41,9 päivää'), durations);
  assert.ok(durations.includes('toukokuu 0 – –'), durations);
  assert.ok(durations.includes('Yhteensä 5 30 päivää 38,6 päivää'), durations);
  const onTime = plain(html.slice(html.indexOf('id="maaraajassa-otsikko"'), html.indexOf('id="kiellot-otsikko"')));
  assert.ok(onTime.includes('maaliskuu 2 1 0,0 % 50,0 %'), onTime);
  // Nothing personal: no name, address or reason.
  for (const personal of ['Testi 1', 'testi1@example.fi', 'kielto@example.fi', 'Perustelu', 'Paljon pyyntöjä']) assert.ok(!html.includes(personal), personal);
});

test('a month shows its own summary and types, and the year by month', async () => {
  const html = await page('?vuosi=2025&kuukausi=3');
  assert.match(html, /<h1>Tilastot: maaliskuu 2025<\/h1>/);
  const summary = plain(html.slice(html.indexOf('Yhteenveto: maaliskuu 2025'), html.indexOf('Saapuneet pyynnöt tyypeittäin')));
  assert.ok(summary.includes('Saapuneet pyynnöt 2') && summary.includes('Käsittelyaika, mediaani 37,5 päivää'), summary);
  const types = plain(html.slice(html.indexOf('Saapuneet pyynnöt tyypeittäin: maaliskuu 2025'), html.indexOf('Kuukausittain vuonna 2025')));
  assert.ok(types.includes('Tarkastuspyyntö 1') && types.includes('Käsittelyn rajoittamista koskeva pyyntö 1') && types.includes('Yhteensä 2'), types);
  assert.match(html, /<option value="3" selected>maaliskuu<\/option>/);
  assert.match(html, /href="\/henkilosto\/tilastot\.csv\?vuosi=2025&amp;kuukausi=3"/);
});

test('this year by default, its months so far; a year or month out of range shows the nearest with a note', async () => {
  const current = await page();
  assert.match(current, /<h1>Tilastot 2026<\/h1>/);
  assert.match(current, /<option value="2025"\s*>2025<\/option>/);
  assert.doesNotMatch(current, /<option value="2024"/, 'a year before the first request is offered');
  // February 2026 is the last month there is: the tables stop there.
  const bans = plain(current.slice(current.indexOf('id="kiellot-otsikko"')));
  assert.ok(bans.includes('tammikuu 1') && bans.includes('helmikuu 0') && !bans.includes('maaliskuu'), bans);
  // February is under way: the text alternative does not call it the quietest month, and says why.
  assert.match(current, /<desc[^>]*>Markkinointikieltoja kirjattiin vuonna 2026 yhteensä 1\. Helmikuun luvut kertyvät vielä, joten vertailussa ovat päättyneet kuukaudet\. Luvut ovat kaavion alla olevassa taulukossa\.<\/desc>/);
  const cases: [string, RegExp, RegExp][] = [
    ['?vuosi=1990', /Tilastot 2025</, /Vuodelta 1990 ei ole tilastoja, joten näytetään lähin vuosi, 2025\./],
    ['?vuosi=2031', /Tilastot 2026</, /Vuodelta 2031 ei vielä ole tilastoja, joten näytetään lähin vuosi, 2026\./],
    ['?vuosi=kaksi', /Tilastot 2026</, /”kaksi” ei ole vuosiluku, joten näytetään vuosi 2026\./],
    ['?vuosi=2025&kuukausi=13', /Tilastot: joulukuu 2025</, /Kuukautta 13 ei ole, joten näytetään lähin kuukausi, joulukuu 2025\./],
    ['?vuosi=2025&kuukausi=0', /Tilastot: tammikuu 2025</, /Kuukautta 0 ei ole, joten näytetään lähin kuukausi, tammikuu 2025\./],
    ['?kuukausi=7', /Tilastot: helmikuu 2026</, /Kuukaudelta heinäkuu 2026 ei vielä ole tilastoja, joten näytetään lähin kuukausi, helmikuu 2026\./],
    ['?vuosi=2025&kuukausi=maalis', /Tilastot 2025</, /”maalis” ei ole kuukauden numero \(1–12\), joten näytetään koko vuosi 2025\./],
  ];
  for (const [query, heading, note] of cases) {
    const html = await page(query);
    assert.match(html, heading, query);
    assert.match(html, note, query);
  }
  assert.doesNotMatch(await page('?vuosi=2025&kuukausi=3'), /role="status"/, 'a note for a period that exists');
});

test('the CSV has the same numbers: a line per month and the total, or the month asked for', async () => {
  const res = await asStaff(t, cookie, '/henkilosto/tilastot.csv?vuosi=2025');
  assert.equal(res.status, 200);
  assert.match(res.headers.get('content-type') ?? '', /^text\/csv/);
  assert.match(res.headers.get('content-disposition') ?? '', /filename="tilastot-2025\.csv"/);
  const lines = (await res.text()).trimEnd().split('\r\n');
  assert.equal(lines.length, 14, 'a header, twelve months and the year');
  assert.equal(
    lines[0],
    'Kuukausi,Tarkastuspyyntö,Oikaisupyyntö,Poistopyyntö,Käsittelyn rajoittamista koskeva pyyntö,Tietojen siirtoa koskeva pyyntö,Käsittelyn vastustaminen,Suoramarkkinointikielto,Saapuneet yhteensä,Vahvistetut,Toteutetut,Hylätyt,Siirretyt organisaatiolle,Ratkaistut yhteensä,Ratkaistuista määräaikaa pidennetty,Käsittelyaika mediaani (päivää),Käsittelyaika 90 %:n raja (päivää),Kuukauden määräajassa (%),Määräajassa pidennykset mukaan lukien (%),Markkinointikiellot',
  );
  assert.equal(lines[3], '2025-03,1,0,0,1,0,0,0,2,1,1,0,1,2,1,37.5,41.9,0,50,0');
  assert.equal(lines[5], '2025-05,0,0,0,0,0,0,0,0,0,0,0,0,0,0,,,,,0');
  assert.equal(lines[13], '2025,2,1,1,1,1,1,1,8,6,3,1,1,5,1,30,38.6,60,80,2');
  const month = (await (await asStaff(t, cookie, '/henkilosto/tilastot.csv?vuosi=2025&kuukausi=3')).text()).trimEnd().split('\r\n');
  assert.deepEqual(month.slice(1), [lines[3]]);
  // This year: the months so far and the total.
  const now = (await (await asStaff(t, cookie, '/henkilosto/tilastot.csv')).text()).trimEnd().split('\r\n');
  assert.deepEqual(
    now.slice(1).map((line) => line.split(',')[0]),
    ['2026-01', '2026-02', '2026'],
  );
});

test('any year and month query answers 200 with a page, never a 500', async () => {
  const value = fc.oneof(fc.string({ maxLength: 12 }), fc.integer({ min: -1e7, max: 1e7 }).map(String), fc.constantFrom('', ' 2025 ', '2025.5', '1e3', '0x7E9', '99999999999999999999', '%', '-0'));
  await fc.assert(
    fc.asyncProperty(value, value, async (year, month) => {
      const query = new URLSearchParams({ vuosi: year, kuukausi: month });
      for (const path of ['/henkilosto/tilastot', '/henkilosto/tilastot.csv']) {
        const res = await asStaff(t, cookie, `${path}?${query}`);
        assert.equal(res.status, 200, `${path}?${query}`);
        const text = await res.text();
        assert.ok(!text.includes('NaN') && !text.includes('undefined'), `${path}?${query}`);
      }
    }),
    { numRuns: 150 },
  );
});
