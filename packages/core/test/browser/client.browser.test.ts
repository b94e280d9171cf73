import { beforeEach, describe, expect, it } from 'vitest';
import type { AvalaError } from '../../src/index.js';
import { clientFor, failureOf, injectFault, resetSandbox, sandbox, sandboxLog } from './helpers.js';

// In Chromium, cross-origin (the page is served by Vitest, the sandbox listens on another
// port): what Node tests cannot prove — CORS preflights with the key header, exposed
// rate-limit headers, a browser's own abort and redirect handling.

beforeEach(() => resetSandbox());

describe('CORS from a page to the API', () => {
  it('sends the key cross-origin after a preflight and reads the exposed rate-limit headers', async () => {
    const { client, events } = clientFor();

    // No other test calls /users/me/projects/, so Chromium has no cached preflight for it.
    const page = await client.get<{ results: unknown[] }>('/users/me/projects/');

    expect(page.results.length).toBeGreaterThan(0);
    const log = await sandboxLog(sandbox, { preflights: true });
    expect(log.map(({ method, status, key }) => [method, status, key])).toEqual([
      ['OPTIONS', 204, undefined],
      ['GET', 200, sandbox.keys.admin],
    ]);
    const response = events.find((event) => event.type === 'response');
    expect(response).toMatchObject({
      status: 200,
      rateLimit: { limit: 100, remaining: 99, resetAt: expect.any(Number) },
    });
    expect(client.rateLimit).toMatchObject({ limit: 100, remaining: 99 });
  });

  it('reads the rate-limit headers of an error response too', async () => {
    const { client } = clientFor();

    const error = (await failureOf(client.get('/datasets/no-such-dataset/'))) as AvalaError;

    expect(error).toMatchObject({
      kind: 'not_found',
      status: 404,
      transient: false,
      attempts: 1,
      rateLimit: { limit: 100, remaining: 99 },
    });
  });
});

describe('failures classified in the browser', () => {
  it('reports a 400 with its field errors, keyed by dotted path, and does not retry it', async () => {
    const { client } = clientFor();

    const error = (await failureOf(
      client.post('/datasets/', {
        json: {
          slug: 'no-name',
          data_type: 'image',
          visibility: 'everyone',
          filters: { split: 'holdout' },
        },
      }),
    )) as AvalaError;

    expect(error).toMatchObject({ kind: 'bad_request', status: 400, attempts: 1 });
    expect(Object.keys(error.fieldErrors ?? {}).sort()).toEqual([
      'filters.split',
      'name',
      'visibility',
    ]);
    expect(error.fieldErrors?.name).toEqual(['This field is required.']);
  });

  it('waits out a 429 Retry-After of 1 s, then succeeds', async () => {
    await injectFault({ type: 'status', status: 429, retryAfterS: 1, path: '/datasets/' });
    const { client, events } = clientFor();

    await client.get('/datasets/');

    const retry = events.find((event) => event.type === 'retry');
    expect(retry).toMatchObject({ attempt: 1, error: { kind: 'rate_limited' } });
    // The server's second, plus the small jitter every server-requested wait gets (≤ a tenth).
    const delayMs = retry?.type === 'retry' ? retry.delayMs : 0;
    expect(delayMs).toBeGreaterThanOrEqual(1000);
    expect(delayMs).toBeLessThanOrEqual(1100);
    expect(events.map((event) => event.type)).toContain('recovered');
    expect((await sandboxLog()).map((entry) => entry.status)).toEqual([429, 200]);
  });

  it('puts the 429 wait on the error when retries are off', async () => {
    await injectFault({ type: 'status', status: 429, retryAfterS: 1, path: '/datasets/' });
    const { client } = clientFor(sandbox, { retry: false });

    const error = (await failureOf(client.get('/datasets/'))) as AvalaError;

    expect(error).toMatchObject({
      kind: 'rate_limited',
      status: 429,
      retryAfterMs: 1000,
      transient: true,
    });
  });

  it('retries a GET after two 503s and succeeds, announcing each retry', async () => {
    await injectFault({ type: 'status', status: 503, count: 2, path: '/datasets/' });
    const { client, events } = clientFor();

    await client.get('/datasets/');

    const retries = events.filter((event) => event.type === 'retry');
    expect(retries.map((event) => [event.attempt, event.error.kind])).toEqual([
      [1, 'service_unavailable'],
      [2, 'service_unavailable'],
    ]);
    expect((await sandboxLog()).map((entry) => entry.status)).toEqual([503, 503, 200]);
  });
});

describe('abort in the browser', () => {
  it('ends a call stuck in a slow response at once with kind aborted', async () => {
    // Far longer than the test timeout: only the abort can end this call in time.
    await injectFault({ type: 'delay', delayMs: 30_000, path: '/datasets/' });
    const { client } = clientFor();
    const controller = new AbortController();
    const call = client.get('/datasets/', { signal: controller.signal });
    // The fault is used up once the request has reached the sandbox and is being held.
    await expect
      .poll(async () => (await fetch(`${sandbox.url}/__sandbox/faults`)).json())
      .toEqual([]);

    controller.abort();
    const error = (await failureOf(call)) as AvalaError;

    expect(error).toMatchObject({ kind: 'aborted', status: undefined, transient: false });
    // Chromium closed the connection: the sandbox saw the client leave mid-delay.
    await expect
      .poll(sandboxLog)
      .toEqual([expect.objectContaining({ status: 499, aborted: true })]);
  });
});
