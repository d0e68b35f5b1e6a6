/** Staff at scale: the request list and the bans in pages of 50, their search and orders, and the streamed CSVs. */
import assert from 'node:assert/strict';
import { afterEach, beforeEach, describe, test } from 'node:test';
import { marketingBans, requests, type MarketingBan } from '../../../api/requests/collections.ts';
import type { RequestRecord } from '../../../api/requests/record.ts';
import type { TestApp } from '../../fixtures/app.ts';
import { asStaff, staffApp } from '../../fixtures/staff.ts';

let t: TestApp;
let cookie: string;
beforeEach(async () => {
  ({ t, cookie } = await staffApp());
});
afterEach(() => t.close());

const hour = 3_600_000;
const reference = (i: number) => `TS-2025-${String(i).padStart(5, '0')}`;

/**
 * Request i: received i hours after 1.6.2025 (so a larger i is newer), every third one still open with a
 * deadline somewhere in January–February 2026 (the app's clock is 31.1.2026, so some are overdue).
 */
function request(i: number): RequestRecord {
  const createdAt = new Date(Date.parse('2025-06-01T08:00:00Z') + i * hour).toISOString();
  const open = i % 3 === 0;
  return {
    id: `pyynto-${i}`,
    reference: reference(i),
    type: i % 2 ? 'access' : 'erasure',
    status: open ? (i % 2 ? 'in_progress' : 'received') : 'completed',
    subject: { email: `henkilo${i}@example.fi` },
    createdAt,
    confirmedAt: createdAt,
    dueAt: new Date(Date.parse('2026-01-01') + ((i * 7) % 61) * 24 * hour).toISOString().slice(0, 10),
    events: [],
  };
}

function unconfirmed(i: number): RequestRecord {
  const createdAt = new Date(Date.parse('2026-01-29T08:00:00Z') + i * 60_000).toISOString();
  return { id: `vahvistamaton-${i}`, reference: `TS-2026-${String(i).padStart(5, '0')}`, type: 'erasure', status: 'awaiting_confirmation', subject: { email: `odottaa${i}@example.fi` }, createdAt, confirmBy: '2026-02-05T08:00:00.000Z', events: [] };
}

function ban(i: number, email = `kielto${i}@example.fi`): MarketingBan {
  return { email, createdAt: new Date(Date.parse('2025-01-01T08:00:00Z') + i * hour).toISOString(), requestId: `kielto-${i}` };
}

const range = (from: number, to: number) => Array.from({ length: to - from + 1 }, (_, k) => from + k);

async function addRequests(records: RequestRecord[]) {
  await t.store.update((tx) => {
    for (const record of records) tx.table(requests).put(record);
  });
}

async function addBans(bans: MarketingBan[]) {
  await t.store.update((tx) => {
    for (const b of bans) tx.table(marketingBans).put(b);
  });
}

async function page(path: string): Promise<string> {
  const res = await asStaff(t, cookie, path);
  assert.equal(res.status, 200, `${path} answered ${res.status}`);
  return res.text();
}

/** The references in the request list's table, in order. */
function listed(html: string): string[] {
  const start = html.indexOf('aria-label="Pyyntölista"');
  if (start < 0) return [];
  return [...html.slice(start, html.indexOf('</table>', start)).matchAll(/>(TS-\d{4}-\d{5})</g)].map((m) => m[1] ?? '');
}

/** The addresses in the bans table, in order. */
function bansListed(html: string): string[] {
  const start = html.indexOf('<tbody>');
  if (start < 0) return [];
  return [...html.slice(start, html.indexOf('</tbody>', start)).matchAll(/<tr><td>([^<]+)<\/td>/g)].map((m) => m[1] ?? '');
}

/** The page links of the pager, as their query strings (&amp; read back as &). */
function pageLinks(html: string, label: string): string[] {
  const start = html.indexOf(`aria-label="${label}"`);
  assert.ok(start >= 0, `no pager "${label}"`);
  return [...html.slice(start, html.indexOf('</nav>', start)).matchAll(/href="([^"]*)"/g)].map((m) => (m[1] ?? '').replaceAll('&amp;', '&'));
}

describe('the request list in pages', () => {
  beforeEach(() => addRequests(range(1, 120).map(request)));

  test('shows 50 requests a page with the total, and the three pages hold every request once', async () => {
    const pages = await Promise.all(['/henkilosto/', '/henkilosto/?sivu=2', '/henkilosto/?sivu=3'].map(page));
    assert.deepEqual(pages.map((html) => listed(html).length), [50, 50, 20]);
    assert.equal(new Set(pages.flatMap(listed)).size, 120);
    assert.match(pages[0] ?? '', /Rivit 1–50 \/ 120/);
    assert.match(pages[1] ?? '', /Rivit 51–100 \/ 120/);
    assert.match(pages[2] ?? '', /Rivit 101–120 \/ 120/);
  });

  test('page links keep the filters, the search and the order', async () => {
    const html = await page('/henkilosto/?tyyppi=access&haku=example.fi&jarjestys=uusin');
    assert.equal(listed(html).length, 50);
    assert.match(html, /Rivit 1–50 \/ 60/);
    const links = pageLinks(html, 'Pyyntölistan sivut');
    assert.ok(links.length >= 2);
    for (const link of links) {
      const query = new URL(link, 'http://localhost').searchParams;
      assert.equal(query.get('tyyppi'), 'access', link);
      assert.equal(query.get('haku'), 'example.fi', link);
      assert.equal(query.get('jarjestys'), 'uusin', link);
    }
    assert.ok(links.some((link) => new URL(link, 'http://localhost').searchParams.get('sivu') === '2'));
  });

  test('a page that does not exist shows the nearest one with a note, never an error', async () => {
    const last = await page('/henkilosto/?sivu=3');
    const beyond = await page('/henkilosto/?sivu=99');
    assert.match(beyond, /Sivua 99 ei ole, joten näytetään sivu 3\./);
    assert.deepEqual(listed(beyond), listed(last));
    const first = listed(await page('/henkilosto/'));
    for (const asked of ['abc', '0', '-1', '1e3', '%20', '99999999999999999999']) {
      const html = await page(`/henkilosto/?sivu=${asked}`);
      assert.deepEqual(listed(html), first, `sivu=${asked}`);
      assert.match(html, /Sivua .* ei ole, joten näytetään sivu 1\./, `sivu=${asked}`);
    }
  });

  test('orders by deadline, overdue first, then decided ones newest first; or by date either way', async () => {
    const records = range(1, 120).map(request);
    const open = records.filter((r) => r.status !== 'completed');
    const byDeadline = [
      ...open.sort((a, b) => (a.dueAt ?? '').localeCompare(b.dueAt ?? '') || a.reference.localeCompare(b.reference)).map((r) => r.reference),
      ...range(1, 120)
        .reverse()
        .filter((i) => i % 3 !== 0)
        .map(reference),
    ];
    const all = async (query: string) => (await Promise.all([1, 2, 3].map((n) => page(`/henkilosto/?${query}&sivu=${n}`)))).flatMap(listed);
    assert.deepEqual(await all('jarjestys=maaraika'), byDeadline);
    assert.deepEqual(await all('x=1'), byDeadline, 'the deadline order is the default');
    assert.deepEqual(await all('jarjestys=uusin'), range(1, 120).reverse().map(reference));
    assert.deepEqual(await all('jarjestys=vanhin'), range(1, 120).map(reference));
    const html = await page('/henkilosto/');
    assert.match(html, /<tr class="overdue">/);
    assert.ok(listed(html)[0] === byDeadline[0]);
  });

  test('finds a request by any part of its reference, in any case', async () => {
    for (const haku of ['00042', '0042', 'ts-2025-00042', ' TS-2025-00042 ']) {
      const html = await page(`/henkilosto/?haku=${encodeURIComponent(haku)}`);
      assert.deepEqual(listed(html), [reference(42)], haku);
      assert.match(html, /: 1 pyyntö\./, haku);
    }
    assert.deepEqual(listed(await page('/henkilosto/?viite=00042')), [reference(42)], 'the old viite still works');
  });

  test('finds requests by the address, case and spaces ignored, or by a part of it', async () => {
    const exact = await page(`/henkilosto/?haku=${encodeURIComponent(' Henkilo42@Example.FI ')}`);
    assert.deepEqual(listed(exact), [reference(42)]);
    assert.match(exact, /Haku ”Henkilo42@Example.FI”: 1 pyyntö\./);
    const part = await page('/henkilosto/?haku=HENKILO11&jarjestys=vanhin');
    assert.deepEqual(listed(part), [11, ...range(110, 119)].map(reference));
    assert.match(part, /: 11 pyyntöä\./);
    const none = await page('/henkilosto/?haku=ei-ketaan@example.fi');
    assert.match(none, /: 0 pyyntöä\./);
    assert.match(none, /Ei pyyntöjä näillä ehdoilla\./);
  });

  test('shows at most 50 unconfirmed requests, newest first, with their total', async () => {
    await addRequests(range(1, 60).map(unconfirmed));
    const html = await page('/henkilosto/');
    const section = html.slice(html.indexOf('aria-label="Vahvistamattomat pyynnöt"'));
    const shown = [...section.slice(0, section.indexOf('</table>')).matchAll(/>(TS-2026-\d{5})</g)].map((m) => m[1]);
    assert.equal(shown.length, 50);
    assert.equal(shown[0], 'TS-2026-00060');
    assert.match(section, /Näytetään 50 uusinta, yhteensä 60\./);
    assert.equal(listed(html).length, 50, 'the list itself holds no unconfirmed request');
    const found = await page('/henkilosto/?haku=odottaa3@example.fi');
    assert.match(found.slice(found.indexOf('aria-label="Vahvistamattomat pyynnöt"')), />TS-2026-00003</);
  });
});

describe('the bans in pages', () => {
  beforeEach(() => addBans(range(1, 130).map((i) => ban(i))));

  test('shows 50 bans a page, newest first, with the total', async () => {
    const pages = await Promise.all(['', '?sivu=2', '?sivu=3'].map((query) => page(`/henkilosto/markkinointikiellot${query}`)));
    assert.deepEqual(pages.map((html) => bansListed(html).length), [50, 50, 30]);
    assert.deepEqual(pages.flatMap(bansListed), range(1, 130).reverse().map((i) => `kielto${i}@example.fi`));
    assert.match(pages[0] ?? '', /Rivit 1–50 \/ 130/);
    assert.match(await page('/henkilosto/markkinointikiellot?sivu=7'), /Sivua 7 ei ole, joten näytetään sivu 3\./);
  });

  test('a new or removed ban shows at once', async () => {
    assert.equal(bansListed(await page('/henkilosto/markkinointikiellot'))[0], 'kielto130@example.fi');
    await addBans([ban(500)]);
    assert.equal(bansListed(await page('/henkilosto/markkinointikiellot'))[0], 'kielto500@example.fi');
    // One out and one in keeps the count: the page still follows.
    await t.store.update((tx) => {
      tx.table(marketingBans).delete('kielto500@example.fi');
      tx.table(marketingBans).put(ban(400, 'uusi@example.fi'));
    });
    const html = await page('/henkilosto/markkinointikiellot');
    assert.equal(bansListed(html)[0], 'uusi@example.fi');
    assert.ok(!html.includes('kielto500@example.fi'));
  });

  test('finds a ban by its address, case and spaces ignored, or by a part of it', async () => {
    const exact = await page(`/henkilosto/markkinointikiellot?haku=${encodeURIComponent(' Kielto7@Example.FI ')}`);
    assert.deepEqual(bansListed(exact), ['kielto7@example.fi']);
    assert.match(exact, /: 1 kielto\./);
    const part = await page('/henkilosto/markkinointikiellot?haku=KIELTO12');
    assert.deepEqual(bansListed(part), [...range(120, 129).reverse(), 12].map((i) => `kielto${i}@example.fi`));
    assert.match(part, /: 11 kieltoa\./);
    const many = await page('/henkilosto/markkinointikiellot?haku=example.fi&sivu=2');
    assert.equal(bansListed(many).length, 50);
    for (const link of pageLinks(many, 'Kieltolistan sivut')) assert.equal(new URL(link, 'http://localhost').searchParams.get('haku'), 'example.fi', link);
  });
});

describe('the CSV exports', () => {
  /** The body's chunks as they arrive, and the text they make. */
  async function read(res: Response): Promise<{ chunks: number; lines: string[] }> {
    assert.ok(res.body, 'no body');
    const decoder = new TextDecoder();
    let text = '';
    let chunks = 0;
    for await (const chunk of res.body) {
      chunks += 1;
      text += decoder.decode(chunk, { stream: true });
    }
    assert.ok(text.endsWith('\r\n'));
    return { chunks, lines: text.slice(0, -2).split('\r\n') };
  }

  const headersOf = (res: Response, name: string) => {
    assert.equal(res.status, 200);
    assert.equal(res.headers.get('content-type'), 'text/csv; charset=utf-8');
    assert.equal(res.headers.get('content-disposition'), `attachment; filename="${name}"`);
    assert.equal(res.headers.get('cache-control'), 'no-store');
  };

  test('the bans stream in chunks, every one of them, with formulas kept as text', async () => {
    await addBans([...range(1, 2500).map((i) => ban(i)), ban(2501, '=hyperlink("x")@example.fi'), ban(2502, '-1+1@example.fi')]);
    const res = await asStaff(t, cookie, '/henkilosto/markkinointikiellot.csv');
    headersOf(res, 'markkinointikiellot.csv');
    const { chunks, lines } = await read(res);
    assert.equal(lines.length, 1 + 2502);
    assert.equal(lines[0], 'email,phone,created_at');
    assert.ok(chunks >= 3, `${chunks} chunks`);
    assert.ok(lines.includes(`"'=hyperlink(""x"")@example.fi",,${ban(2501).createdAt}`));
    assert.ok(lines.includes(`'-1+1@example.fi,,${ban(2502).createdAt}`));
    assert.equal(new Set(lines.slice(1).map((line) => line.split(',')[0])).size, 2502);
  });

  test('the requests stream, every one of them', async () => {
    await addRequests([...range(1, 1200).map(request), ...range(1, 30).map(unconfirmed)]);
    const res = await asStaff(t, cookie, '/henkilosto/pyynnot.csv');
    headersOf(res, 'pyynnot.csv');
    const { chunks, lines } = await read(res);
    assert.equal(lines[0], 'reference,type,status,created_at,confirmed_at,due_at,extended_until,decided_at,outcome,controller');
    assert.equal(lines.length, 1 + 1230);
    assert.ok(chunks >= 2, `${chunks} chunks`);
    assert.ok(lines.includes(`${reference(3)},access,in_progress,${request(3).createdAt},${request(3).createdAt},${request(3).dueAt},,,,`));
  });
});

describe('the size of a page', () => {
  test('stays that of 50 rows however many requests and bans there are', async () => {
    await addRequests(range(1, 50).map(request));
    await addBans(range(1, 50).map((i) => ban(i)));
    const small = { list: await page('/henkilosto/'), bans: await page('/henkilosto/markkinointikiellot') };
    await addRequests(range(51, 400).map(request));
    await addBans(range(51, 4000).map((i) => ban(i)));
    const large = { list: await page('/henkilosto/'), bans: await page('/henkilosto/markkinointikiellot') };
    assert.equal(listed(small.list).length, 50);
    assert.equal(listed(large.list).length, 50);
    assert.equal(bansListed(small.bans).length, 50);
    assert.equal(bansListed(large.bans).length, 50);
    // Beside its 50 rows, a page grows by its pager and counts only, by a few digits and links.
    const bytes = (html: string) => Buffer.byteLength(html);
    const rows = (html: string) => bytes(html.slice(html.indexOf('<tbody>'), html.indexOf('</tbody>')));
    for (const name of ['list', 'bans'] as const) {
      const [before, after] = [small[name], large[name]];
      assert.ok(rows(after) < 50 * 500, `${name}: ${rows(after)} bytes of rows`);
      assert.ok(bytes(after) - rows(after) - (bytes(before) - rows(before)) < 2000, `${name}: ${bytes(before)} → ${bytes(after)} bytes`);
    }
    assert.ok(bytes(large.list) < 200_000 && bytes(large.bans) < 200_000);
  });
});
