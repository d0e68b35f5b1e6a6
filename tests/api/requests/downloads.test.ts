/**
 * The subject downloads the answer's files from the status page: listed with name, size, SHA-256 and expiry,
 * sent as a harmless attachment, byte for byte, audited without personal data; a wrong link, an unknown file,
 * an expired and a deleted one each get a Finnish page; expired files go from disk.
 */
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { access, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, beforeEach, test } from 'node:test';
import { AuditLog } from '../../../api/audit/index.ts';
import { FileStore } from '../../../api/files/index.ts';
import { requests } from '../../../api/requests/collections.ts';
import { attachment, expireFiles } from '../../../api/requests/downloads.ts';
import { runPurge } from '../../../api/retention/run.ts';
import { publicUrl, testApp, type TestApp } from '../../fixtures/app.ts';
import { multipart } from '../../fixtures/multipart.ts';
import { linksIn } from '../../fixtures/outbox.ts';
import { erasure } from '../../fixtures/post.ts';
import { addStaff, asStaff, confirmedRequest, login } from '../../fixtures/staff.ts';

const content = Buffer.from(JSON.stringify({ nimi: 'Maija Meikäläinen', kurssit: ['Matematiikka 7', 'Fysiikka 8'] }, null, 2));
const sha256 = createHash('sha256').update(content).digest('hex');
const hostileName = 'tie"dot\\/..\u202Enosj.json';

let t: TestApp;
let reference: string;
let statusPath: string;
let fileId: string;

beforeEach(async () => {
  t = await testApp();
  await addStaff(t);
  const cookie = await login(t);
  reference = await confirmedRequest(t, { ...erasure, type: 'access' });
  const { type, body } = multipart([
    { name: 'action', value: 'complete' },
    { name: 'until', value: '' },
    { name: 'text', value: 'Tietosi ovat liitteenä.' },
    { name: 'files', filename: hostileName, bytes: content, extended: true },
  ]);
  const res = await asStaff(t, cookie, `/henkilosto/pyynnot/${reference}`, { method: 'POST', headers: { Origin: publicUrl, 'Content-Type': type }, body });
  assert.equal(res.status, 303, await res.text());
  const confirmed = (await t.mails()).find((mail) => /vahvistettu/.test(mail.subject));
  statusPath = new URL(linksIn(confirmed?.text ?? '').find((link) => link.includes('/pyynto/tila/')) ?? '').pathname;
  fileId = t.store.view(requests).find('reference', reference)?.files?.[0]?.id ?? '';
  assert.ok(fileId, 'the file was not stored with the answer');
});
afterEach(() => t.close());

const audited = async () => (await new AuditLog(t.dataDir).read({ action: 'download' })).map(({ actor, action, id }) => ({ actor, action, id }));

test('the status page lists the file with its name, size, SHA-256 and expiry, and the download is byte for byte, as a harmless attachment', async () => {
  const page = await (await t.app.request(statusPath)).text();
  assert.match(page, /Vastauksen tiedostot/);
  assert.match(page, new RegExp(sha256));
  assert.match(page, new RegExp(`${content.length.toLocaleString('fi-FI').replace(/\s/g, '\\s')} tavua`));
  assert.match(page, /Ladattavissa 14\.2\.2026 klo \d+\.\d\d asti/);
  const link = new RegExp(`href="(${statusPath}/tiedostot/${fileId})"`).exec(page)?.[1];
  assert.ok(link, 'no download link on the status page');

  const res = await t.app.request(link);
  assert.equal(res.status, 200);
  const bytes = Buffer.from(await res.arrayBuffer());
  assert.equal(createHash('sha256').update(bytes).digest('hex'), sha256);
  assert.equal(res.headers.get('cache-control'), 'no-store');
  assert.equal(res.headers.get('x-content-type-options'), 'nosniff');
  assert.equal(res.headers.get('content-type'), 'application/json; charset=utf-8');
  const disposition = res.headers.get('content-disposition') ?? '';
  assert.match(disposition, /^attachment; filename="[A-Za-z0-9._ -]+"; filename\*=UTF-8''[A-Za-z0-9%._~!-]+$/);
  assert.ok(!/[\n"\\/\u202e]/.test(disposition.slice('attachment; filename="'.length, -1).split('"; ')[0] ?? ''), disposition);
  assert.deepEqual(await audited(), [{ actor: 'rekisteröity', action: 'download', id: reference }]);
  const log = await readFile(join(t.dataDir, 'audit.jsonl'), 'utf8');
  assert.ok(!log.includes('meikalainen') && !log.includes('Meikäläinen'), 'the audit log names the subject');
});

test('a wrong token, an unknown file, an expired file and a deleted one each get a Finnish page; expired files go from disk', async () => {
  const wrongToken = await t.app.request(`/pyynto/tila/${'A'.repeat(43)}/tiedostot/${fileId}`);
  assert.equal(wrongToken.status, 404);
  assert.match(await wrongToken.text(), /Linkki ei ole voimassa/);
  const unknown = await t.app.request(`${statusPath}/tiedostot/${'B'.repeat(24)}`);
  assert.equal(unknown.status, 404);
  assert.match(await unknown.text(), /Tätä tiedostoa ei löytynyt/);

  t.clock.now = new Date(t.clock.now.getTime() + 15 * 86_400_000);
  const expired = await t.app.request(`${statusPath}/tiedostot/${fileId}`);
  assert.equal(expired.status, 410);
  assert.match(await expired.text(), /latausaika päättyi/);
  const path = join(t.dataDir, 'files', fileId);
  await access(path);
  // The file staff attached, and what the service holds about the subject.
  assert.equal(await expireFiles(t.store, new FileStore(t.dataDir, { write: undefined, read: [], plain: true }), t.clock.now), 2);
  await assert.rejects(access(path), 'an expired file is still on disk');
  assert.ok(t.store.view(requests).find('reference', reference)?.files?.[0]?.deletedAt, 'the deletion is not on the request');
  assert.equal(await expireFiles(t.store, new FileStore(t.dataDir, { write: undefined, read: [], plain: true }), t.clock.now), 0);
  const deleted = await t.app.request(`${statusPath}/tiedostot/${fileId}`);
  assert.equal(deleted.status, 410);
  assert.match(await (await t.app.request(statusPath)).text(), /Latausaika päättyi .* ja tiedosto on poistettu/);
  assert.deepEqual(await audited(), [], 'a refused download was audited as one');
});

test('a file deleted from disk behind the store is a Finnish 410, never half a file', async () => {
  await new FileStore(t.dataDir, { write: undefined, read: [], plain: true }).delete(fileId);
  const res = await t.app.request(`${statusPath}/tiedostot/${fileId}`);
  assert.equal(res.status, 410);
  assert.match(await res.text(), /Tiedostoa ei juuri nyt voi ladata/);
});

test('the attachment header can carry no quote, slash, line break or direction mark of a given name', () => {
  for (const name of ['a"b.json', 'a/b\\c.csv', 'rivi\nrivi.txt', '\u202Efdp.exe.json', '"; filename=evil.html', '..']) {
    const header = attachment(name);
    const [ascii, extended] = header.replace(/^attachment; filename="/, '').split('"; filename*=UTF-8\'\'');
    assert.match(ascii ?? '', /^[A-Za-z0-9._ -]+$/, header);
    assert.match(extended ?? '', /^[A-Za-z0-9%._~!-]+$/, header);
    assert.ok(!decodeURIComponent(extended ?? '').match(/[\n"/\\\u202e]/), header);
  }
});

test('a purge at the end of the retention period deletes the answer files from disk with the personal data', async () => {
  const files = new FileStore(t.dataDir, { write: undefined, read: [], plain: true });
  const path = join(t.dataDir, 'files', fileId);
  await access(path);
  t.clock.now = new Date('2028-02-01T12:00:00Z');
  const { counts } = await runPurge({ store: t.store, audit: new AuditLog(t.dataDir), now: t.clock.now, months: 24, dryRun: false, actor: 'järjestelmä', auditNothing: false, files });
  assert.equal(counts.pseudonymised, 1);
  await assert.rejects(access(path), 'the file outlived its request');
  assert.equal(t.store.view(requests).find('reference', reference)?.files, undefined);
});
