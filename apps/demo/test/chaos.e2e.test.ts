import type { Page } from 'playwright-core';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { axeViolations } from './axe.js';
import { type DemoHarness, startDemo } from './harness.js';

// What a person saw go wrong on the Chaos screen, in real Chromium against the sandbox.

let demo: DemoHarness;
let page: Page;

beforeAll(async () => {
  demo = await startDemo({ rateLimit: { limit: 1000, burst: 200 } });
  page = await demo.open('#/chaos');
});

afterAll(async () => {
  await demo?.close();
});

beforeEach(async () => {
  await demo.reset(page);
  await demo.go(page, '#/chaos');
  await page.getByRole('heading', { name: 'Chaos' }).waitFor();
});

/** The client-event rows, newest first, as `[type, description]`. */
async function eventRows(): Promise<[string, string][]> {
  return page
    .getByTestId('client-events')
    .locator('li')
    .evaluateAll((items) =>
      items.map((item) => {
        const spans = item.querySelectorAll('span');
        return [spans[1]?.textContent ?? '', spans[2]?.textContent ?? ''] as [string, string];
      }),
    );
}

/** Seconds in a text like "… 3 s …", or `undefined`. */
function seconds(text: string | null): number | undefined {
  const match = /(\d+) s\b/.exec(text ?? '');
  return match ? Number(match[1]) : undefined;
}

describe('chaos screen', () => {
  it('numbers a retried request "try 2" and shows no error row for a call that succeeded', async () => {
    await page.getByRole('button', { name: /^A 500/ }).click();
    await expect
      .poll(eventRows, { timeout: 10_000 })
      .toContainEqual(['response', '200 GET /datasets/ (try 2)']);
    const rows = await eventRows();
    expect(rows).toContainEqual(['response', '500 GET /datasets/ (try 1)']);
    expect(rows.find(([type]) => type === 'retry')?.[1]).toMatch(/^server_error: try 2 in \d+ ms$/);
    expect(rows.filter(([type]) => type === 'error')).toEqual([]);
    await demo.screenshot(page, 'chaos-events');
  });

  it('keeps the 503 toast counting down with the header while maintenance lasts', async () => {
    await page.getByTestId('maintenance-toggle').check();
    const toast = page.getByTestId('toast-service_unavailable');
    await toast.waitFor();
    // Past the first Retry-After (2 s): later 503s set later waits, which the toast follows.
    await page.waitForTimeout(3_000);
    await expect
      .poll(
        async () => {
          const toastSeconds = seconds(await toast.textContent());
          const headerSeconds = seconds(
            await page.getByTestId('rate-limit-meter').locator('.meter__detail').textContent(),
          );
          return (
            toastSeconds !== undefined &&
            headerSeconds !== undefined &&
            Math.abs(toastSeconds - headerSeconds) <= 1
          );
        },
        { timeout: 8_000, interval: 200 },
      )
      .toBe(true);
    await demo.screenshot(page, 'chaos-maintenance-countdown');
    expect(await axeViolations(page)).toEqual([]);
    await page.getByTestId('maintenance-toggle').uncheck();
    await page.getByTestId('toast-recovered').waitFor({ timeout: 15_000 });
  });

  it('shows an accessible 429 toast with its countdown, then recovers', async () => {
    demo.sandbox.injectFault({ type: 'status', status: 429, retryAfterS: 2, count: 1 });
    await page.getByRole('button', { name: 'Send GET /datasets/ now' }).click();
    const toast = page.getByTestId('toast-rate_limited');
    await toast.waitFor();
    expect(seconds(await toast.textContent())).toBeGreaterThan(0);
    expect(await axeViolations(page)).toEqual([]);
    await page.getByTestId('toast-recovered').waitFor({ timeout: 10_000 });
    expect(await axeViolations(page)).toEqual([]);
  });

  it('waits out a 2 s outage in words a person reads, then succeeds', async () => {
    await page.getByRole('button', { name: /network outage/ }).click();
    const seen: string[] = [];
    const until = Date.now() + 2_500;
    while (Date.now() < until) {
      seen.push((await page.getByTestId('probe-status').textContent()) ?? '');
      await page.waitForTimeout(100);
    }
    expect(seen.filter((text) => /failed to fetch/i.test(text))).toEqual([]);
    expect(seen.some((text) => /connection/i.test(text))).toBe(true);
    await expect
      .poll(() => page.getByTestId('probe-status').textContent(), { timeout: 10_000 })
      .toContain('succeeded');
    await page.getByTestId('toast-recovered').waitFor();
  });
});
