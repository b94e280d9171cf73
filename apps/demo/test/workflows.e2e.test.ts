import type { SandboxLogEntry } from '@avala-fetch/sandbox';
import type { Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { axeViolations } from './axe.js';
import { appRequests, type DemoHarness, offContract, startDemo } from './harness.js';

let demo: DemoHarness;
let page: Page;

beforeAll(async () => {
  demo = await startDemo({
    // Exports that outlast the start of six, and end within the test.
    exportDurationMs: 3_000,
    // A small window, so a burst of 150 meets it in seconds instead of a minute.
    rateLimit: { limit: 60, windowMs: 3_000, burst: 20 },
    // A small upload limit, so an over-limit file is a few KiB.
    maxUploadBytes: 64 * 1024,
  });
  page = await demo.open('#/datasets');
});

afterAll(async () => {
  await demo?.close();
});

beforeEach(async () => {
  await demo.reset(page);
});

// Every request the demo sent in this file, kept before the next test's reset empties the log.
const sent: SandboxLogEntry[] = [];
afterEach(() => {
  sent.push(...(demo?.sandbox.log ?? []));
});

// The page's background in each theme (styles.css: --bg).
const LIGHT_BG = 'rgb(246, 247, 249)';
const DARK_BG = 'rgb(18, 21, 27)';
const pageBackground = (target: Page) =>
  target.evaluate(() => getComputedStyle(document.documentElement).backgroundColor);

async function open(hash: string): Promise<Page> {
  await demo.go(page, hash);
  await page.locator('main h2').waitFor();
  return page;
}

const file = (name: string, bytes: number) => ({
  name,
  mimeType: 'image/jpeg',
  buffer: Buffer.alloc(bytes, 1),
});

describe('upload', () => {
  it('uploads two files with a progress bar each, refuses the over-limit one inline with its 413, and creates the dataset', async () => {
    const page = await open('#/upload');
    const form = page.getByTestId('upload-form');
    await form.getByLabel('Name').fill('Uploaded in Chromium');
    await form
      .getByLabel(/^Files/)
      .setInputFiles([file('one.jpg', 2_000), file('two.jpg', 3_000), file('huge.jpg', 100_000)]);
    await form.getByRole('button', { name: /^Upload 3 files/ }).click();

    const outcome = page.getByTestId('upload-outcome');
    await outcome.getByText(/Created Uploaded in Chromium with 2 items/).waitFor();
    const rows = page.getByTestId('upload-file');
    expect(await rows.count()).toBe(3);
    expect(await rows.nth(0).textContent()).toContain('uploaded');
    expect(await rows.nth(1).textContent()).toContain('uploaded');
    expect(await rows.nth(2).getByTestId('upload-file-error').textContent()).toMatch(
      /too large.*\(413\)/i,
    );
    expect(
      await page
        .getByRole('progressbar', { name: 'one.jpg upload progress' })
        .getAttribute('value'),
    ).toBe('1');
    // Nothing of the big file was sent: two forms asked for, two files stored.
    const asked = demo.sandbox.log.filter(
      (e) => e.method === 'POST' && e.path.endsWith('/file-upload-url/'),
    );
    expect(asked).toHaveLength(2);
    // Focus follows the outcome.
    expect(await page.evaluate(() => document.activeElement?.getAttribute('data-testid'))).toBe(
      'upload-outcome',
    );
    expect(await axeViolations(page)).toEqual([]);
    await demo.screenshot(page, 'upload');
  });

  it('takes files dropped on the drop zone and uploads them', async () => {
    const page = await open('#/upload');
    const form = page.getByTestId('upload-form');
    await form.getByLabel('Name').fill('Dropped in Chromium');
    const dropped = await page.evaluateHandle(() => {
      const transfer = new DataTransfer();
      transfer.items.add(new File(['a'.repeat(1_000)], 'dropped-1.jpg', { type: 'image/jpeg' }));
      transfer.items.add(new File(['b'.repeat(2_000)], 'dropped-2.jpg', { type: 'image/jpeg' }));
      return transfer;
    });
    const zone = form.locator('.dropzone');
    await zone.dispatchEvent('dragover', { dataTransfer: dropped });
    await zone.dispatchEvent('drop', { dataTransfer: dropped });
    await form.getByRole('button', { name: /^Upload 2 files/ }).click();
    await page
      .getByTestId('upload-outcome')
      .getByText(/Created Dropped in Chromium with 2 items/)
      .waitFor();
    const stored = demo.sandbox.log.filter(
      (e) => e.method === 'POST' && e.path.endsWith('/file-upload-url/'),
    );
    expect(stored).toHaveLength(2);
  });

  it('checks the form in the browser with the shared zod schema before anything is sent', async () => {
    const page = await open('#/upload');
    const form = page.getByTestId('upload-form');
    await form.getByLabel(/^Files/).setInputFiles([file('one.jpg', 10)]);
    await form.getByRole('button', { name: /^Upload 1 file/ }).click();
    await form.getByText('Give the dataset a name.').waitFor();
    expect(await form.getByLabel('Name').getAttribute('aria-invalid')).toBe('true');
    expect(demo.sandbox.log.filter((e) => e.path.includes('manual-upload'))).toHaveLength(0);
  });

  it('cancels: the file is cancelled and no dataset is created', async () => {
    const page = await open('#/upload');
    await fetch(`${demo.sandbox.url}/__sandbox/faults`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({
        type: 'delay',
        delayMs: 5_000,
        path: '/datasets/manual-upload/file-upload-url/',
      }),
    });
    const form = page.getByTestId('upload-form');
    await form.getByLabel('Name').fill('Cancelled upload');
    await form.getByLabel(/^Files/).setInputFiles([file('one.jpg', 10)]);
    await form.getByRole('button', { name: /^Upload 1 file/ }).click();
    await form.getByRole('button', { name: 'Cancel' }).click();
    await page.getByTestId('upload-file').getByText('cancelled').waitFor();
    await page.getByTestId('upload-outcome').getByRole('alert').waitFor();
    expect(
      demo.sandbox.log.filter((e) => e.path === '/api/v1/datasets/manual-upload/'),
    ).toHaveLength(0);
  });
});

describe('exports', () => {
  it('queues the sixth of six ("queued: 5 exports running") without a 429, then all end exported', async () => {
    const page = await open('#/exports');
    // The first dataset is picked once the list has loaded.
    const dataset = page.getByTestId('export-form').getByLabel('Dataset');
    await expect.poll(() => dataset.inputValue()).not.toBe('');
    await page.getByRole('button', { name: 'Start 6 at once' }).click();
    await page.getByText('queued: 5 exports running').waitFor();
    expect(await axeViolations(page)).toEqual([]);
    await demo.screenshot(page, 'exports-queued');
    await expect
      .poll(() => page.locator('[data-testid="export-row"][data-phase="exported"]').count(), {
        timeout: 15_000,
      })
      .toBe(6);
    expect(await page.getByRole('link', { name: 'Download' }).count()).toBe(6);
    expect(demo.sandbox.log.filter((e) => e.status === 429)).toHaveLength(0);
    expect(await page.getByTestId('toast-concurrency_limited').count()).toBe(0);
  }, 30_000);

  it("shows the server's non_field_errors above the export form and its field errors under the field", async () => {
    const page = await open('#/exports');
    const form = page.getByTestId('export-form');
    // Both lists loaded: "Both" sends a real dataset and a real project.
    await form.getByLabel('Dataset').locator('option').nth(1).waitFor({ state: 'attached' });
    await form.getByLabel('or Project').locator('option').nth(1).waitFor({ state: 'attached' });
    const errors = page.getByTestId('export-form-errors');
    const refused = () =>
      demo.sandbox.log.filter(
        (e) => e.method === 'POST' && e.path.endsWith('/exports/') && e.status === 400,
      ).length;

    await form.getByRole('button', { name: 'Neither a dataset nor a project' }).click();
    await errors.waitFor();
    expect(await errors.textContent()).toMatch(/dataset|project/i);
    await expect
      .poll(() => page.evaluate(() => document.activeElement?.getAttribute('data-testid')))
      .toBe('export-form-outcome');

    await form.getByRole('button', { name: 'Both' }).click();
    await expect.poll(refused).toBe(2);
    await errors.getByText('Provide either a dataset or a project to export.').waitFor();

    await form.getByRole('button', { name: 'A dataset that does not exist' }).click();
    await form
      .getByTestId('error-dataset')
      .getByText(/"no-such-dataset" - object does not exist/)
      .waitFor();
    expect(await errors.count()).toBe(0);
    expect(await form.getByLabel('Dataset').getAttribute('aria-invalid')).toBe('true');
    // The error sits under the uid it is about, not under a real dataset still selected.
    await expect.poll(() => form.getByLabel('Dataset').inputValue()).toBe('no-such-dataset');
    expect(refused()).toBe(3);
    expect(await axeViolations(page)).toEqual([]);
    await demo.screenshot(page, 'exports-errors');
  });

  it('checks "a dataset or a project, not both" in the browser before anything is sent', async () => {
    const page = await open('#/exports');
    const form = page.getByTestId('export-form');
    await form.getByLabel('or Project').locator('option').nth(1).waitFor({ state: 'attached' });
    await form.getByLabel('Dataset').locator('option').nth(1).waitFor({ state: 'attached' });
    await form.getByLabel('or Project').selectOption({ index: 1 });
    await form.getByRole('button', { name: 'Start an export' }).click();
    await page
      .getByTestId('export-form-errors')
      .getByText(/not both/)
      .waitFor();
    expect(demo.sandbox.log.filter((e) => e.path.endsWith('/exports/'))).toHaveLength(0);
    // A project alone is what Avala takes.
    await form.getByLabel('Dataset').selectOption('');
    await form.getByRole('button', { name: 'Start an export' }).click();
    await page.getByTestId('export-row').first().waitFor();
    await expect
      .poll(() => demo.sandbox.log.some((e) => e.path.endsWith('/exports/') && e.status === 201))
      .toBe(true);
  });
});

describe('datasets', () => {
  it('deletes a dataset after a confirmation; it leaves the list at once', async () => {
    const page = await open('#/datasets');
    const first = page.getByTestId('dataset-row').first();
    const name = (await first.getByRole('link').textContent()) ?? '';
    const count = await page.getByTestId('datasets-count').textContent();
    await first.getByRole('button', { name: `Delete ${name}` }).click();
    // Focus moves to the confirmation; Escape would keep the dataset.
    const confirm = page.getByRole('button', { name: `Delete ${name}`, exact: true });
    expect(await confirm.evaluate((el) => el === document.activeElement)).toBe(true);
    expect(await axeViolations(page)).toEqual([]);
    await confirm.click();
    await page.getByText(`Deleted ${name}.`).waitFor();
    expect(
      await page.getByTestId('datasets-list').getByRole('link', { name, exact: true }).count(),
    ).toBe(0);
    expect(await page.getByTestId('datasets-count').textContent()).not.toBe(count);
    expect(demo.sandbox.log.some((e) => e.method === 'DELETE' && e.status === 204)).toBe(true);
  });

  it('puts a dataset back when the API refuses the delete (read-only key, 403)', async () => {
    const page = await open('#/datasets');
    await page.getByTestId('key-switcher').selectOption('readonly');
    const first = page.getByTestId('dataset-row').first();
    const name = (await first.getByRole('link').textContent()) ?? '';
    await first.getByRole('button', { name: `Delete ${name}` }).click();
    await page.getByRole('button', { name: `Delete ${name}`, exact: true }).click();
    await page.getByTestId('delete-outcome').getByRole('alert').waitFor();
    await page.getByTestId('datasets-list').getByRole('link', { name, exact: true }).waitFor();
  });
});

describe('burst', () => {
  it('carries 150 requests inside the limits with an estimate, and counts the 429s without the governor', async () => {
    const page = await open('#/burst');
    await page.getByRole('button', { name: 'Fire 150 requests' }).click();
    await page.getByTestId('burst-estimate').waitFor();
    expect(await page.getByTestId('burst-estimate').textContent()).toMatch(/about [\d.]+ s/);
    // Mid-run: the bar part way and the governor holding the rest in its queue.
    const bar = page.getByRole('progressbar', { name: 'Governed burst progress' });
    await expect.poll(async () => Number(await bar.getAttribute('value'))).toBeGreaterThan(0);
    const queued = page.getByTestId('burst-meter').getByTestId('burst-queued');
    expect(Number(await queued.textContent())).toBeGreaterThan(0);
    expect(await axeViolations(page)).toEqual([]);
    await demo.screenshot(page, 'burst-running');
    await page
      .getByTestId('burst-governed')
      .getByText(/150 \/ 150 done/)
      .waitFor({ timeout: 30_000 });
    const governed = await page.getByTestId('burst-governed').textContent();
    const refused = demo.sandbox.log.filter((entry) => entry.status === 429).length;
    // The panel counts calls that ended refused; the sandbox's log counts every 429 it sent,
    // also those the client retried: the governor earns none (the estimate promises it).
    expect({ governed, refused }).toMatchObject({
      governed: expect.stringContaining('done · 0 refused'),
      refused: 0,
    });
    expect(await axeViolations(page)).toEqual([]);
    await demo.screenshot(page, 'burst');

    await page.getByRole('button', { name: 'Fire 150 without the governor' }).click();
    await page
      .getByTestId('burst-ungoverned')
      .getByText(/150 \/ 150 done/)
      .waitFor({ timeout: 30_000 });
    expect(Number(await page.getByTestId('burst-ungoverned-429').textContent())).toBeGreaterThan(0);
  }, 60_000);

  it('shares the key between two tabs: both bursts finish, 300 requests at 60 per 3 s, with at most one 429 per tab', async () => {
    // A second tab of the same browser profile: its client hears the first over the
    // BroadcastChannel (one key, one budget), not through the page (governor/page-channel.ts).
    const first = await open('#/burst');
    const second = await first.context().newPage();
    // Closed whatever happens: a tab left open would share the budget with the next tests.
    try {
      await second.goto(`${demo.url}#/burst`);
      await second.getByRole('button', { name: 'Fire 150 requests' }).waitFor();
      const start = Date.now();
      await Promise.all(
        [first, second].map((tab) =>
          tab.getByRole('button', { name: 'Fire 150 requests' }).click(),
        ),
      );
      for (const tab of [first, second]) {
        await tab
          .getByTestId('burst-governed')
          .getByText(/150 \/ 150 done · 0 refused/)
          .waitFor({ timeout: 45_000 });
      }
      const throttled = demo.sandbox.log
        .filter((entry) => entry.status === 429 && entry.at >= start)
        .map((entry) => entry.at);
      // Each tab leaves one place of the budget and of the burst to the other, and holds the
      // other's sends as long as its own take to be answered. What can still happen is a 429
      // met by a tab before it hears of the other's last send; its hold is then shared. So at
      // most one per tab over the whole burst (without the burst reserve: 3 to 5 a run).
      expect(throttled.length).toBeLessThanOrEqual(2);
    } finally {
      await second.close();
    }
  }, 90_000);
});

describe('the page', () => {
  it('names the screen in the title and moves focus to its heading on a route change', async () => {
    const page = await open('#/exports');
    await expect.poll(() => page.title()).toBe('Exports · avala-fetch demo');
    await expect.poll(() => page.evaluate(() => document.activeElement?.tagName)).toBe('H2');
  });

  it('has a favicon', async () => {
    const href = await page.locator('link[rel="icon"]').getAttribute('href');
    const response = await fetch(new URL(href ?? '/favicon.ico', demo.url));
    expect(response.status).toBe(200);
  });

  it('switches to a dark theme with the toggle, still without axe violations', async () => {
    const page = await open('#/upload');
    await page.getByTestId('theme-toggle').click();
    expect(await page.evaluate(() => document.documentElement.dataset.theme)).toBe('dark');
    expect(await pageBackground(page)).toBe(DARK_BG);
    expect(await axeViolations(page)).toEqual([]);
    await demo.screenshot(page, 'upload-dark');
    // Back to the system setting for the other tests.
    await page.getByTestId('theme-toggle').click();
    await page.getByTestId('theme-toggle').click();
    expect(await pageBackground(page)).toBe(LIGHT_BG);
  });

  it('has no axe violations in the dark theme with a delete confirmation open', async () => {
    const page = await open('#/datasets');
    await page.getByTestId('theme-toggle').click();
    expect(await pageBackground(page)).toBe(DARK_BG);
    try {
      const first = page.getByTestId('dataset-row').first();
      const name = (await first.getByRole('link').textContent()) ?? '';
      await first.getByRole('button', { name: `Delete ${name}` }).click();
      await page.getByRole('button', { name: `Delete ${name}`, exact: true }).waitFor();
      expect(await axeViolations(page)).toEqual([]);
      await demo.screenshot(page, 'delete-dark');
      await page.keyboard.press('Escape');
    } finally {
      // Back to the system setting for the other tests.
      await page.getByTestId('theme-toggle').click();
      await page.getByTestId('theme-toggle').click();
    }
    expect(await pageBackground(page)).toBe(LIGHT_BG);
  });

  it('follows a dark system setting without the toggle', async () => {
    const page = await open('#/datasets');
    await page.emulateMedia({ colorScheme: 'dark' });
    try {
      expect(await pageBackground(page)).toBe(DARK_BG);
      expect(await axeViolations(page)).toEqual([]);
    } finally {
      await page.emulateMedia({ colorScheme: 'light' });
    }
    expect(await pageBackground(page)).toBe(LIGHT_BG);
  });
});

describe('accessibility', () => {
  it.each([
    ['#/datasets', 'datasets'],
    ['#/projects', 'projects'],
    ['#/datasets/no-such-dataset', 'not found'],
  ])('has no WCAG 2.1 AA violations on %s (%s)', async (hash) => {
    const page = await open(hash);
    await page.waitForLoadState('networkidle');
    expect(await axeViolations(page)).toEqual([]);
  });

  it('has none on the Chaos screen with both scrolling logs filled', async () => {
    const page = await open('#/chaos');
    await page.getByTestId('client-events').waitFor();
    await page.getByTestId('sandbox-log').waitFor();
    expect(await axeViolations(page)).toEqual([]);
  });

  it('shows a plan-gated 403 once, where it happened (no second alert in a banner)', async () => {
    const page = await open('#/projects');
    const gated = page
      .getByTestId('projects-list')
      .getByRole('listitem')
      .filter({ hasText: 'not in plan' });
    await gated.getByRole('button', { name: 'Auto-label' }).click();
    await gated.getByRole('alert').waitFor();
    expect(await page.getByRole('alert').count()).toBe(1);
    expect(await page.getByTestId('banner-forbidden').count()).toBe(0);
  });

  it('closes a toast with Escape and gives focus back instead of dropping it to <body>', async () => {
    const page = await open('#/datasets');
    const createButton = page.getByRole('button', { name: 'Create dataset' });
    await createButton.focus();
    demo.sandbox.setMaintenance({ retryAfterS: 30 });
    try {
      await page.getByTestId('dataset-form').getByLabel('Name').fill('During maintenance');
      await createButton.click();
      const toast = page.getByTestId('toast-service_unavailable');
      await toast.waitFor();
      // The countdown ticks for the eye only: the live region hears the wait once.
      expect(await toast.locator('[aria-hidden="true"]').count()).toBeGreaterThan(0);
      await toast.getByRole('button', { name: /Dismiss/ }).focus();
      await page.keyboard.press('Escape');
      await toast.waitFor({ state: 'detached' });
      expect(await page.evaluate(() => document.activeElement?.tagName)).not.toBe('BODY');
    } finally {
      demo.sandbox.setMaintenance(false);
    }
  });
});

describe('keys', () => {
  it('offers a key form on 401: a pasted key replaces the revoked one, and focus lands on the screen', async () => {
    const page = await open('#/datasets');
    await page.getByTestId('key-switcher').selectOption('revoked');
    const banner = page.getByTestId('banner-unauthorized');
    await banner.waitFor();
    const form = banner.getByTestId('key-form');
    await form.getByLabel('Paste a key').fill('not-a-key');
    await form.getByRole('button', { name: 'Use this key' }).click();
    await form.getByText('Avala keys start with avk_.').waitFor();
    expect(await axeViolations(page)).toEqual([]);
    await form.getByLabel('Paste a key').fill(demo.sandbox.keys.admin);
    await form.getByRole('button', { name: 'Use this key' }).click();
    await banner.waitFor({ state: 'detached' });
    await page.getByTestId('datasets-list').waitFor();
    expect(await page.getByTestId('key-switcher').inputValue()).toBe('pasted');
    await expect.poll(() => page.evaluate(() => document.activeElement?.tagName)).toBe('H2');
    // The pasted key went to the API.
    expect(demo.sandbox.log.at(-1)?.key).toBe(demo.sandbox.keys.admin);
  });

  it('offers the sandbox keys on 401', async () => {
    const page = await open('#/datasets');
    await page.getByTestId('key-switcher').selectOption('revoked');
    const banner = page.getByTestId('banner-unauthorized');
    await banner.getByRole('button', { name: 'Admin' }).click();
    await banner.waitFor({ state: 'detached' });
    expect(await page.getByTestId('key-switcher').inputValue()).toBe('admin');
  });
});

describe('focus after a submit', () => {
  const focused = (page: Page) =>
    page.evaluate(
      () => document.activeElement?.getAttribute('data-testid') ?? document.activeElement?.tagName,
    );

  it('goes to the "Created" status after a dataset is created', async () => {
    const page = await open('#/datasets');
    const form = page.getByTestId('dataset-form');
    await form.getByLabel('Name').fill('Focus after success');
    await form.getByRole('button', { name: 'Create dataset' }).click();
    await form.getByText(/^Created/).waitFor();
    await expect.poll(() => focused(page)).toBe('dataset-form-outcome');
  });

  it('goes to the alert after a non-field error', async () => {
    const page = await open('#/datasets');
    const form = page.getByTestId('dataset-form');
    await form.getByRole('button', { name: 'Public without a description' }).click();
    await form.getByRole('button', { name: 'Create dataset' }).click();
    await form.getByTestId('form-errors').waitFor();
    await expect.poll(() => focused(page)).toBe('dataset-form-outcome');
  });

  it('goes to the alert after a 403', async () => {
    const page = await open('#/datasets');
    await page.getByTestId('key-switcher').selectOption('readonly');
    const form = page.getByTestId('dataset-form');
    await form.getByLabel('Name').fill('Not allowed');
    await form.getByRole('button', { name: 'Create dataset' }).click();
    await form.getByTestId('form-errors').waitFor();
    await expect.poll(() => focused(page)).toBe('dataset-form-outcome');
  });
});

describe('a new dataset', () => {
  it('shows at the top of the list, not on an unseen last page', async () => {
    const page = await open('#/datasets');
    await page.getByTestId('datasets-list').waitFor();
    const form = page.getByTestId('dataset-form');
    await form.getByLabel('Name').fill('Seen at once');
    await form.getByRole('button', { name: 'Create dataset' }).click();
    await form.getByText(/^Created/).waitFor();
    const first = page.getByTestId('dataset-row').first().getByRole('link');
    await expect.poll(() => first.textContent()).toBe('Seen at once');
  });
});

describe('the contract', () => {
  it('sent only requests to endpoints of the contract table (docs/avala-api.md): uploads, exports and deletes included', () => {
    const requests = appRequests(sent);
    expect(requests).toContain('POST /datasets/manual-upload/');
    expect(requests).toContain('POST /exports/');
    expect(requests.some((request) => request.startsWith('DELETE /datasets/'))).toBe(true);
    expect(offContract(requests)).toEqual([]);
  });
});
