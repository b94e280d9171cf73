import { type Sandbox, startSandbox } from '@avala-fetch/sandbox';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { type AvalaError, errorFromResponse } from './helpers.js';

/**
 * Real `fetch` against the sandbox: every error status it produces is classified by
 * `errorFromResponse` into the right kind, with its detail, code, field errors and headers.
 */
let sandbox: Sandbox;

beforeAll(async () => {
  sandbox = await startSandbox({ port: 0 });
});
afterEach(() => {
  sandbox.reset();
});
afterAll(async () => {
  await sandbox.close();
});

interface Call {
  method?: string;
  json?: unknown;
  key?: string | null;
}

/** Sends one request and classifies the (expected) error response. */
async function fail(path: string, { method = 'GET', json, key }: Call = {}): Promise<AvalaError> {
  const url = `${sandbox.apiUrl}${path}`;
  const headers: Record<string, string> = {};
  const apiKey = key === undefined ? sandbox.keys.admin : key;
  if (apiKey !== null) headers['X-Avala-Api-Key'] = apiKey;
  if (json !== undefined) headers['Content-Type'] = 'application/json';
  const response = await fetch(url, {
    method,
    headers,
    body: json === undefined ? undefined : JSON.stringify(json),
  });
  expect(response.ok, `${method} ${path} should fail, got ${response.status}`).toBe(false);
  return errorFromResponse(response, { method, url });
}

async function get<T>(path: string): Promise<T> {
  const response = await fetch(`${sandbox.apiUrl}${path}`, {
    headers: { 'X-Avala-Api-Key': sandbox.keys.admin },
  });
  return (await response.json()) as T;
}

describe('errorFromResponse against the sandbox', () => {
  it('400: field errors with nested and list paths, never retried', async () => {
    const error = await fail('/datasets/', {
      method: 'POST',
      json: {
        slug: 'no-name',
        data_type: 'image',
        visibility: 'secret-ish',
        filters: { split: 'holdout' },
        items: [{ weight: 0.5 }, { weight: 7 }],
      },
    });
    expect(error.kind).toBe('bad_request');
    expect(error.status).toBe(400);
    expect(Object.keys(error.fieldErrors).sort()).toEqual(
      ['filters.split', 'items.1.weight', 'name', 'visibility'].sort(),
    );
    for (const messages of Object.values(error.fieldErrors)) {
      expect(messages.length).toBeGreaterThan(0);
    }
    expect(error.message).toContain('name: ');
    expect(error.message).toContain('items.1.weight: ');
    expect(error.message.length).toBeLessThanOrEqual(500);
    expect(error.transient).toBe(false);
  });

  it("400: the same field errors in DRF's root shape (a sandbox with fieldErrors: 'root')", async () => {
    const root = await startSandbox({ port: 0, fieldErrors: 'root' });
    try {
      const response = await fetch(`${root.apiUrl}/datasets/`, {
        method: 'POST',
        headers: { 'X-Avala-Api-Key': root.keys.admin, 'Content-Type': 'application/json' },
        body: JSON.stringify({
          filters: { split: 'holdout' },
          items: [{ weight: 0.5 }, { weight: 7 }],
        }),
      });
      expect(await response.clone().json()).not.toHaveProperty('detail');
      const error = await errorFromResponse(response, { method: 'POST' });
      expect(error.kind).toBe('bad_request');
      expect(Object.keys(error.fieldErrors).sort()).toEqual(
        ['data_type', 'filters.split', 'items.1.weight', 'name', 'slug'].sort(),
      );
      expect(error.message).toContain('items.1.weight: ');
    } finally {
      await root.close();
    }
  });

  it('400: an object-level rule arrives as nonFieldErrors', async () => {
    const error = await fail('/datasets/', {
      method: 'POST',
      json: {
        name: 'Public without description',
        slug: 'public-without-description',
        data_type: 'image',
        visibility: 'public',
        description: '',
      },
    });
    expect(error.kind).toBe('bad_request');
    expect(error.nonFieldErrors).toEqual(['Public datasets need a description.']);
    expect(error.message).toBe('Public datasets need a description.');
  });

  it('400: malformed JSON gives the detail', async () => {
    const response = await fetch(`${sandbox.apiUrl}/datasets/`, {
      method: 'POST',
      headers: { 'X-Avala-Api-Key': sandbox.keys.admin, 'Content-Type': 'application/json' },
      body: '{"name": ',
    });
    const error = await errorFromResponse(response, { method: 'POST' });
    expect(error.kind).toBe('bad_request');
    expect(error.detail).toMatch(/^JSON parse error/);
  });

  it('401: a revoked key, and the key is not in the error', async () => {
    const error = await fail('/datasets/', { key: sandbox.keys.revoked });
    expect(error.kind).toBe('unauthorized');
    expect(error.status).toBe(401);
    expect(error.detail).toBeTruthy();
    expect(JSON.stringify(error)).not.toContain(sandbox.keys.revoked);
  });

  it('401: no key at all', async () => {
    const error = await fail('/datasets/', { key: null });
    expect(error.kind).toBe('unauthorized');
  });

  it('403: another organization', async () => {
    const { results } = await get<{ results: { uid: string }[] }>('/datasets/');
    const uid = results[0]?.uid;
    const error = await fail(`/datasets/${uid}/`, { key: sandbox.keys.otherOrg });
    expect(error.kind).toBe('forbidden');
    expect(error.message).toBe('You do not have permission to perform this action.');
  });

  it('403 with code and docUrl: a plan-gated feature', async () => {
    const { results } = await get<{ results: { uid: string; auto_label_available: boolean }[] }>(
      '/users/me/projects/',
    );
    const gated = results.find((project) => !project.auto_label_available);
    expect(gated).toBeDefined();
    const error = await fail(`/projects/${gated?.uid}/auto-label/`, { method: 'POST' });
    expect(error.kind).toBe('forbidden');
    expect(error.code).toBe('plan_insufficient');
    expect(error.docUrl).toMatch(/^https?:\/\//);
    expect(error.detail).toBeTruthy();
    expect(error.transient).toBe(false);
  });

  it('404: an unknown id', async () => {
    const error = await fail('/datasets/00000000-0000-4000-8000-ffffffffffff/');
    expect(error.kind).toBe('not_found');
    expect(error.message).toBe('Not found.');
    expect(error.rateLimit?.limit).toBeGreaterThan(0);
  });

  it('405: a method the endpoint does not support', async () => {
    const error = await fail('/datasets/', { method: 'PUT', json: {} });
    expect(error.kind).toBe('method_not_allowed');
    expect(error.message).toBe('Method "PUT" not allowed.');
  });

  it('409: a duplicate name', async () => {
    const { results } = await get<{ results: { name: string }[] }>('/datasets/');
    const error = await fail('/datasets/', {
      method: 'POST',
      json: { name: results[0]?.name, slug: 'a-new-slug', data_type: 'image' },
    });
    expect(error.kind).toBe('conflict');
    expect(error.code).toBe('duplicate_name');
    expect(error.message).toBe('A dataset with this name already exists.');
  });

  it('413: an upload over the size limit', async () => {
    const error = await fail('/datasets/manual-upload/file-upload-url/', {
      method: 'POST',
      json: {
        dataset_name: 'Huge',
        file_path_in_dataset: 'huge.bin',
        content_length: 10 * 1024 * 1024 * 1024,
      },
    });
    expect(error.kind).toBe('payload_too_large');
    expect(error.code).toBe('file_too_large');
    expect(error.transient).toBe(false);
  });

  it('500: an HTML page gives the status line, never markup', async () => {
    sandbox.injectFault({ type: 'html500' });
    const error = await fail('/datasets/');
    expect(error.kind).toBe('server_error');
    expect(error.status).toBe(500);
    expect(error.message).toBe('Internal Server Error (500)');
    expect(error.message).not.toContain('<');
    expect(error.transient).toBe(true);
  });

  it('502 and 504 injected: transient server errors for a GET, not for a POST', async () => {
    sandbox.injectFault({ type: 'status', status: 502 });
    const get502 = await fail('/datasets/');
    expect(get502.kind).toBe('server_error');
    expect(get502.transient).toBe(true);
    sandbox.injectFault({ type: 'status', status: 504 });
    const post504 = await fail('/datasets/', { method: 'POST', json: { name: 'x' } });
    expect(post504.kind).toBe('server_error');
    expect(post504.transient).toBe(false);
  });

  it('503 maintenance: retryAfterMs from Retry-After, transient', async () => {
    sandbox.setMaintenance({ retryAfterS: 30 });
    const error = await fail('/datasets/');
    expect(error.kind).toBe('service_unavailable');
    expect(error.retryAfterMs).toBe(30_000);
    expect(error.transient).toBe(true);
    expect(error.message.length).toBeGreaterThan(0);
  });
});

describe('errorFromResponse against a throttling sandbox', () => {
  let tight: Sandbox;
  beforeAll(async () => {
    tight = await startSandbox({
      port: 0,
      rateLimit: { limit: 2, windowMs: 60_000, burst: 100, burstWindowMs: 1_000 },
    });
  });
  afterAll(async () => {
    await tight.close();
  });

  it('429: retryAfterMs and rateLimit from the headers, transient even for POST', async () => {
    const url = `${tight.apiUrl}/datasets/`;
    const headers = { 'X-Avala-Api-Key': tight.keys.admin };
    let response = await fetch(url, { headers });
    for (let i = 0; i < 5 && response.status !== 429; i += 1) {
      await response.body?.cancel();
      response = await fetch(url, { headers });
    }
    expect(response.status).toBe(429);
    const before = Date.now();
    const error = await errorFromResponse(response, { method: 'POST', url });
    expect(error.kind).toBe('rate_limited');
    expect(error.detail).toMatch(/^Request was throttled/);
    expect(error.retryAfterMs).toBeGreaterThan(0);
    expect(error.retryAfterMs).toBeLessThanOrEqual(60_000);
    expect(error.rateLimit).toMatchObject({ limit: 2, remaining: 0 });
    expect(error.rateLimit?.resetAt).toBeGreaterThan(before - 1000);
    expect(error.transient).toBe(true);
  });
});
