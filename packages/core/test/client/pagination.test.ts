import { describe, expect, it, vi } from 'vitest';
import { z } from 'zod';
import { type AvalaError, type InvalidResponseError, UnsafeUrlError } from '../../src/index.js';
import { clientFor, failureOf, sandboxFor } from './harness.js';

const Dataset = z.object({ uid: z.string(), name: z.string() });
const BASE = 'https://api.example.test/api/v1';

/** A client whose fetch serves `pages` in order (by call), recording the URLs asked for. */
function stubbedPages(pages: unknown[]) {
  const urls: string[] = [];
  const fetch = vi.fn(async (input: RequestInfo | URL) => {
    urls.push(input instanceof Request ? input.url : String(input));
    return Response.json(pages[urls.length - 1] ?? { next: null, previous: null, results: [] });
  });
  const { client } = clientFor(undefined, {
    baseUrl: BASE,
    apiKey: 'avk_test_secret',
    rateLimit: false,
    fetch: fetch as typeof globalThis.fetch,
  });
  return { client, urls, fetch };
}

describe('pagination', () => {
  it('iterates every item across 3 pages of the seeded datasets, following next', async () => {
    const sandbox = await sandboxFor();
    const { client } = clientFor(sandbox);

    const names: string[] = [];
    for await (const dataset of client.paginate('/datasets/', { limit: 15, schema: Dataset })) {
      names.push(dataset.name);
    }

    expect(names).toHaveLength(42);
    expect(new Set(names).size).toBe(42);
    const requests = sandbox.log.map((entry) => entry.query ?? '');
    expect(requests).toHaveLength(3);
    expect(requests[0]).toBe('limit=15');
    expect(requests[1]).toMatch(/cursor=/);
    expect(requests[2]).toMatch(/cursor=/);
  });

  it('fetches one page with its links and count', async () => {
    const sandbox = await sandboxFor();
    const { client } = clientFor(sandbox);

    const first = await client.page('/datasets/', { limit: 20, schema: Dataset });
    const second = await client.page(first.next ?? '', { schema: Dataset });

    expect(first).toMatchObject({
      count: 42,
      previous: null,
      next: expect.stringContaining(sandbox.apiUrl),
    });
    expect(first.results).toHaveLength(20);
    expect(second.results).toHaveLength(20);
    expect(second.previous).toEqual(expect.any(String));
    expect(second.results[0]?.uid).not.toBe(first.results[0]?.uid);
  });

  it('validates each item with the schema: a bad one is invalid_response pointing at it', async () => {
    const { client } = stubbedPages([
      {
        next: null,
        previous: null,
        results: [
          { uid: 'a', name: 'A' },
          { uid: 'b', name: 7 },
        ],
      },
    ]);

    const error = (await failureOf(
      client.page('/datasets/', { schema: Dataset }),
    )) as InvalidResponseError;

    expect(error.kind).toBe('invalid_response');
    expect(error.issues[0]?.path).toEqual(['results', 1, 'name']);
  });

  it('refuses a body that is not a page', async () => {
    const { client } = stubbedPages([{ detail: 'not a list' }]);

    const error = (await failureOf(client.page('/datasets/'))) as AvalaError;

    expect(error.kind).toBe('invalid_response');
  });

  it('refuses a next link on another origin, sending nothing there', async () => {
    const { client, urls } = stubbedPages([
      {
        next: 'https://evil.example/api/v1/datasets/?cursor=abc',
        previous: null,
        results: [{ uid: 'a', name: 'A' }],
      },
    ]);

    const seen: unknown[] = [];
    const error = await failureOf(
      (async () => {
        for await (const item of client.paginate('/datasets/')) seen.push(item);
      })(),
    );

    expect(error).toBeInstanceOf(UnsafeUrlError);
    expect(error).toMatchObject({ reason: 'foreign_origin' });
    expect(seen).toHaveLength(1);
    expect(urls).toEqual([`${BASE}/datasets/`]);
  });

  it('refuses a next link outside the base path on the same origin', async () => {
    const { client, urls } = stubbedPages([
      { next: 'https://api.example.test/admin/export-all/', previous: null, results: [] },
    ]);

    const error = await failureOf(
      (async () => {
        for await (const _ of client.paginate('/datasets/')) {
          // drain
        }
      })(),
    );

    expect(error).toMatchObject({ name: 'UnsafeUrlError', reason: 'outside_base_path' });
    expect(urls).toHaveLength(1);
  });

  it('refuses a next link that does not parse with UnsafeUrlError', async () => {
    const { client, urls } = stubbedPages([
      { next: 'https://[broken/api/v1/datasets/', previous: null, results: [1] },
    ]);

    const error = await failureOf(
      (async () => {
        for await (const _ of client.paginate('/datasets/')) {
          // drain
        }
      })(),
    );

    expect(error).toBeInstanceOf(UnsafeUrlError);
    expect(error).toMatchObject({ reason: 'invalid_url' });
    expect(urls).toHaveLength(1);
  });

  it('refuses a relative next link that resolves outside the base path', async () => {
    const { client, urls } = stubbedPages([
      { next: '../../%2e%2e ', previous: null, results: [1] },
    ]);

    const error = await failureOf(
      (async () => {
        for await (const _ of client.paginate('/datasets/')) {
          // drain
        }
      })(),
    );

    expect(error).toMatchObject({ name: 'UnsafeUrlError', reason: 'outside_base_path' });
    expect(urls).toHaveLength(1);
  });

  it('page() returns relative links resolved against the page, so page(first.next) follows them', async () => {
    const { client, urls } = stubbedPages([
      { next: '?cursor=2', previous: null, results: [1] },
      { next: null, previous: 'page-1/', results: [2] },
    ]);

    const first = await client.page('/datasets/', { limit: 1 });
    const second = await client.page(first.next ?? '');

    expect(first.next).toBe(`${BASE}/datasets/?cursor=2`);
    expect(second.previous).toBe(`${BASE}/datasets/page-1/`);
    expect(urls).toEqual([`${BASE}/datasets/?limit=1`, `${BASE}/datasets/?cursor=2`]);
  });

  it('follows a relative next link against the page it came from', async () => {
    const { client, urls } = stubbedPages([
      { next: '?cursor=2', previous: null, results: [1] },
      { next: '/api/v1/datasets/?cursor=3', previous: null, results: [2] },
      { next: null, previous: null, results: [3] },
    ]);

    const items: unknown[] = [];
    for await (const item of client.paginate('/datasets/', { limit: 1 })) items.push(item);

    expect(items).toEqual([1, 2, 3]);
    expect(urls).toEqual([
      `${BASE}/datasets/?limit=1`,
      `${BASE}/datasets/?cursor=2`,
      `${BASE}/datasets/?cursor=3`,
    ]);
  });

  it('stops with invalid_response when next loops back to a fetched page', async () => {
    const loop = `${BASE}/datasets/?cursor=same`;
    const { client, urls } = stubbedPages([
      { next: loop, previous: null, results: [1] },
      { next: loop, previous: null, results: [2] },
    ]);

    const error = await failureOf(
      (async () => {
        for await (const _ of client.paginate('/datasets/')) {
          // drain
        }
      })(),
    );

    expect(error).toMatchObject({ kind: 'invalid_response' });
    expect(urls).toHaveLength(2);
  });
});
