/** The first step of `npm start`: build the site with Astro when dist/ is missing or out of date. */
import { fileURLToPath } from 'node:url';
import { build } from 'astro';
import { isStale } from './stale.ts';

const root = fileURLToPath(new URL('../..', import.meta.url));

if (await isStale(root)) {
  console.log('tietosuoja: building the site (dist/ is missing or older than its sources)…');
  await build({ root });
}
