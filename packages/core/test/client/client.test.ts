import { describe, expect, it, vi } from 'vitest';
import { z } from 'zod';
import {
  type AvalaError,
  createAvalaClient,
  InvalidResponseError,
  isAvalaError,
  isTransientError,
  type RateLimitState,
} from '../../src/index.js';
import { defaultRetryPolicy } from '../../src/retry/index.js';
import { clientFor, failureOf, sandboxFor, statuses } from './harness.js';

const Dataset = z.object({
  uid: z.string(),
  name: z.string(),
  visibility: z.enum(['private', 'public']),
});

describe('JSON in and out', () => {
  it('sends a JSON body and parses the JSON answer', async () => {
    const sandbox = await sandboxFor();
    const { client } = clientFor(sandbox);

    const created = await client.post('/datasets/', {
      json: {
        name: 'Cats',
        slug: 'cats',
        data_type: 'image',
        visibility: 'public',
        description: 'Cats on sofas',
      },
      schema: Dataset,
    });

    expect(created).toMatchObject({ name: 'Cats', visibility: 'public' });
    expect(statuses(sandbox)).toEqual([201]);
  });

  it('parses the body with a schema (its output, transforms included)', async () => {
    const sandbox = await sandboxFor();
    const { client } = clientFor(sandbox);
    const [first] = (
      await client.get<{ results: { uid: string }[] }>('/datasets/', {
        searchParams: { limit: 1 },
      })
    ).results;
    const Shouting = Dataset.transform((d) => ({ ...d, name: d.name.toUpperCase() }));

    const dataset = await client.get(['datasets', first?.uid ?? ''], { schema: Shouting });

    expect(dataset.name).toBe(dataset.name.toUpperCase());
  });

  it('lets a call override a client header whatever its case, as ky merges headers', async () => {
    const seen: Headers[] = [];
    const { client } = clientFor(undefined, {
      baseUrl: 'https://api.example.test/api/v1',
      apiKey: 'avk_test_headers',
      headers: { 'X-Trace': 'client' },
      fetch: async (input) => {
        seen.push(new Headers((input as Request).headers));
        return Response.json({});
      },
      rateLimit: false,
    });

    await client.get('/datasets/', { headers: { Accept: 'application/vnd.avala+json' } });
    await client.get('/datasets/', { headers: { 'x-trace': 'call' } });

    expect(seen.map((headers) => headers.get('accept'))).toEqual([
      'application/vnd.avala+json',
      'application/json',
    ]);
    expect(seen.map((headers) => headers.get('x-trace'))).toEqual(['client', 'call']);
  });

  it('sends the client-wide headers on a call that passes no headers of its own', async () => {
    const seen: Headers[] = [];
    const { client } = clientFor(undefined, {
      baseUrl: 'https://api.example.test/api/v1',
      apiKey: 'avk_test_headers',
      headers: { Authorization: 'Bearer gateway-token', Accept: 'application/vnd.avala+json' },
      fetch: async (input) => {
        seen.push(new Headers((input as Request).headers));
        return Response.json({});
      },
      rateLimit: false,
    });

    await client.get('/datasets/');
    await client.post('/datasets/', { json: { name: 'a' } });

    expect(seen.map((headers) => headers.get('authorization'))).toEqual([
      'Bearer gateway-token',
      'Bearer gateway-token',
    ]);
    expect(seen.map((headers) => headers.get('accept'))).toEqual([
      'application/vnd.avala+json',
      'application/vnd.avala+json',
    ]);
  });

  it('rejects a GET with a JSON body as the TypeError it is, not a transient network error', async () => {
    const sandbox = await sandboxFor();
    const { client, events } = clientFor(sandbox);

    const error = await failureOf(client.get('/datasets/', { json: { name: 'x' } }));

    expect(error).toBeInstanceOf(TypeError);
    expect(isAvalaError(error)).toBe(false);
    expect(isTransientError(error)).toBe(false);
    expect(sandbox.log).toHaveLength(0);
    expect(events).toEqual([]);
  });

  it('turns a body that fails the schema into invalid_response with the issues, not retried', async () => {
    const sandbox = await sandboxFor();
    const { client } = clientFor(sandbox);
    const Wrong = z.object({ results: z.array(z.object({ uid: z.number() })) });

    const error = (await failureOf(
      client.get('/datasets/', { searchParams: { limit: 1 }, schema: Wrong }),
    )) as InvalidResponseError;

    expect(error).toBeInstanceOf(InvalidResponseError);
    expect(error).toMatchObject({ kind: 'invalid_response', status: 200, attempts: 1 });
    expect(error.issues[0]?.path).toEqual(['results', 0, 'uid']);
    expect(statuses(sandbox)).toEqual([200]);
  });

  it('turns a 2xx that is not JSON into invalid_response', async () => {
    const { client } = clientFor(undefined, {
      baseUrl: 'https://api.example.test/api/v1',
      rateLimit: false,
      fetch: async () =>
        new Response('<html>Welcome to the captive portal</html>', {
          status: 200,
          headers: { 'content-type': 'text/html' },
        }),
    });

    const error = (await failureOf(client.get('/datasets/'))) as AvalaError;

    expect(error).toMatchObject({ kind: 'invalid_response', status: 200, attempts: 1 });
    expect(error.body).toContain('captive portal');
  });

  it('resolves a 204 to undefined', async () => {
    const sandbox = await sandboxFor();
    const { client } = clientFor(sandbox);
    const created = await client.post<{ uid: string }>('/datasets/', {
      json: { name: 'Doomed', slug: 'doomed', data_type: 'image' },
    });

    await expect(client.delete(['datasets', created.uid])).resolves.toBeUndefined();
    expect(statuses(sandbox)).toEqual([201, 204]);
  });

  it('classifies an API error (409 with the DRF body) and emits one error event', async () => {
    const sandbox = await sandboxFor();
    const { client, events } = clientFor(sandbox);
    await client.post('/datasets/', { json: { name: 'Twice', slug: 'twice', data_type: 'image' } });

    const error = (await failureOf(
      client.post('/datasets/', { json: { name: 'Twice', slug: 'twice-2', data_type: 'image' } }),
    )) as AvalaError;

    expect(error).toMatchObject({ kind: 'conflict', status: 409, method: 'POST', attempts: 1 });
    expect(events.filter((event) => event.type === 'error')).toEqual([{ type: 'error', error }]);
  });

  it('puts 400 field errors on the error for forms', async () => {
    const sandbox = await sandboxFor();
    const { client } = clientFor(sandbox);

    const error = (await failureOf(
      client.post('/datasets/', { json: { visibility: 'secret', filters: { split: 'x' } } }),
    )) as AvalaError;

    expect(error.kind).toBe('bad_request');
    expect(Object.keys(error.fieldErrors)).toEqual(
      expect.arrayContaining(['name', 'visibility', 'filters.split']),
    );
  });
});

describe('events', () => {
  it('reports request, response, retry and error in order', async () => {
    const sandbox = await sandboxFor();
    const { client, events } = clientFor(sandbox, {
      retry: { baseDelayMs: 1, maxDelayMs: 5, limit: 1 },
    });
    sandbox.injectFault({ type: 'status', status: 502, count: 2 });

    await failureOf(client.get('/datasets/'));

    const lifecycle = events.filter((event) => event.type !== 'rate_limit');
    expect(lifecycle.map((event) => event.type)).toEqual([
      'request',
      'response',
      'retry',
      'request',
      'response',
      'error',
    ]);
    expect(lifecycle[1]).toMatchObject({ status: 502, attempt: 1, rateLimit: { limit: 100 } });
    expect(lifecycle[2]).toMatchObject({ attempt: 1, delayMs: expect.any(Number) });
    expect(lifecycle[3]).toMatchObject({ attempt: 2 });
  });

  it('raises rate_limited once for a run of 429s and recovered once after the success', async () => {
    const sandbox = await sandboxFor();
    const { client, events } = clientFor(sandbox, { rateLimit: false });
    sandbox.injectFault({ type: 'status', status: 429, retryAfterS: 0, count: 3 });

    await client.get('/datasets/', { searchParams: { limit: 1 } });
    await client.get('/datasets/', { searchParams: { limit: 1 } });

    const notices = events.filter((event) =>
      ['rate_limited', 'service_unavailable', 'offline', 'recovered'].includes(event.type),
    );
    expect(notices).toEqual([
      {
        type: 'rate_limited',
        until: expect.any(Number),
        error: expect.objectContaining({ status: 429 }),
      },
      { type: 'recovered', from: 'rate_limited' },
    ]);
  });

  it('raises service_unavailable with the announced end of a maintenance', async () => {
    const sandbox = await sandboxFor();
    const { client, events } = clientFor(sandbox, { rateLimit: false });
    sandbox.setMaintenance({ retryAfterS: 120 });

    const before = Date.now();
    const error = (await failureOf(client.get('/datasets/'))) as AvalaError;

    expect(error).toMatchObject({ kind: 'service_unavailable', retryAfterMs: 120_000 });
    const notice = events.find((event) => event.type === 'service_unavailable');
    expect(notice).toMatchObject({ until: expect.any(Number) });
    expect((notice as { until: number }).until).toBeGreaterThanOrEqual(before + 120_000);
  });

  it('a listener that throws breaks neither the request nor other listeners', async () => {
    const sandbox = await sandboxFor();
    const { client, events } = clientFor(sandbox, {
      onEvent: () => {
        throw new Error('toast crashed');
      },
    });
    const seen: string[] = [];
    client.subscribe(() => {
      throw new Error('me too');
    });
    const stop = client.subscribe((event) => {
      if (event.type !== 'rate_limit') seen.push(event.type);
    });

    await expect(client.get('/health/')).resolves.toEqual({ status: 'ok' });
    stop();
    await client.get('/health/');

    expect(seen).toEqual(['request', 'response']);
    expect(events.filter((event) => event.type === 'request')).toHaveLength(2);
  });

  it('forwards the governor queued/released events and exposes its state', async () => {
    const sandbox = await sandboxFor();
    const { client, events } = clientFor(sandbox, {
      rateLimit: { broadcastChannel: false, initialConcurrency: 1 },
    });

    await Promise.all([client.get('/health/'), client.get('/health/'), client.get('/health/')]);

    expect(events.some((event) => event.type === 'queued')).toBe(true);
    expect(events.some((event) => event.type === 'released')).toBe(true);
    expect(client.rateLimit).toMatchObject({ queued: 0, inFlight: 0 });
  });

  it('tells subscribers when the budget changes, with the state client.rateLimit shows', async () => {
    const sandbox = await sandboxFor();
    const { client } = clientFor(sandbox);
    const states: RateLimitState[] = [];
    const stop = client.subscribe((event) => {
      if (event.type === 'rate_limit') states.push(event.state);
    });

    await client.get('/datasets/', { searchParams: { limit: 1 } });
    await new Promise((resolve) => setTimeout(resolve, 0)); // state changes are batched per microtask
    stop();

    expect(states.at(-1)).toMatchObject({ limit: 100, remaining: 99, inFlight: 0 });
    expect(states.at(-1)).toEqual(client.rateLimit);
  });

  it('tells a subscriber of a client without onEvent, also one that subscribes again', async () => {
    const sandbox = await sandboxFor();
    const client = createAvalaClient({
      baseUrl: sandbox.apiUrl,
      apiKey: sandbox.keys.admin,
      rateLimit: { broadcastChannel: false },
    });
    const heard = async () => {
      const states: RateLimitState[] = [];
      const stop = client.subscribe((event) => {
        if (event.type === 'rate_limit') states.push(event.state);
      });
      await client.get('/datasets/', { searchParams: { limit: 1 } });
      await new Promise((resolve) => setTimeout(resolve, 0)); // batched per microtask
      stop();
      return states;
    };

    await client.get('/health/'); // nobody listens yet
    const first = await heard();
    const again = await heard();
    client.dispose();

    expect(first.at(-1)).toMatchObject({ limit: 100, remaining: 98, inFlight: 0 });
    expect(again.at(-1)).toMatchObject({ limit: 100, remaining: 97, inFlight: 0 });
  });
});

describe('governor and the call lifecycle', () => {
  it('takes a call queued by the governor out of line when it is aborted, sending nothing', async () => {
    const sandbox = await sandboxFor();
    const { client } = clientFor(sandbox, {
      rateLimit: { broadcastChannel: false, initialConcurrency: 1 },
    });
    sandbox.injectFault({ type: 'delay', delayMs: 300 });
    const controller = new AbortController();

    const first = client.get('/health/');
    const queued = client.get('/datasets/', { signal: controller.signal });
    await vi.waitFor(() => expect(client.rateLimit.queued).toBe(1));
    controller.abort();

    expect(await failureOf(queued)).toMatchObject({ kind: 'aborted', attempts: 0 });
    await first;
    expect(sandbox.log.map((entry) => entry.path)).toEqual(['/api/v1/health/']);
  });

  it('a timed-out attempt answering late does not free the retry still in flight', async () => {
    const answers: ((response: Response) => void)[] = [];
    const { client, events } = clientFor(undefined, {
      baseUrl: 'https://api.example.test/api/v1',
      apiKey: 'avk_test_late',
      // A fetch that ignores the abort, as some wrappers and polyfills do.
      fetch: () => new Promise<Response>((resolve) => answers.push(resolve)),
    });

    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] });
    try {
      const call = client.get('/datasets/', { timeoutMs: 20, retry: { baseDelayMs: 0 } });
      // Past the 20 ms timeout and the 0 ms backoff; bounded so a regression fails, not hangs.
      for (let step = 0; step < 20 && answers.length < 2; step++) {
        await vi.advanceTimersByTimeAsync(5);
      }
      expect(answers).toHaveLength(2);
      expect(client.rateLimit.inFlight).toBe(1);
      answers[0]?.(Response.json({ late: true }));
      await vi.advanceTimersByTimeAsync(0);

      expect(client.rateLimit.inFlight).toBe(1);
      answers[1]?.(Response.json({ results: [] }));
      expect(await call).toEqual({ results: [] });
      expect(client.rateLimit.inFlight).toBe(0);
      const responses = events.flatMap((event) => (event.type === 'response' ? [event] : []));
      expect(responses.map((event) => event.attempt)).toEqual([1, 2]);
    } finally {
      vi.useRealTimers();
    }
  });

  it('does not count time queued by the governor against timeoutMs', async () => {
    const sandbox = await sandboxFor();
    const { client, events } = clientFor(sandbox, {
      rateLimit: { broadcastChannel: false, initialConcurrency: 1 },
    });
    sandbox.injectFault({ type: 'delay', delayMs: 300, path: '/health/' });

    const [, page] = await Promise.all([
      client.get('/health/'),
      client.get<{ results: unknown[] }>('/datasets/', {
        timeoutMs: 150,
        searchParams: { limit: 1 },
      }),
    ]);

    expect(page.results).toHaveLength(1);
    expect(events.some((event) => event.type === 'retry')).toBe(false);
  });
});

describe('client surface', () => {
  it('exposes the normalised retry policy and base URL', async () => {
    const sandbox = await sandboxFor();
    const { client } = clientFor(sandbox, { retry: { limit: 1 } });

    expect(client.retryPolicy).toEqual({ ...defaultRetryPolicy, limit: 1 });
    expect(client.baseUrl).toBe(sandbox.apiUrl);
  });

  it('retry: false on the client turns retries off, rateLimit: false the governor', async () => {
    const sandbox = await sandboxFor();
    const { client } = clientFor(sandbox, { retry: false, rateLimit: false });
    sandbox.injectFault({ type: 'status', status: 500 });

    expect(client.retryPolicy).toBe(false);
    await failureOf(client.get('/datasets/'));
    expect(statuses(sandbox)).toEqual([500]);
    expect(client.rateLimit).toEqual({ queued: 0, inFlight: 0 });
  });

  it('refuses an invalid timeout or policy at creation', async () => {
    const sandbox = await sandboxFor();
    expect(() => clientFor(sandbox, { timeoutMs: -1 })).toThrow(RangeError);
    expect(() => clientFor(sandbox, { retry: { limit: 1.5 } })).toThrow(RangeError);
  });
});
