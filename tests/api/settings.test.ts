import assert from 'node:assert/strict';
import { join } from 'node:path';
import { test } from 'node:test';
import { createApp } from '../../api/app.ts';
import { readSettings, SettingsError } from '../../api/settings.ts';
import { publicUrl, testApp } from '../fixtures/app.ts';

test('defaults to 127.0.0.1:4321, ./data, the local address and the outbox', () => {
  assert.deepEqual(readSettings({}), {
    port: 4321,
    host: '127.0.0.1',
    dataDir: './data',
    publicUrl: 'http://localhost:4321',
    smtpUrl: undefined,
    mailFrom: 'Opinaika tietosuoja <tietosuoja@alfasoft.fi>',
    trustProxy: false,
    staffNotifyTo: undefined,
  });
});

test('reads every setting from the environment', () => {
  const env = {
    PORT: '0',
    HOST: '0.0.0.0',
    DATA_DIR: '/var/lib/tietosuoja',
    PUBLIC_URL: 'https://tietosuoja.opinaika.fi/',
    SMTP_URL: 'smtp://posti:salaisuus@mail.example:587',
    MAIL_FROM: 'Opinaika <tietosuoja@opinaika.fi>',
    TRUST_PROXY: 'true',
    STAFF_NOTIFY_TO: 'tietosuoja@alfasoft.fi',
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
  });
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
