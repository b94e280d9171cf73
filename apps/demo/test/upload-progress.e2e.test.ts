import type { Page } from 'playwright-core';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { axeViolations } from './axe.js';
import { type DemoHarness, startDemo } from './harness.js';

// A sandbox of its own with Avala's 100 MiB upload limit (workflows.e2e.test.ts runs one of
// 64 KiB), so a file is large enough that its transfer can be watched.

let demo: DemoHarness;
let page: Page;

beforeAll(async () => {
  demo = await startDemo();
  page = await demo.open('#/upload');
});

afterAll(async () => {
  await demo?.close();
});

it('moves the bar of a 32 MiB file through intermediate values over HTTP/1.1 storage, without axe violations mid-upload', async () => {
  // The storage waits before reading the body: what the socket already took shows as progress.
  demo.sandbox.injectFault({
    type: 'delay',
    delayMs: 4_000,
    method: 'POST',
    path: '/__sandbox/storage/',
  });
  const form = page.getByTestId('upload-form');
  await form.getByLabel('Name').fill('Watched in Chromium');
  // Made in the page: 32 MiB sent over the DevTools protocol would cost seconds.
  const dropped = await page.evaluateHandle(() => {
    const transfer = new DataTransfer();
    transfer.items.add(new File([new Uint8Array(32 * 1024 * 1024)], 'big.bin'));
    return transfer;
  });
  await form.locator('.dropzone').dispatchEvent('drop', { dataTransfer: dropped });
  await form.getByRole('button', { name: /^Upload 1 file/ }).click();

  const bar = page.getByRole('progressbar', { name: 'big.bin upload progress' });
  await expect
    .poll(async () => Number(await bar.getAttribute('value')), { timeout: 10_000 })
    .toSatisfy((value: number) => value > 0 && value < 1);
  expect(await axeViolations(page)).toEqual([]);
  await demo.screenshot(page, 'upload-progress');

  await page
    .getByTestId('upload-outcome')
    .getByText(/Created Watched in Chromium with 1 item/)
    .waitFor({ timeout: 15_000 });
  expect(await bar.getAttribute('value')).toBe('1');
}, 40_000);
