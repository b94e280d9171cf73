/**
 * How every browser test here launches Chromium: Debian's build (or `CHROMIUM_PATH`), never
 * a downloaded one, with the background traffic this network-less machine refuses turned off.
 * Shared by the Vitest browser project (`vite.config.ts`) and the demo's end-to-end harness.
 */
export const chromiumLaunchOptions = {
  executablePath: process.env.CHROMIUM_PATH || '/usr/bin/chromium',
  args: [
    '--no-sandbox',
    '--disable-gpu',
    '--disable-quic',
    '--no-first-run',
    '--disable-background-networking',
    '--disable-component-update',
    '--disable-sync',
  ],
};
