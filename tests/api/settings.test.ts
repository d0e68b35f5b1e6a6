import assert from 'node:assert/strict';
import { join } from 'node:path';
import { test } from 'node:test';
import { createApp } from '../../api/app.ts';
import { readSettings, SettingsError } from '../../api/settings.ts';

test('defaults to 127.0.0.1:4321 and ./data', () => {
  assert.deepEqual(readSettings({}), { port: 4321, host: '127.0.0.1', dataDir: './data' });
});

test('reads PORT, HOST and DATA_DIR from the environment', () => {
  assert.deepEqual(readSettings({ PORT: '0', HOST: '0.0.0.0', DATA_DIR: '/var/lib/tietosuoja' }), {
    port: 0,
    host: '0.0.0.0',
    dataDir: '/var/lib/tietosuoja',
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
});

test('refuses a data directory inside the served site', () => {
  assert.throws(() => createApp({ distDir: '/srv/dist', dataDir: '/srv/dist/data' }), /must not be inside/);
  assert.throws(() => createApp({ distDir: '/srv/dist', dataDir: '/srv/dist' }), /must not be inside/);
  assert.doesNotThrow(() => createApp({ distDir: '/srv/dist', dataDir: join('/srv', 'data') }));
});
