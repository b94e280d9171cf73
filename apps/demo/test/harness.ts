/**
 * Starts what a person would run — the sandbox, the demo's Vite dev server pointed at it —
 * plus a real Chromium driven by playwright-core, and stops all three.
 */
import { mkdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import {
  findEndpoint,
  type Sandbox,
  type SandboxLogEntry,
  type SandboxOptions,
  startSandbox,
} from '@avala-fetch/sandbox';
import { type Browser, chromium, type Page } from 'playwright-core';
import { createServer, type ViteDevServer } from 'vite';
import { chromiumLaunchOptions } from '../../../scripts/chromium.js';
import { type DemoMode, demoViteConfig } from '../vite.config.js';

const here = dirname(fileURLToPath(import.meta.url));

/** Where the screenshots go (gitignored); look at them after a run. */
export const screenshotDir = join(here, 'screenshots');

/** The running demo of one test file. */
export interface DemoHarness {
  sandbox: Sandbox;
  vite: ViteDevServer;
  browser: Browser;
  /** The demo's URL, e.g. `http://localhost:51234/`. */
  url: string;
  /** A fresh page (own storage) on `hash`, with the demo rendered. */
  open(hash?: string): Promise<Page>;
  /**
   * Puts an open page back to the start without reloading it (a reload costs seconds on a
   * busy machine): the admin key, then the Chaos screen's reset, which resets the sandbox
   * and gives the app a new client, query cache and notices.
   */
  reset(page: Page): Promise<void>;
  /** Goes to a screen by its hash, as a link click would. */
  go(page: Page, hash: string): Promise<void>;
  /** Saves a full-page PNG of `page` as `screenshots/<name>.png`. */
  screenshot(page: Page, name: string): Promise<void>;
  close(): Promise<void>;
}

/** Starts the demo's Vite dev server (JS API, free port, no HMR or file watching). */
export async function startDemoServer(
  mode: DemoMode,
): Promise<{ vite: ViteDevServer; url: string }> {
  const config = demoViteConfig(mode);
  const vite = await createServer({
    ...config,
    configFile: false,
    logLevel: 'warn',
    server: { ...config.server, port: 0, strictPort: false, hmr: false, watch: null },
  });
  await vite.listen();
  const url = vite.resolvedUrls?.local[0];
  if (!url) throw new Error('The Vite dev server has no local URL');
  return { vite, url };
}

/** Debian's Chromium (or `CHROMIUM_PATH`), headless; never a downloaded browser. */
export function launchChromium(): Promise<Browser> {
  mkdirSync(screenshotDir, { recursive: true });
  return chromium.launch({ ...chromiumLaunchOptions, headless: true });
}

/** Starts the sandbox, the Vite dev server pointed at it, and Chromium. */
export async function startDemo(sandboxOptions: SandboxOptions = {}): Promise<DemoHarness> {
  const sandbox = await startSandbox({ ...sandboxOptions, port: 0 });
  const { vite, url } = await startDemoServer({ mode: 'sandbox', sandboxUrl: sandbox.url });
  const browser = await launchChromium();

  const go = async (page: Page, hash: string) => {
    await page.evaluate((target) => {
      window.location.hash = target;
    }, hash);
  };

  return {
    sandbox,
    vite,
    browser,
    url,
    go,
    async open(hash = '#/datasets') {
      const context = await browser.newContext({ viewport: { width: 1200, height: 900 } });
      const page = await context.newPage();
      page.setDefaultTimeout(10_000);
      page.on('pageerror', (error) => console.error('[demo page error]', error.message));
      await page.goto(`${url}${hash}`);
      await page.getByRole('heading', { name: 'avala-fetch demo' }).waitFor();
      return page;
    },
    async reset(page) {
      await go(page, '#/chaos');
      await page.getByTestId('key-switcher').selectOption('admin');
      const reset = page.getByRole('button', { name: /^Reset the sandbox/ });
      await reset.click();
      await page.getByRole('button', { name: /^Reset the sandbox/, disabled: false }).waitFor();
      // The fresh Chaos screen's first probe has landed: the next fault meets the next request.
      await page.getByTestId('probe-status').getByText('succeeded').waitFor();
    },
    async screenshot(page, name) {
      await page.screenshot({ path: join(screenshotDir, `${name}.png`), fullPage: true });
    },
    async close() {
      await browser.close().catch(() => {});
      await vite.close().catch(() => {});
      await sandbox.close();
    },
  };
}

/**
 * The app's requests in a sandbox log as `METHOD /path` under the API root; preflights are
 * the browser's own, not the app's.
 */
export function appRequests(entries: readonly SandboxLogEntry[]): string[] {
  return entries
    .filter((entry) => entry.method !== 'OPTIONS')
    .map((entry) => `${entry.method} ${entry.path.replace(/^\/api\/v1/, '')}`);
}

/** The requests that match no endpoint of the contract table (docs/avala-api.md). */
export function offContract(requests: readonly string[]): string[] {
  return requests.filter((request) => {
    const [method = '', path = ''] = request.split(' ');
    return findEndpoint(method, path) === undefined;
  });
}
