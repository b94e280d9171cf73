import type { SandboxLogEntry } from '@avala-fetch/sandbox';
import type { Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { axeViolations } from './axe.js';
import { appRequests, type DemoHarness, offContract, startDemo } from './harness.js';

let demo: DemoHarness;
// One page for the whole file: each test starts from the app's own reset instead of a
// reload, which keeps the suite fast.
let page: Page;

beforeAll(async () => {
  demo = await startDemo({
    // Long enough that five jobs are still running when the sixth is started.
    exportDurationMs: 20_000,
    // Roomy limits: only the export-concurrency rule should answer 429 here.
    rateLimit: { limit: 1000, burst: 200 },
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

async function open(hash: string): Promise<Page> {
  await demo.go(page, hash);
  return page;
}

describe('datasets', () => {
  it('shows the server field errors under name, filters.split and items.1.weight', async () => {
    const page = await open('#/datasets');
    const form = page.getByTestId('dataset-form');
    await form.getByRole('button', { name: 'Fill with invalid values' }).click();
    await form.getByRole('button', { name: 'Create dataset' }).click();

    await expect.poll(() => form.getByTestId('error-name').textContent()).toMatch(/\w/);
    expect(await form.getByTestId('error-filters.split').textContent()).toMatch(/\w/);
    expect(await form.getByTestId('error-items.1.weight').textContent()).toMatch(/\w/);
    expect(await form.getByLabel('Name').getAttribute('aria-invalid')).toBe('true');
    await demo.screenshot(page, 'datasets-field-errors');
  });

  it('shows an object-level rule (non_field_errors) above the form', async () => {
    const page = await open('#/datasets');
    const form = page.getByTestId('dataset-form');
    await form.getByRole('button', { name: 'Public without a description' }).click();
    await form.getByRole('button', { name: 'Create dataset' }).click();
    const errors = form.getByTestId('form-errors');
    await errors.waitFor();
    expect(await errors.textContent()).toContain('Public datasets need a description.');
  });

  it('shows a duplicate name (409) under the name field', async () => {
    const page = await open('#/datasets');
    const existing = await page
      .getByTestId('datasets-list')
      .getByRole('link')
      .first()
      .textContent();
    const form = page.getByTestId('dataset-form');
    await form.getByLabel('Name').fill(existing ?? '');
    await form.getByRole('button', { name: 'Create dataset' }).click();

    const error = form.getByTestId('error-name');
    await error.waitFor();
    expect(await error.textContent()).toMatch(/already|exists|unique|duplicate/i);
    await demo.screenshot(page, 'datasets-duplicate-name');
  });

  it('creates a valid dataset and refreshes the list count', async () => {
    const page = await open('#/datasets');
    await expect.poll(() => page.getByTestId('datasets-count').textContent()).toContain('of 42');
    const form = page.getByTestId('dataset-form');
    await form.getByLabel('Name').fill('Harbour cranes');
    await form.getByRole('button', { name: 'Create dataset' }).click();
    await form.getByRole('link', { name: 'Harbour cranes' }).waitFor();
    await expect.poll(() => page.getByTestId('datasets-count').textContent()).toContain('of 43');
  });

  it('loads the next cursor page when "Load more" is clicked', async () => {
    const page = await open('#/datasets');
    const rows = page.getByTestId('datasets-list').getByRole('listitem');
    await rows.first().waitFor();
    const firstPage = await rows.count();
    await page.getByRole('button', { name: 'Load more' }).click();
    await expect.poll(() => rows.count()).toBeGreaterThan(firstPage);
    await demo.screenshot(page, 'datasets');
  });

  it('shows the 404 page for an unknown dataset id', async () => {
    const page = await open('#/datasets/ds_does_not_exist');
    const notFound = page.getByTestId('not-found');
    await notFound.waitFor();
    expect(await notFound.textContent()).toContain('Dataset not found');
    await demo.screenshot(page, 'dataset-not-found');
  });

  it('shows a dataset on its own page, with its items read by owner and slug', async () => {
    const page = await open('#/datasets');
    await page.getByTestId('datasets-list').getByRole('link').first().click();
    const detail = page.getByTestId('dataset-detail');
    await detail.waitFor();
    expect(await detail.textContent()).toMatch(/\/datasets\/acme\/[a-z0-9-]+\//);
    await expect.poll(() => detail.getByTestId('dataset-items').textContent()).toMatch(/frame-1/);
    await demo.screenshot(page, 'dataset-detail');
  });
});

describe('keys', () => {
  it('shows the 401 banner for the revoked key', async () => {
    const page = await open('#/datasets');
    await page.getByTestId('key-switcher').selectOption('revoked');
    await page.getByTestId('banner-unauthorized').waitFor();
    expect(await page.getByTestId('banner-forbidden').count()).toBe(0);
    await demo.screenshot(page, 'banner-unauthorized');
  });

  it('shows the 403 banner when the read-only key creates a dataset', async () => {
    const page = await open('#/datasets');
    await page.getByTestId('key-switcher').selectOption('readonly');
    const form = page.getByTestId('dataset-form');
    await form.getByLabel('Name').fill('Read-only attempt');
    await form.getByRole('button', { name: 'Create dataset' }).click();
    await page.getByTestId('banner-forbidden').waitFor();
    await demo.screenshot(page, 'banner-forbidden');
  });
});

describe('projects', () => {
  it('shows the plan-gated 403 inline with its documentation link', async () => {
    const page = await open('#/projects');
    const gated = page
      .getByTestId('projects-list')
      .getByRole('listitem')
      .filter({ hasText: 'not in plan' });
    await gated.getByRole('button', { name: 'Auto-label' }).click();
    const alert = gated.getByRole('alert');
    await alert.waitFor();
    expect(await alert.textContent()).toContain('plan_insufficient');
    expect(await alert.getByRole('link').getAttribute('href')).toMatch(/^https?:\/\//);
    await demo.screenshot(page, 'projects-plan-403');
  });
});

describe('exports', () => {
  it('queues a sixth export in the client ("queued: 5 exports running") instead of earning a 429', async () => {
    const page = await open('#/exports');
    await page
      .getByTestId('export-form')
      .getByRole('option')
      .first()
      .waitFor({ state: 'attached' });
    await page.getByRole('button', { name: /Start 6 at once/ }).click();
    await page.getByText('queued: 5 exports running').waitFor();
    // The five that got a slot are running while the sixth waits; nothing met the limit.
    await expect
      .poll(() =>
        page
          .locator('[data-testid="export-row"]:is([data-phase="pending"], [data-phase="running"])')
          .count(),
      )
      .toBe(5);
    expect(demo.sandbox.log.filter((entry) => entry.status === 429)).toHaveLength(0);
    expect(await page.getByTestId('toast-rate_limited').count()).toBe(0);
    await demo.screenshot(page, 'exports-queued-sixth');
  });
});

describe('chaos', () => {
  it('retries a GET through an injected 500 and shows both attempts in the client events', async () => {
    const page = await open('#/chaos');
    await page.getByRole('button', { name: /^A 500/ }).click();
    // Newest first: the 200 of the retry above the 500 of the first attempt. Polled: the
    // probe's earlier success is already on screen before the retried probe has run.
    await expect
      .poll(() => page.getByTestId('client-events').textContent())
      .toMatch(/200 GET \/datasets\/.*500 GET \/datasets\//s);
    await expect.poll(() => page.getByTestId('probe-status').textContent()).toContain('succeeded');
    await demo.screenshot(page, 'chaos-retried-500');
  });

  it('shows an offline toast during a network outage, then a recovered toast', async () => {
    const page = await open('#/chaos');
    await page.getByRole('button', { name: /network outage/ }).click();
    await page.getByTestId('toast-offline').waitFor();
    await demo.screenshot(page, 'chaos-offline');
    expect(await axeViolations(page)).toEqual([]);
    await page.getByTestId('toast-recovered').waitFor();
    expect(await page.getByTestId('toast-offline').count()).toBe(0);
  });

  it('shows a 503 "retrying" toast in maintenance, then a "recovered" toast when it ends', async () => {
    const page = await open('#/chaos');
    await page.getByTestId('maintenance-toggle').check();
    await page.getByTestId('toast-service_unavailable').waitFor();
    await demo.screenshot(page, 'chaos-maintenance');
    await page.getByTestId('maintenance-toggle').uncheck();
    await page.getByTestId('toast-recovered').waitFor({ timeout: 15_000 });
    await demo.screenshot(page, 'chaos-recovered');
  });
});

describe('the contract', () => {
  it('sent only requests to endpoints of the contract table (docs/avala-api.md)', () => {
    const requests = appRequests(sent);
    expect(requests.length).toBeGreaterThan(20);
    expect(offContract(requests)).toEqual([]);
  });
});
