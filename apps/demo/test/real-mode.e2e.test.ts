import { once } from 'node:events';
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Browser } from 'playwright-core';
import type { ViteDevServer } from 'vite';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchChromium, screenshotDir, startDemoServer } from './harness.js';

// A stand-in for api.avala.ai: records what the dev server's proxy sends it.
const SERVER_KEY = 'avk_real_mode_server_side_only';
let upstream: Server;
const received: { url: string; headers: IncomingHttpHeaders }[] = [];
let vite: ViteDevServer;
let url: string;
let browser: Browser;

beforeAll(async () => {
  upstream = createServer((request, response) => {
    received.push({ url: request.url ?? '', headers: request.headers });
    response.setHeader('Content-Type', 'application/json');
    response.end(
      JSON.stringify({
        next: null,
        previous: null,
        count: 1,
        results: [{ uid: 'ds_real_1', name: 'From the real API', visibility: 'private' }],
      }),
    );
  });
  upstream.listen(0, '127.0.0.1');
  await once(upstream, 'listening');
  const { port } = upstream.address() as AddressInfo;
  ({ vite, url } = await startDemoServer({
    mode: 'real',
    apiKey: SERVER_KEY,
    apiOrigin: `http://127.0.0.1:${port}`,
  }));
  browser = await launchChromium();
});

afterAll(async () => {
  await browser?.close();
  await vite?.close();
  upstream?.closeAllConnections();
  await new Promise((resolve) => upstream?.close(resolve));
});

describe('real-API mode', () => {
  it('calls its own /api, the proxy adds the key, and neither the page nor a script contains it', async () => {
    const page = await browser.newPage();
    const scripts: string[] = [];
    page.on('response', async (response) => {
      const type = response.headers()['content-type'] ?? '';
      if (type.includes('javascript') || type.includes('html')) {
        scripts.push(await response.text().catch(() => ''));
      }
    });
    await page.goto(`${url}#/datasets`);
    await page.getByRole('link', { name: 'From the real API' }).waitFor();

    const call = received.find((entry) => entry.url.startsWith('/api/v1/datasets/'));
    expect(call?.headers['x-avala-api-key']).toBe(SERVER_KEY);
    expect(scripts.length).toBeGreaterThan(0);
    expect(scripts.some((body) => body.includes(SERVER_KEY))).toBe(false);
    // Sandbox-only controls are gone: no key switcher, no Chaos screen.
    expect(await page.getByTestId('key-switcher').count()).toBe(0);
    expect(await page.getByRole('link', { name: 'Chaos' }).count()).toBe(0);
    await page.screenshot({ path: `${screenshotDir}/real-mode.png` });
    await page.close();
  });
});
