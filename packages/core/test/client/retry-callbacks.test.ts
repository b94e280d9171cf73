import { describe, expect, it, vi } from 'vitest';
import type { AvalaError, AvalaEvent } from '../../src/index.js';
import { isRetriedInClient } from '../../src/retry/index.js';
import { clientFor, FAST_RETRY, failureOf } from './harness.js';

const BASE = 'https://api.example.test/api/v1';

/** A client whose fetch always answers `status`, counting the requests. */
function failingClient(status: number) {
  const fetch = vi.fn(async () => Response.json({ detail: 'nope' }, { status }));
  const { client, events } = clientFor(undefined, {
    baseUrl: BASE,
    rateLimit: false,
    retry: { ...FAST_RETRY, budget: false },
    fetch: fetch as typeof globalThis.fetch,
  });
  return { client, events, fetch };
}

describe('client.retryCallbacks: one retry layer (docs/retry-rule.md)', () => {
  it('never retries an error the client already retried inside ky', async () => {
    const { client, fetch } = failingClient(503);
    const error = (await failureOf(client.get('/datasets/'))) as AvalaError;

    expect(fetch).toHaveBeenCalledTimes(4);
    expect(isRetriedInClient(error)).toBe(true);
    expect(client.retryCallbacks({ method: 'GET' }).retry(0, error)).toBe(false);
  });

  it('reads a TanStack retry number as "at most N", under the rule', async () => {
    const { client } = failingClient(404);
    const notFound = (await failureOf(client.get('/x/', { retry: false }))) as AvalaError;
    const { client: busy } = failingClient(503);
    const unavailable = (await failureOf(busy.get('/x/', { retry: false }))) as AvalaError;
    const { retry } = client.retryCallbacks({ method: 'GET', retry: 2 });

    expect(retry(0, notFound)).toBe(false);
    expect([0, 1, 2].map((failureCount) => retry(failureCount, unavailable))).toEqual([
      true,
      true,
      false,
    ]);
  });

  it("numbers an outer layer's attempts and leaves the retry and error events to it", async () => {
    const { client, events } = failingClient(503);
    const error = (await failureOf(
      client.get('/datasets/', { retry: false, attempt: 3 }),
    )) as AvalaError;
    const { retry, retryDelay } = client.retryCallbacks({ method: 'GET' });

    expect(events.find((e) => e.type === 'request')).toMatchObject({ attempt: 3 });
    expect(events.find((e) => e.type === 'response')).toMatchObject({ attempt: 3 });
    expect(error.attempts).toBe(3);
    expect(events.filter((e) => e.type === 'error')).toEqual([]);

    const delay = retryDelay(2, error);
    expect(retry(2, error)).toBe(true);
    const announced = events.filter((e) => e.type === 'retry') as Extract<
      AvalaEvent,
      { type: 'retry' }
    >[];
    expect(announced).toHaveLength(1);
    expect(announced[0]).toMatchObject({ attempt: 3, delayMs: delay, method: 'GET', error });

    expect(retry(3, error)).toBe(false);
    expect(events.filter((e) => e.type === 'error')).toEqual([{ type: 'error', error }]);
  });
});

describe('client.retryCallbacks: a governor wait that is too long', () => {
  it('is reported once as the final error of a call retried outside (the hooks)', async () => {
    // One 503 asking for 90 s: the governor then holds every call for that long.
    const fetch = vi.fn(async () =>
      Response.json({ detail: 'maintenance' }, { status: 503, headers: { 'Retry-After': '90' } }),
    );
    const { client, events } = clientFor(undefined, {
      baseUrl: BASE,
      rateLimit: { broadcastChannel: false },
      retry: { ...FAST_RETRY, budget: false },
      fetch: fetch as typeof globalThis.fetch,
    });
    // A call willing to wait two minutes: the governor holds everyone for the 90 s.
    const patient = new AbortController();
    const waiting = failureOf(
      client.get('/datasets/', { retry: { maxRetryAfterMs: 120_000 }, signal: patient.signal }),
    );
    await vi.waitFor(() => expect(client.rateLimit.blockedUntil).toBeGreaterThan(Date.now()), {
      timeout: 5_000,
    });
    events.length = 0;

    // A hook's attempt: the hold is longer than the call waits, so it fails without a request.
    const error = (await failureOf(
      client.get('/projects/', { retry: false, attempt: 1 }),
    )) as AvalaError;
    expect(error.kind).toBe('service_unavailable');
    expect(fetch).toHaveBeenCalledTimes(1);
    expect(events.filter((e) => e.type === 'error')).toEqual([]);

    // TanStack asks whether to retry: no (the wait is over the cap), and that is the end.
    expect(client.retryCallbacks({ method: 'GET' }).retry(0, error)).toBe(false);
    expect(events.filter((e) => e.type === 'error')).toEqual([{ type: 'error', error }]);
    patient.abort();
    await waiting;
    client.dispose();
  });
});
