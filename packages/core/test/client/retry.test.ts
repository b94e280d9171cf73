import { createServer } from 'node:net';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { type AvalaError, isRetryBudgetExhausted } from '../../src/index.js';
import { clientFor, FAST_RETRY, failureOf, nextEvent, sandboxFor, statuses } from './harness.js';

afterEach(() => {
  vi.useRealTimers();
});

const newDataset = () => {
  const id = Math.random().toString(36).slice(2);
  return { name: `ds ${id}`, slug: `ds-${id}`, data_type: 'image' };
};

describe('retries through ky (docs/retry-rule.md)', () => {
  it('retries a GET after 500 twice then succeeds', async () => {
    const sandbox = await sandboxFor();
    const { client, events } = clientFor(sandbox);
    sandbox.injectFault({ type: 'status', status: 500, count: 2, path: '/datasets/' });

    const page = await client.get<{ results: unknown[] }>('/datasets/', {
      searchParams: { limit: 1 },
    });

    expect(page.results).toHaveLength(1);
    expect(statuses(sandbox)).toEqual([500, 500, 200]);
    const retries = events.filter((event) => event.type === 'retry');
    expect(retries.map((event) => event.attempt)).toEqual([1, 2]);
  });

  it('sends a POST that got a 500 only once (it may have been applied)', async () => {
    const sandbox = await sandboxFor();
    const { client } = clientFor(sandbox);
    sandbox.injectFault({ type: 'status', status: 500, method: 'POST' });

    const error = (await failureOf(
      client.post('/datasets/', { json: newDataset() }),
    )) as AvalaError;

    expect(error.kind).toBe('server_error');
    expect(error.attempts).toBe(1);
    expect(statuses(sandbox)).toEqual([500]);
  });

  it('retries a POST after 503 and after 429 (refused before any work)', async () => {
    const sandbox = await sandboxFor();
    const { client } = clientFor(sandbox);
    // Retry-After 0: without it the client waits for X-RateLimit-Reset (docs/retry-rule.md), up to a minute.
    sandbox.injectFault({ type: 'status', status: 503, method: 'POST', retryAfterS: 0 });
    sandbox.injectFault({ type: 'status', status: 429, method: 'POST', retryAfterS: 0 });

    const created = await client.post<{ uid: string }>('/datasets/', { json: newDataset() });

    expect(created.uid).toEqual(expect.any(String));
    expect(statuses(sandbox)).toEqual([503, 429, 201]);
  });

  it('retries a POST after 500 when the call is marked idempotent', async () => {
    const sandbox = await sandboxFor();
    const { client } = clientFor(sandbox);
    sandbox.injectFault({ type: 'status', status: 500, method: 'POST' });

    await client.post('/datasets/', { json: newDataset(), idempotent: true });

    expect(statuses(sandbox)).toEqual([500, 201]);
  });

  it.each([
    [400, 'bad_request'],
    [401, 'unauthorized'],
    [403, 'forbidden'],
    [404, 'not_found'],
    [405, 'method_not_allowed'],
    [409, 'conflict'],
    [413, 'payload_too_large'],
  ])('sends a GET answered %i once (%s)', async (status, kind) => {
    const sandbox = await sandboxFor();
    const { client, events } = clientFor(sandbox);
    sandbox.injectFault({ type: 'status', status });

    const error = (await failureOf(client.get('/datasets/'))) as AvalaError;

    expect(error.kind).toBe(kind);
    expect(error.attempts).toBe(1);
    expect(statuses(sandbox)).toEqual([status]);
    expect(events.some((event) => event.type === 'retry')).toBe(false);
  });

  it('sends real client errors once: a revoked key (401) and a missing dataset (404)', async () => {
    const sandbox = await sandboxFor();
    const revoked = clientFor(sandbox, { apiKey: sandbox.keys.revoked }).client;
    const admin = clientFor(sandbox).client;

    expect(await failureOf(revoked.get('/datasets/'))).toMatchObject({ kind: 'unauthorized' });
    expect(await failureOf(admin.get(['datasets', 'no-such-uid']))).toMatchObject({
      kind: 'not_found',
      attempts: 1,
    });
    expect(statuses(sandbox)).toEqual([401, 404]);
  });

  it('waits the Retry-After the server asked for before retrying', async () => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] });
    const sandbox = await sandboxFor();
    // The governor would also hold the retry until Retry-After; off here so only ky's wait counts.
    // No jitter, so the wait is exactly the server's.
    const { client } = clientFor(sandbox, {
      rateLimit: false,
      retry: { ...FAST_RETRY, jitter: false },
    });
    sandbox.injectFault({ type: 'status', status: 503, retryAfterS: 1 });
    const retried = nextEvent(client, 'retry');

    const call = client.get('/datasets/', { searchParams: { limit: 1 } });
    const retry = await retried;
    expect(retry.delayMs).toBe(1000);
    expect(retry.error.retryAfterMs).toBe(1000);

    await vi.advanceTimersByTimeAsync(990);
    expect(statuses(sandbox)).toEqual([503]);
    await vi.advanceTimersByTimeAsync(10);
    await call;
    expect(statuses(sandbox)).toEqual([503, 200]);
  });

  it('waits the Retry-After of a 500 even past maxDelayMs, as the hooks would', async () => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] });
    const sandbox = await sandboxFor();
    const { client } = clientFor(sandbox, {
      rateLimit: false,
      retry: { baseDelayMs: 1, maxDelayMs: 5, maxRetryAfterMs: 5000, jitter: false },
    });
    sandbox.injectFault({ type: 'status', status: 500, headers: { 'retry-after': '1' } });
    const retried = nextEvent(client, 'retry');

    const call = client.get('/datasets/', { searchParams: { limit: 1 } });
    const retry = await retried;
    expect(retry.delayMs).toBe(client.retryCallbacks({ method: 'GET' }).retryDelay(0, retry.error));
    expect(retry.delayMs).toBe(1000);

    await vi.advanceTimersByTimeAsync(990);
    expect(statuses(sandbox)).toEqual([500]);
    await vi.advanceTimersByTimeAsync(10);
    await call;
    expect(statuses(sandbox)).toEqual([500, 200]);
  });

  it('sleeps exactly the wait the retry event announced (a fractional Retry-After)', async () => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] });
    const sandbox = await sandboxFor();
    const { client } = clientFor(sandbox, {
      rateLimit: false,
      retry: { ...FAST_RETRY, jitter: false },
    });
    sandbox.injectFault({ type: 'status', status: 429, headers: { 'retry-after': '1.5' } });
    const retried = nextEvent(client, 'retry');

    const call = client.get('/datasets/', { searchParams: { limit: 1 } });
    expect((await retried).delayMs).toBe(1500);

    await vi.advanceTimersByTimeAsync(1490);
    expect(statuses(sandbox)).toEqual([429]);
    await vi.advanceTimersByTimeAsync(10);
    await call;
    expect(statuses(sandbox)).toEqual([429, 200]);
  });

  it('fails at once, with retryAfterMs, when the server asks for a longer wait than maxRetryAfterMs', async () => {
    const sandbox = await sandboxFor();
    const { client, events } = clientFor(sandbox);
    sandbox.injectFault({ type: 'status', status: 429, retryAfterS: 120 });

    const error = (await failureOf(client.get('/datasets/'))) as AvalaError;

    expect(error).toMatchObject({ kind: 'rate_limited', retryAfterMs: 120_000, attempts: 1 });
    expect(statuses(sandbox)).toEqual([429]);
    expect(events.some((event) => event.type === 'retry')).toBe(false);
  });

  it('retries a GET that timed out, and the next attempt succeeds', async () => {
    const sandbox = await sandboxFor();
    const { client, events } = clientFor(sandbox);
    sandbox.injectFault({ type: 'delay', delayMs: 400 });

    await client.get('/datasets/', { timeoutMs: 100, searchParams: { limit: 1 } });

    const retry = events.find((event) => event.type === 'retry');
    expect(retry).toMatchObject({ attempt: 1, error: { kind: 'timeout' } });
    expect(events.filter((event) => event.type === 'request')).toHaveLength(2);
  });

  it('does not retry a POST that timed out (it may have been applied)', async () => {
    const sandbox = await sandboxFor();
    const { client } = clientFor(sandbox);
    sandbox.injectFault({ type: 'delay', delayMs: 400, method: 'POST' });

    const error = (await failureOf(
      client.post('/datasets/', { json: newDataset(), timeoutMs: 100 }),
    )) as AvalaError;

    expect(error).toMatchObject({ kind: 'timeout', attempts: 1 });
  });

  it('retries a GET to a closed port, then fails as a network error', async () => {
    const port = await closedPort();
    const { client, events } = clientFor(undefined, {
      baseUrl: `http://127.0.0.1:${port}/api/v1`,
      apiKey: 'avk_test_closed',
      retry: { baseDelayMs: 1, maxDelayMs: 5, limit: 2 },
    });

    const error = (await failureOf(client.get('/datasets/'))) as AvalaError;

    expect(error).toMatchObject({ kind: 'network', attempts: 3, status: undefined });
    expect(events.filter((event) => event.type === 'offline')).toHaveLength(1);
    expect(events.filter((event) => event.type === 'retry')).toHaveLength(2);
  });

  it('drops the connection: a GET is retried, the call succeeds', async () => {
    const sandbox = await sandboxFor();
    const { client } = clientFor(sandbox);
    sandbox.injectFault({ type: 'drop' });

    await client.get('/datasets/', { searchParams: { limit: 1 } });

    expect(statuses(sandbox)).toEqual([0, 200]);
  });

  it('retries a 503 without Retry-After on the backoff, not the rate window', async () => {
    // The sandbox's 60 s window puts X-RateLimit-Reset up to a minute away on every
    // response; with budget left, that is no wait for an outage.
    const sandbox = await sandboxFor();
    const { client, events } = clientFor(sandbox);
    sandbox.injectFault({ type: 'status', status: 503, count: 2 });

    await client.get('/datasets/', { searchParams: { limit: 1 } });

    expect(statuses(sandbox)).toEqual([503, 503, 200]);
    const delays = events.flatMap((event) => (event.type === 'retry' ? [event.delayMs] : []));
    expect(delays).toHaveLength(2);
    for (const delay of delays) expect(delay).toBeLessThanOrEqual(5);
  });

  it('retry: false sends once (the React hooks retry instead)', async () => {
    const sandbox = await sandboxFor();
    const { client } = clientFor(sandbox);
    sandbox.injectFault({ type: 'status', status: 503 });

    const error = (await failureOf(client.get('/datasets/', { retry: false }))) as AvalaError;

    expect(error).toMatchObject({ kind: 'service_unavailable', attempts: 1 });
    expect(statuses(sandbox)).toEqual([503]);
  });
});

describe('abort (never retried)', () => {
  it('aborting during a request ends the call at once and sends nothing more', async () => {
    const sandbox = await sandboxFor();
    const { client } = clientFor(sandbox);
    // The answer would take a minute, far past the test's timeout: only an abort that ends
    // the call at once lets this test finish.
    sandbox.injectFault({ type: 'delay', delayMs: 60_000 });
    const controller = new AbortController();
    void nextEvent(client, 'request').then(() => setTimeout(() => controller.abort(), 50));

    const error = (await failureOf(
      client.get('/datasets/', { signal: controller.signal }),
    )) as AvalaError;

    expect(error).toMatchObject({ kind: 'aborted', attempts: 1, transient: false });
    await vi.waitFor(() => expect(sandbox.log).toHaveLength(1));
    expect(sandbox.log[0]).toMatchObject({ aborted: true });
  });

  it('aborting during the backoff wait ends the call at once, with no further request', async () => {
    const sandbox = await sandboxFor();
    const { client, events } = clientFor(sandbox);
    sandbox.injectFault({ type: 'status', status: 503, retryAfterS: 30 });
    const controller = new AbortController();
    void nextEvent(client, 'retry').then(() => controller.abort());

    const error = (await failureOf(
      client.get('/datasets/', { signal: controller.signal }),
    )) as AvalaError;

    expect(error).toMatchObject({ kind: 'aborted', attempts: 1 });
    expect(statuses(sandbox)).toEqual([503]);
    expect(events.at(-1)).toMatchObject({ type: 'error', error: { kind: 'aborted' } });
  });

  it('an already-aborted signal sends nothing', async () => {
    const sandbox = await sandboxFor();
    const { client } = clientFor(sandbox);

    const error = (await failureOf(
      client.get('/datasets/', { signal: AbortSignal.abort() }),
    )) as AvalaError;

    expect(error).toMatchObject({ kind: 'aborted', attempts: 0 });
    expect(sandbox.log).toHaveLength(0);
  });
});

describe('retry budget', () => {
  it('stops retrying once a long outage has spent the budget', async () => {
    const sandbox = await sandboxFor();
    const { client } = clientFor(sandbox, {
      retry: { baseDelayMs: 1, maxDelayMs: 5, budget: { capacity: 10, retryCost: 5 } },
    });
    sandbox.injectFault({ type: 'status', status: 500, count: Number.POSITIVE_INFINITY });

    const first = (await failureOf(client.get('/datasets/'))) as AvalaError;
    const second = (await failureOf(client.get('/datasets/'))) as AvalaError;

    // 10 tokens pay for two retries; the third retry and any later one are refused.
    expect(first).toMatchObject({ kind: 'server_error', attempts: 3 });
    expect(isRetryBudgetExhausted(first)).toBe(true);
    expect(second).toMatchObject({ kind: 'server_error', attempts: 1 });
    expect(isRetryBudgetExhausted(second)).toBe(true);
    expect(statuses(sandbox)).toEqual([500, 500, 500, 500]);
  });

  it('refills with successes, so retries resume after the outage', async () => {
    const sandbox = await sandboxFor();
    const { client } = clientFor(sandbox, {
      retry: {
        baseDelayMs: 1,
        maxDelayMs: 5,
        budget: { capacity: 5, retryCost: 5, successRefund: 5 },
      },
    });
    sandbox.injectFault({ type: 'status', status: 500 });
    await client.get('/datasets/', { searchParams: { limit: 1 } }); // spends 5, refunds 5
    sandbox.injectFault({ type: 'status', status: 500 });
    await client.get('/datasets/', { searchParams: { limit: 1 } });

    expect(statuses(sandbox)).toEqual([500, 200, 500, 200]);
  });
});

/** A loopback port nothing listens on. */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  await new Promise<void>((resolve) => server.close(() => resolve()));
  if (address === null || typeof address === 'string') throw new Error('no port');
  return address.port;
}
