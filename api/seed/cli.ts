/**
 * `npm run seed -- --requests N --bans M [--seed S]`: fills an empty DATA_DIR with clearly fake data (see
 * index.ts), for trying the staff area and for the benchmark. Refuses a data directory that has data.
 */
import { parseArgs } from 'node:util';
import { collections } from '../collections.ts';
import { readSettings, SettingsError } from '../settings.ts';
import { keysOf } from '../store/cipher.ts';
import { KeyError, Store, StoreCorruptError, StoreLockedError } from '../store/store.ts';
import { seed } from './index.ts';

const usage = 'Usage: npm run seed -- --requests N --bans M [--seed S]   (fills an empty DATA_DIR with fake data)';

function count(value: string | undefined, name: string): number {
  if (value === undefined || !/^\d{1,7}$/.test(value)) throw new SettingsError(`--${name} must be a whole number from 0 to 9999999`);
  return Number(value);
}

try {
  const { values } = parseArgs({ options: { requests: { type: 'string' }, bans: { type: 'string' }, seed: { type: 'string' } } });
  const settings = readSettings(process.env);
  const options = { requests: count(values.requests, 'requests'), bans: count(values.bans, 'bans'), seed: count(values.seed ?? '1', 'seed'), now: new Date() };
  const started = performance.now();
  const store = await Store.open(settings.dataDir, collections, { keys: keysOf(settings.dataKey) });
  try {
    const result = await seed(store, options);
    const statuses = Object.entries(result.byStatus).map(([status, n]) => `${status} ${n}`).join(', ');
    console.log(`seed: ${result.requests} requests (${statuses}) and ${result.bans} marketing bans in ${settings.dataDir}, ${Math.round(performance.now() - started)} ms`);
  } finally {
    await store.close();
  }
} catch (error) {
  if (error instanceof SettingsError || error instanceof StoreCorruptError || error instanceof StoreLockedError || error instanceof KeyError) {
    console.error(`seed: ${error.message}`);
    if (error instanceof SettingsError) console.error(usage);
  } else if (error instanceof Error && error.message.startsWith('The data directory already has data')) {
    console.error(`seed: ${error.message}`);
  } else {
    throw error;
  }
  process.exitCode = 1;
}
