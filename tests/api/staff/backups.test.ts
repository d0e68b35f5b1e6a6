/** Backup health on the staff front page: the newest files, and warnings staff cannot miss. */
import assert from 'node:assert/strict';
import { afterEach, test } from 'node:test';
import type { BackupStatus } from '../../../api/backup/shipper.ts';
import { freshBackups as fresh } from '../../fixtures/backups.ts';
import { testApp, type TestApp } from '../../fixtures/app.ts';
import { addStaff, asStaff, login } from '../../fixtures/staff.ts';


let t: TestApp;
afterEach(() => t.close());

/** The backups section of the front page, as staff see it. */
async function section(status?: BackupStatus): Promise<string> {
  t = await testApp(status ? { backups: () => status } : {});
  await addStaff(t);
  const res = await asStaff(t, await login(t), '/henkilosto/');
  assert.equal(res.status, 200);
  const page = await res.text();
  const start = page.indexOf('<section class="backups"');
  assert.ok(start >= 0, 'no backups section');
  assert.ok(start < page.indexOf('Pyyntöjä tiloittain'), 'the backups section is not at the top');
  return page.slice(start, page.indexOf('</section>', start));
}

const warnings = (html: string) => [...html.matchAll(/<p class="error">([^<]*)<\/p>/g)].map((m) => m[1]);

test('shows the newest full backup and journal file in Finnish time with their sizes', async () => {
  const html = await section(fresh);
  assert.match(html, /<h2 id="varmuuskopiot">Varmuuskopiot<\/h2>/);
  assert.match(html, /Uusin täysi varmuuskopio: 31\.1\.2026 klo 5\.00 \(1,2 Mt\)/);
  assert.match(html, /Uusin siirretty lokitiedosto: 31\.1\.2026 klo 11\.55 \(830 kt\)/);
  assert.deepEqual(warnings(html), []);
  assert.doesNotMatch(html, /Siirtoa odottaa/);
});

test('says when there is no backup yet, and warns that a full one is missing', async () => {
  const html = await section({ ...fresh, newestFull: undefined, newestJournal: undefined, fullOverdue: true });
  assert.match(html, /Uusin täysi varmuuskopio: ei vielä yhtään/);
  assert.match(html, /Uusin siirretty lokitiedosto: ei vielä yhtään/);
  assert.deepEqual(warnings(html), ['Täyttä varmuuskopiota ei ole vielä otettu.']);
});

test('warns when the newest full backup is older than a day', async () => {
  const html = await section({ ...fresh, newestFull: { ...fresh.newestFull!, at: '2026-01-29T03:00:00.000Z' }, fullOverdue: true });
  assert.match(html, /Uusin täysi varmuuskopio: 29\.1\.2026 klo 5\.00/);
  assert.deepEqual(warnings(html), ['Uusin täysi varmuuskopio on yli vuorokauden vanha.']);
});

test('warns when shipping fails, since when and why, and counts what waits', async () => {
  const html = await section({ ...fresh, failure: { since: '2026-01-31T08:00:00.000Z', reason: 'ENOSPC' }, waiting: 4 });
  assert.deepEqual(warnings(html), [
    'Varmuuskopioiden kirjoittaminen on epäonnistunut 31.1.2026 klo 10.00 lähtien (ENOSPC). Pyynnöt tallentuvat silti; siirto yritetään uudelleen automaattisesti. Tarkista BACKUP_DIR (/srv/varmuuskopiot).',
  ]);
  assert.match(html, /Siirtoa odottaa 4 tiedostoa\./);
});

test('shows both warnings when shipping fails and the full backup is overdue', async () => {
  const html = await section({ ...fresh, failure: { since: '2026-01-30T08:00:00.000Z', reason: 'EACCES' }, fullOverdue: true, waiting: 1 });
  assert.equal(warnings(html).length, 2);
  assert.match(html, /Siirtoa odottaa 1 tiedosto\./);
});

test('says backups are not set up when the server takes none', async () => {
  const html = await section();
  assert.match(html, /Varmuuskopiointia ei ole otettu käyttöön tässä palvelimessa\./);
  assert.doesNotMatch(html, /Uusin täysi/);
});

test('is the status of the moment: asked again at every page load', async () => {
  let calls = 0;
  t = await testApp({ backups: () => (calls++, fresh) });
  await addStaff(t);
  const cookie = await login(t);
  await asStaff(t, cookie, '/henkilosto/');
  await asStaff(t, cookie, '/henkilosto/');
  assert.equal(calls, 2);
});
