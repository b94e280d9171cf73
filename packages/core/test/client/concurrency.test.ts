import { describe, expect, it } from 'vitest';
import type { AvalaClient } from '../../src/index.js';
import { clientFor, failureOf, sandboxFor } from './harness.js';

/** Resolves to `'pending'` when `promise` has not settled within `ms` (real time). */
function within<T>(promise: Promise<T>, ms: number): Promise<T | 'pending'> {
  return Promise.race([promise, new Promise<'pending'>((r) => setTimeout(() => r('pending'), ms))]);
}

/** A fetch that strips the `X-RateLimit-*` headers, as some proxies do. */
const strippingFetch: typeof fetch = async (input, init) => {
  const response = await fetch(input, init);
  const headers = new Headers(response.headers);
  for (const name of ['x-ratelimit-limit', 'x-ratelimit-remaining', 'x-ratelimit-reset']) {
    headers.delete(name);
  }
  return new Response(response.body, { status: response.status, headers });
};

async function firstDataset(client: AvalaClient): Promise<string> {
  const page = await client.get<{ results: { uid: string }[] }>('/datasets/', {
    searchParams: { limit: 1 },
  });
  const uid = page.results[0]?.uid;
  if (!uid) throw new Error('the sandbox has no dataset');
  return uid;
}

describe('concurrency 429s', () => {
  it('holds only the exports after a too_many_exports 429, even without rate-limit headers, and says so', async () => {
    const sandbox = await sandboxFor({ maxRunningExports: 1, exportDurationMs: 5_000 });
    const { client, events } = clientFor(sandbox, { fetch: strippingFetch });
    const dataset = await firstDataset(client);
    await client.post('/exports/', { json: { dataset } });

    const controller = new AbortController();
    const second = client
      .post('/exports/', { json: { dataset }, signal: controller.signal })
      .catch((error: unknown) => error);
    await within(
      new Promise<void>((resolve) => {
        const stop = client.subscribe((event) => {
          if (event.type === 'concurrency_limited') {
            stop();
            resolve();
          }
        });
      }),
      2_000,
    );

    expect(events.find((e) => e.type === 'concurrency_limited')).toMatchObject({
      type: 'concurrency_limited',
      pool: 'exports',
      limit: 5,
      error: { kind: 'rate_limited', code: 'too_many_exports' },
    });
    expect(events.some((e) => e.type === 'rate_limited')).toBe(false);
    expect(client.rateLimit.blockedUntil).toBeUndefined();
    // Unrelated calls are not held.
    await expect(within(client.get('/datasets/'), 1_000)).resolves.not.toBe('pending');
    controller.abort();
    expect(await second).toMatchObject({ kind: 'aborted' });
  });
});

describe('startJob keeps the export slot for the job’s life', () => {
  it('lets the next job start only when the polled job has ended', async () => {
    const sandbox = await sandboxFor({ exportDurationMs: 300 });
    const { client } = clientFor(sandbox, {
      rateLimit: {
        broadcastChannel: false,
        pools: [{ name: 'exports', match: /^POST \/exports\/$/, size: 1 }],
      },
    });
    const dataset = await firstDataset(client);
    const job = await client.startJob<{ uid: string; status: string }>('/exports/', {
      json: { dataset },
    });
    expect(job.path).toBe(`/exports/${job.data.uid}/`);

    const next = client.startJob('/exports/', { json: { dataset } });
    expect(await within(next, 150)).toBe('pending');
    // Polling the job until it ends frees its slot.
    for (;;) {
      const polled = await client.get<{ status: string }>(job.path ?? '');
      if (polled.status === 'exported' || polled.status === 'failed') break;
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    const started = await within(next, 1_000);
    expect(started).not.toBe('pending');

    // release() frees a slot at once, for a job nobody watches any more.
    const third = client.startJob('/exports/', { json: { dataset } });
    expect(await within(third, 100)).toBe('pending');
    (started as { release(): void }).release();
    await expect(within(third, 1_000)).resolves.not.toBe('pending');
  });

  it('keeps no slot for a job that was refused', async () => {
    const sandbox = await sandboxFor();
    const { client } = clientFor(sandbox, {
      rateLimit: {
        broadcastChannel: false,
        pools: [{ name: 'exports', match: /^POST \/exports\/$/, size: 1 }],
      },
    });
    const error = await failureOf(client.startJob('/exports/', { json: {} }));
    expect(error).toMatchObject({ kind: 'bad_request' });
    const dataset = await firstDataset(client);
    await expect(
      within(client.startJob('/exports/', { json: { dataset } }), 1_000),
    ).resolves.not.toBe('pending');
  });
});
