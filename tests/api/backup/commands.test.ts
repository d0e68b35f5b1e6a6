/**
 * The operator's commands against a real server process: npm run backup / restore / rekey / purge, and
 * DATA_KEY as the server meets it. What they print, what they refuse, and that a refusal changes nothing.
 */
import assert from 'node:assert/strict';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, test } from 'node:test';
import { collections } from '../../../api/collections.ts';
import { requests } from '../../../api/requests/collections.ts';
import { DataKey, keysOf } from '../../../api/store/cipher.ts';
import { Store } from '../../../api/store/store.ts';
import { runCommand, treeOf, type Run } from '../../fixtures/backups.ts';
import { isRunning, startServer, stop, type Child } from '../../fixtures/server.ts';

let root: string;
let dataDir: string;
let backupDir: string;
const running: Child[] = [];
beforeEach(async () => {
  root = await mkdtemp(join(tmpdir(), 'tietosuoja-commands-'));
  dataDir = join(root, 'data');
  backupDir = `${dataDir}-backups`;
});
afterEach(async () => {
  await Promise.all(running.splice(0).map((child) => stop(child, 'SIGKILL')));
  await rm(root, { recursive: true, force: true });
});

const keyText = () => DataKey.random().bytes.toString('base64');
const env = (extra: Record<string, string> = {}) => ({ DATA_DIR: dataDir, BACKUP_DIR: backupDir, ...extra });

async function start(extra: Record<string, string> = {}): Promise<Child> {
  const result = await startServer(dataDir, extra);
  assert.ok(isRunning(result), `the server did not start: ${'stderr' in result ? result.stderr : ''}`);
  running.push(result);
  return result;
}

async function stopServer(child: Child): Promise<void> {
  await stop(child);
  running.splice(running.indexOf(child), 1);
}

let clients = 0;
async function submit(server: Child, email: string, name: string): Promise<void> {
  clients += 1;
  const res = await fetch(`${server.url}/api/requests`, {
    method: 'POST',
    headers: { Origin: 'http://localhost:4321', 'Content-Type': 'application/json', Accept: 'application/json', 'X-Test': String(clients) },
    body: JSON.stringify({ type: 'erasure', name, email, relation: 'private' }),
  });
  assert.equal(res.status, 201, await res.text());
}

/** A failure is one line on stderr, exit code 1, and no stack trace. */
function failsInOneLine(run: Run, pattern: RegExp): void {
  assert.equal(run.code, 1, `exit code ${run.code}: ${run.stdout}${run.stderr}`);
  const lines = run.stderr.trim().split('\n');
  assert.equal(lines.length, 1, run.stderr);
  assert.match(lines[0] as string, pattern);
  assert.ok(!/\n\s+at /.test(run.stderr), 'a stack trace');
}

describe('npm run backup and restore with a server running', () => {
  test('the backup is taken by the server, its path printed last; restore is refused while the server runs, changing nothing', async () => {
    const server = await start();
    await submit(server, 'maija@example.fi', 'Maija Meikäläinen');
    const backup = await runCommand('backup', [], env());
    assert.equal(backup.code, 0, backup.stderr);
    const path = backup.stdout.trim().split('\n').at(-1) as string;
    assert.ok(path.startsWith(backupDir) && path.endsWith('.backup'), path);
    const check = await runCommand('restore', ['--check', path], env());
    assert.equal(check.code, 0, check.stderr);
    assert.match(check.stdout, /OK: .* requests 1/);

    const before = treeOf(dataDir);
    const refused = await runCommand('restore', [path], env());
    failsInOneLine(refused, /a server holds the data directory .* stop it first/);
    assert.deepEqual(Object.keys(treeOf(dataDir)).sort(), Object.keys(before).sort());
    assert.equal(treeOf(dataDir)['db.json'], before['db.json']);

    await stopServer(server);
    const restored = await runCommand('restore', [path], env());
    assert.equal(restored.code, 0, restored.stderr);
    assert.match(restored.stdout, /Restored the state of .*requests 1/);
    assert.match(restored.stdout, /replaced data directory is kept at .*data\.before-restore-/);
    assert.equal((await Store.read(dataDir, collections)).list(requests).length, 1);
  });

  test('a damaged backup is refused by --check and by restore, naming the file, exit code 1', async () => {
    const server = await start();
    await submit(server, 'maija@example.fi', 'Maija Meikäläinen');
    const path = (await runCommand('backup', [], env())).stdout.trim().split('\n').at(-1) as string;
    await stopServer(server);
    const bytes = await readFile(path);
    bytes[Math.floor(bytes.length / 2)] = (bytes[Math.floor(bytes.length / 2)] as number) ^ 0x04;
    await writeFile(path, bytes);
    failsInOneLine(await runCommand('restore', ['--check', path], env()), new RegExp(`${path.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')} is damaged`));
    const before = treeOf(root);
    failsInOneLine(await runCommand('restore', [path], env()), /is damaged/);
    assert.ok(JSON.stringify(treeOf(root)) === JSON.stringify(before), 'a refused restore changed a file');
  });

  test('every command fails in one line with exit code 1 on bad input', async () => {
    failsInOneLine(await runCommand('restore', [join(root, 'ei-ole.backup')], env()), /does not exist/);
    failsInOneLine(await runCommand('restore', ['--at', 'eilen'], env()), /--at must be a moment/);
    failsInOneLine(await runCommand('restore', [], env()), /give one backup file/);
    failsInOneLine(await runCommand('rekey', [], env()), /NEW_DATA_KEY is not set/);
    failsInOneLine(await runCommand('rekey', [], env({ NEW_DATA_KEY: 'lyhyt' })), /NEW_DATA_KEY must be 32 random bytes/);
    failsInOneLine(await runCommand('backup', [], env({ DATA_KEY: 'ei avain' })), /DATA_KEY must be 32 random bytes/);
    await writeFile(join(root, 'tiedosto'), 'ei hakemisto');
    failsInOneLine(await runCommand('backup', [], env({ BACKUP_DIR: join(root, 'tiedosto', 'backups') })), /BACKUP_DIR .* cannot be made/);
  });
});

describe('DATA_KEY', () => {
  test('with it, no subject’s address or name is in plain text anywhere under DATA_DIR (outbox aside) or BACKUP_DIR', async () => {
    const key = keyText();
    let server = await start({ DATA_KEY: key });
    for (let i = 0; i < 3; i++) await submit(server, `salainen.osoite${i}@example.fi`, `Salainen Nimi${i}`);
    assert.equal((await runCommand('backup', [], env({ DATA_KEY: key }))).code, 0);
    // A stop hands the journal to the backups, and the next start ships it.
    await stopServer(server);
    server = await start({ DATA_KEY: key });
    await submit(server, 'salainen.osoite9@example.fi', 'Salainen Nimi9');
    await stopServer(server);
    const files = { ...prefixed('data', treeOf(dataDir)), ...prefixed('backups', treeOf(backupDir)) };
    assert.ok(Object.keys(files).some((name) => name.startsWith('backups/journal-')), Object.keys(files).join(' '));
    for (const [name, base64] of Object.entries(files)) {
      if (name.startsWith('data/outbox/')) continue;
      const text = Buffer.from(base64, 'base64').toString('latin1');
      assert.ok(!text.includes('salainen.osoite') && !text.includes('Salainen Nimi'), `${name} holds personal data in plain text`);
    }
    const stored = await Store.read(dataDir, collections, keysOf(DataKey.parse(key)));
    assert.equal(stored.list(requests).length, 4);
  });

  test('a wrong or missing key stops the start with a message naming DATA_KEY, and every file stays as it was', async () => {
    const key = keyText();
    const server = await start({ DATA_KEY: key });
    await submit(server, 'maija@example.fi', 'Maija Meikäläinen');
    await stopServer(server);
    const before = JSON.stringify(treeOf(dataDir));
    for (const wrong of [keyText(), '']) {
      const refusal = await startServer(dataDir, { DATA_KEY: wrong });
      assert.ok(!isRunning(refusal), 'the server started with a wrong key');
      assert.equal(refusal.code, 1);
      assert.match(refusal.stderr, /DATA_KEY/);
      assert.ok(!refusal.stderr.includes(key), 'the message shows the key');
      assert.ok(JSON.stringify(treeOf(dataDir)) === before, 'a refused start changed a file');
    }
    // And a plain store is not opened with a key, which would leave it half encrypted.
    await rm(root, { recursive: true, force: true });
    const plain = await start();
    await submit(plain, 'maija@example.fi', 'Maija Meikäläinen');
    await stopServer(plain);
    const refusal = await startServer(dataDir, { DATA_KEY: keyText() });
    assert.ok(!isRunning(refusal));
    assert.match(refusal.stderr, /stored unencrypted, but DATA_KEY is set.*npm run rekey/);
  });

  test('without it the server warns once that data is stored unencrypted', async () => {
    const server = await start();
    await submit(server, 'maija@example.fi', 'Maija Meikäläinen');
    await stopServer(server);
    const warnings = server.stderr().split('\n').filter((line) => line.includes('DATA_KEY'));
    assert.deepEqual(warnings, ['tietosuoja: DATA_KEY is not set, so requests are stored unencrypted in DATA_DIR and BACKUP_DIR (see the README)']);
    const keyed = await start({ DATA_KEY: keyText(), DATA_DIR: join(root, 'toinen') });
    await stopServer(keyed);
    assert.ok(!keyed.stderr().includes('unencrypted'));
  });

  test('rekey: a plain store encrypted, then the key rotated; the old key no longer opens it, backups follow', async () => {
    let server = await start();
    await submit(server, 'maija@example.fi', 'Maija Meikäläinen');
    await runCommand('backup', [], env());
    await stopServer(server);
    const first = keyText();
    const encrypt = await runCommand('rekey', [], env({ NEW_DATA_KEY: first }));
    assert.equal(encrypt.code, 0, encrypt.stderr);
    assert.match(encrypt.stdout, /Re-encrypted the store .* \(\d+ records\)/);
    assert.match(encrypt.stdout, /Re-encrypted \d+ backup files?/);

    server = await start({ DATA_KEY: first });
    await submit(server, 'toinen@example.fi', 'Toinen Henkilö');
    await stopServer(server);
    const second = keyText();
    const rotate = await runCommand('rekey', [], env({ DATA_KEY: first, NEW_DATA_KEY: second }));
    assert.equal(rotate.code, 0, rotate.stderr);
    const refusal = await startServer(dataDir, { DATA_KEY: first });
    assert.ok(!isRunning(refusal), 'the old key still opens the store');
    const stored = await Store.read(dataDir, collections, keysOf(DataKey.parse(second)));
    assert.deepEqual(stored.list(requests).map((r) => r.subject.email).sort(), ['maija@example.fi', 'toinen@example.fi']);
    const check = await runCommand('restore', ['--check'], env({ DATA_KEY: second }));
    assert.equal(check.code, 0, check.stdout + check.stderr);
    failsInOneLine(await runCommand('restore', ['--check'], env({ DATA_KEY: first })), /backup files verified, \d+ not/);
  });
});

describe('npm run purge', () => {
  test('--dry-run counts and changes nothing, with or without a server; a purge is one audit line with counts', async () => {
    const server = await start();
    await submit(server, 'maija@example.fi', 'Maija Meikäläinen');
    const before = treeOf(dataDir)['db.json'];
    const dry = await runCommand('purge', ['--dry-run'], env());
    assert.equal(dry.code, 0, dry.stderr);
    assert.match(dry.stdout, /Dry run: a purge now would pseudonymise 0 requests .* Nothing was changed\./);
    const done = await runCommand('purge', [], env());
    assert.equal(done.code, 0, done.stderr);
    assert.match(done.stdout, /^Purged: pseudonymised 0 requests/);
    await stopServer(server);
    assert.ok(before);
    const audit = (await readFile(join(dataDir, 'audit.jsonl'), 'utf8')).trim().split('\n').map((line) => JSON.parse(line) as { action: string; counts?: unknown });
    const purges = audit.filter((entry) => entry.action === 'purge');
    assert.equal(purges.length, 1, 'the dry run wrote an audit line, or the purge did not');
    assert.deepEqual(purges[0]?.counts, { pseudonymised: 0, expired: 0, mailsDropped: 0 });
    assert.ok(!JSON.stringify(audit).includes('maija'), 'the audit log names the subject');

    const offline = await runCommand('purge', ['--dry-run'], env());
    assert.equal(offline.code, 0, offline.stderr);
    assert.match(offline.stdout, /Dry run/);
  });
});

function prefixed(prefix: string, tree: Record<string, string>): Record<string, string> {
  return Object.fromEntries(Object.entries(tree).map(([name, value]) => [`${prefix}/${name}`, value]));
}
