/** The first step of `npm test`: install Debian's Chromium when it is missing (Playwright cannot download one). */
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { chromiumPath } from './chromium.ts';

if (!existsSync(chromiumPath)) {
  if (process.env.CHROMIUM_PATH) {
    console.error(`CHROMIUM_PATH points to ${chromiumPath}, which does not exist.`);
    process.exit(1);
  }
  if (process.getuid?.() !== 0) {
    console.error('Chromium is missing. Install it as root: apt-get update && apt-get install -y chromium');
    process.exit(1);
  }
  console.log('Installing Debian\'s chromium for the browser tests…');
  const install = 'apt-get update && DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends chromium';
  const { status } = spawnSync('sh', ['-c', install], { stdio: 'inherit' });
  if (status !== 0 || !existsSync(chromiumPath)) {
    console.error('Installing chromium failed.');
    process.exit(1);
  }
}
