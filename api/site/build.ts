/**
 * The first step of `npm start`: build the site with Astro when dist/ is missing or out of date, or was built for
 * another public address (astro.config.mjs reads PUBLIC_URL from this same environment).
 */
import { fileURLToPath } from 'node:url';
import { build } from 'astro';
import { isStale, siteOrigin } from './stale.ts';

const root = fileURLToPath(new URL('../..', import.meta.url));
const origin = siteOrigin(process.env.PUBLIC_URL);

if (await isStale(root, undefined, origin)) {
  console.log(`tietosuoja: building the site for ${origin} (dist/ is missing, older than its sources or built for another address)…`);
  await build({ root });
}
