/** Which Chromium the browser tests drive (Debian's, or CHROMIUM_PATH), and with which flags. */
export const chromiumPath = process.env.CHROMIUM_PATH || '/usr/bin/chromium';

/** No sandbox (root in CI), no GPU, and none of Chromium's own network traffic (the network is closed). */
export const chromiumArgs = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
  '--disable-quic',
];
