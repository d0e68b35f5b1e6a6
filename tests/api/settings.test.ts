import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { test } from 'node:test';
import { createApp } from '../../api/app.ts';
import { readSettings, SettingsError } from '../../api/settings.ts';
import { DataKey } from '../../api/store/cipher.ts';
import { publicUrl, testApp } from '../fixtures/app.ts';

test('defaults to 127.0.0.1:4321, ./data, the local address, the outbox, ./backups kept 30 days, 24 months, no key, files of 25 MB in answers of 100 MB for 14 days', () => {
  assert.deepEqual(readSettings({}), {
    port: 4321,
    host: '127.0.0.1',
    dataDir: './data',
    publicUrl: 'http://localhost:4321',
    smtpUrl: undefined,
    mailFrom: 'Opinaika tietosuoja <tietosuoja@alfasoft.fi>',
    trustProxy: false,
    staffNotifyTo: undefined,
    backupDir: './backups',
    backupKeepDays: 30,
    retentionMonths: 24,
    dataKey: undefined,
    fileMaxMb: 25,
    answerMaxMb: 100,
    downloadDays: 14,
  });
});

test('reads every setting from the environment', () => {
  const key = randomBytes(32).toString('base64');
  const env = {
    PORT: '0',
    HOST: '0.0.0.0',
    DATA_DIR: '/var/lib/tietosuoja',
    PUBLIC_URL: 'https://tietosuoja.opinaika.fi/',
    SMTP_URL: 'smtp://posti:salaisuus@mail.example:587',
    MAIL_FROM: 'Opinaika <tietosuoja@opinaika.fi>',
    TRUST_PROXY: 'true',
    STAFF_NOTIFY_TO: 'tietosuoja@alfasoft.fi',
    BACKUP_DIR: '/mnt/varmuuskopiot/tietosuoja',
    BACKUP_KEEP_DAYS: '90',
    RETENTION_MONTHS: '36',
    DATA_KEY: key,
    FILE_MAX_MB: '50',
    ANSWER_MAX_MB: '200',
    DOWNLOAD_DAYS: '30',
  };
  assert.deepEqual(readSettings(env), {
    port: 0,
    host: '0.0.0.0',
    dataDir: '/var/lib/tietosuoja',
    publicUrl: 'https://tietosuoja.opinaika.fi',
    smtpUrl: 'smtp://posti:salaisuus@mail.example:587',
    mailFrom: 'Opinaika <tietosuoja@opinaika.fi>',
    trustProxy: true,
    staffNotifyTo: 'tietosuoja@alfasoft.fi',
    backupDir: '/mnt/varmuuskopiot/tietosuoja',
    backupKeepDays: 90,
    retentionMonths: 36,
    dataKey: DataKey.parse(key),
    fileMaxMb: 50,
    answerMaxMb: 200,
    downloadDays: 30,
  });
  assert.deepEqual(readSettings(env).dataKey?.bytes, Buffer.from(key, 'base64'));
});

test('refuses a bad port or an empty directory, naming the variable', () => {
  assert.throws(() => readSettings({ PORT: 'http' }), (error: Error) => {
    assert.ok(error instanceof SettingsError);
    assert.match(error.message, /PORT must be a whole number/);
    return true;
  });
  assert.throws(() => readSettings({ PORT: '70000' }), /PORT must be at most 65535/);
  assert.throws(() => readSettings({ DATA_DIR: '  ' }), /DATA_DIR must not be empty/);
  assert.throws(() => readSettings({ PUBLIC_URL: 'tietosuoja.fi' }), /PUBLIC_URL must be a URL/);
  assert.throws(() => readSettings({ SMTP_URL: 'http://mail.example' }), /SMTP_URL must be a URL \(smtp/);
  assert.throws(() => readSettings({ TRUST_PROXY: 'yes' }), /TRUST_PROXY must be true or false/);
});

/** A SettingsError whose message names the variable and says what is wrong. */
function refuses(env: Record<string, string>, message: RegExp): void {
  assert.throws(
    () => readSettings(env),
    (error) => {
      assert.ok(error instanceof SettingsError, String(error));
      assert.match(error.message, message);
      return true;
    },
  );
}

test('reads the backup and retention periods at their bounds, and refuses others naming the variable', () => {
  assert.equal(readSettings({ BACKUP_KEEP_DAYS: '1' }).backupKeepDays, 1);
  assert.equal(readSettings({ BACKUP_KEEP_DAYS: '36500' }).backupKeepDays, 36_500);
  assert.equal(readSettings({ RETENTION_MONTHS: '1' }).retentionMonths, 1);
  assert.equal(readSettings({ RETENTION_MONTHS: '1200' }).retentionMonths, 1200);
  refuses({ BACKUP_KEEP_DAYS: '0' }, /BACKUP_KEEP_DAYS must be at least 1/);
  refuses({ BACKUP_KEEP_DAYS: 'x' }, /BACKUP_KEEP_DAYS must be a whole number/);
  refuses({ BACKUP_KEEP_DAYS: '-5' }, /BACKUP_KEEP_DAYS must be a whole number/);
  refuses({ BACKUP_KEEP_DAYS: '7.5' }, /BACKUP_KEEP_DAYS must be a whole number/);
  refuses({ BACKUP_KEEP_DAYS: '36501' }, /BACKUP_KEEP_DAYS must be at most 36500/);
  refuses({ RETENTION_MONTHS: '0' }, /RETENTION_MONTHS must be at least 1/);
  refuses({ RETENTION_MONTHS: 'kaksi vuotta' }, /RETENTION_MONTHS must be a whole number/);
  refuses({ RETENTION_MONTHS: '1201' }, /RETENTION_MONTHS must be at most 1200/);
  refuses({ BACKUP_DIR: ' ' }, /BACKUP_DIR must not be empty/);
});

test('reads the answer files\' limits at their bounds, and refuses others naming the variable', () => {
  assert.equal(readSettings({ FILE_MAX_MB: '1', ANSWER_MAX_MB: '1' }).fileMaxMb, 1);
  assert.equal(readSettings({ FILE_MAX_MB: '1024', ANSWER_MAX_MB: '1024' }).answerMaxMb, 1024);
  assert.equal(readSettings({ DOWNLOAD_DAYS: '1' }).downloadDays, 1);
  assert.equal(readSettings({ DOWNLOAD_DAYS: '365' }).downloadDays, 365);
  refuses({ FILE_MAX_MB: '0' }, /FILE_MAX_MB must be at least 1/);
  refuses({ FILE_MAX_MB: '2.5' }, /FILE_MAX_MB must be a whole number/);
  refuses({ FILE_MAX_MB: '1025', ANSWER_MAX_MB: '1024' }, /FILE_MAX_MB must be at most 1024/);
  refuses({ ANSWER_MAX_MB: '2000' }, /ANSWER_MAX_MB must be at most 1024/);
  refuses({ ANSWER_MAX_MB: 'sata' }, /ANSWER_MAX_MB must be a whole number/);
  refuses({ DOWNLOAD_DAYS: '0' }, /DOWNLOAD_DAYS must be at least 1/);
  refuses({ DOWNLOAD_DAYS: '366' }, /DOWNLOAD_DAYS must be at most 365/);
  // One answer must hold its largest file.
  refuses({ FILE_MAX_MB: '150' }, /ANSWER_MAX_MB must be at least FILE_MAX_MB/);
  refuses({ FILE_MAX_MB: '30', ANSWER_MAX_MB: '20' }, /ANSWER_MAX_MB must be at least FILE_MAX_MB/);
});

test('refuses a bad DATA_KEY naming it, without showing the value; an empty one is no key', () => {
  for (const bad of [randomBytes(31).toString('base64'), randomBytes(33).toString('base64'), 'salasana-salasana-salasana', randomBytes(32).toString('hex')]) {
    assert.throws(
      () => readSettings({ DATA_KEY: bad }),
      (error) => {
        assert.ok(error instanceof SettingsError, String(error));
        assert.match(error.message, /DATA_KEY must be 32 random bytes in base64 \(make one with: openssl rand -base64 32\)/);
        assert.ok(!error.message.includes(bad.slice(0, 10)), `the message shows the value: ${error.message}`);
        return true;
      },
    );
  }
  assert.equal(readSettings({ DATA_KEY: '' }).dataKey, undefined);
});

test('refuses a backup directory that is the data directory or inside it, however the paths are written', () => {
  const message = /BACKUP_DIR must not be DATA_DIR or inside it/;
  refuses({ DATA_DIR: '/var/lib/tietosuoja', BACKUP_DIR: '/var/lib/tietosuoja' }, message);
  refuses({ DATA_DIR: '/var/lib/tietosuoja', BACKUP_DIR: '/var/lib/tietosuoja/' }, message);
  refuses({ DATA_DIR: '/var/lib/tietosuoja', BACKUP_DIR: '/var/lib/tietosuoja/backups' }, message);
  refuses({ DATA_DIR: '/var/lib/tietosuoja', BACKUP_DIR: '/var/lib/other/../tietosuoja/backups' }, message);
  refuses({ BACKUP_DIR: './data/backups' }, message);
  refuses({ BACKUP_DIR: 'data' }, message);
  refuses({ DATA_DIR: 'varasto', BACKUP_DIR: join(process.cwd(), 'varasto', 'kopiot') }, message);
  // Beside it, even with a name that starts the same, is where backups belong.
  assert.equal(readSettings({ DATA_DIR: '/var/lib/tietosuoja', BACKUP_DIR: '/var/lib/tietosuoja-backups' }).backupDir, '/var/lib/tietosuoja-backups');
  assert.equal(readSettings({ BACKUP_DIR: '../backups' }).backupDir, '../backups');
});

test('refuses a backup directory inside the data directory whose name starts with two dots', () => {
  refuses({ DATA_DIR: '/var/lib/tietosuoja', BACKUP_DIR: '/var/lib/tietosuoja/..backups' }, /BACKUP_DIR must not be DATA_DIR or inside it/);
});

test('refuses a data directory inside the served site', async () => {
  const t = await testApp();
  try {
    const options = { store: t.store, postman: t.postman, publicUrl, trustProxy: false };
    assert.throws(() => createApp({ ...options, distDir: t.distDir, dataDir: join(t.distDir, 'data') }), /must not be inside/);
    assert.throws(() => createApp({ ...options, distDir: t.distDir, dataDir: t.distDir }), /must not be inside/);
    assert.doesNotThrow(() => createApp({ ...options, distDir: t.distDir, dataDir: t.dataDir }));
  } finally {
    await t.close();
  }
});
