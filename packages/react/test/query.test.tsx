import {
  type AvalaClient,
  type AvalaError,
  isRetryBudgetExhausted,
  type Page,
  UnsafeUrlError,
} from '@avala-fetch/core';
import type { Sandbox } from '@avala-fetch/sandbox';
import {
  QueryClient,
  QueryClientProvider,
  useQuery,
  useQueryClient,
  useSuspenseQuery,
} from '@tanstack/react-query';
import { renderHook, waitFor } from '@testing-library/react';
import type { ReactNode } from 'react';
import { beforeEach, describe, expect, expectTypeOf, it, vi } from 'vitest';
import {
  AvalaProvider,
  avalaQueryKey,
  avalaQueryOptions,
  useAvalaClient,
  useAvalaQuery,
} from '../src/index.js';
import {
  createTestClient,
  createTestQueryClient,
  FAST_RETRY,
  providerWrapper,
  RETRY_LIMIT,
  recordEvents,
  requestsTo,
  sandboxSuite,
  suspenseWrapper,
} from './helpers.js';

interface Dataset {
  uid: string;
  name: string;
}

let sandbox: Sandbox;
let client: AvalaClient;
let queryClient: QueryClient;

const suite = sandboxSuite({ rateLimit: false });
beforeEach(() => {
  ({ sandbox, client, queryClient } = suite);
});

describe('useAvalaQuery', () => {
  it('reads a list, typed, under the key derived from path and params', async () => {
    const { result } = renderHook(
      () => useAvalaQuery<Page<Dataset>>('/datasets/', { searchParams: { limit: 2 } }),
      { wrapper: providerWrapper({ client, queryClient }) },
    );
    await waitFor(() => expect(result.current.isSuccess).toBe(true));
    expect(result.current.data?.results).toHaveLength(2);
    expect(queryClient.getQueryData(['avala', 'GET', '/datasets/', { limit: 2 }])).toBe(
      result.current.data,
    );
  });

  it('retries an always-503 endpoint exactly `limit` times, one request per attempt', async () => {
    sandbox.injectFault({
      type: 'status',
      status: 503,
      count: Number.POSITIVE_INFINITY,
      path: '/datasets/',
    });
    const { result } = renderHook(() => useAvalaQuery('/datasets/'), {
      wrapper: providerWrapper({ client, queryClient }),
    });
    await waitFor(() => expect(result.current.isError).toBe(true));
    expect(requestsTo(sandbox, '/datasets/')).toHaveLength(RETRY_LIMIT + 1);
    expect(result.current.failureCount).toBe(RETRY_LIMIT + 1);
    const error: AvalaError | null = result.current.error;
    expect(error?.kind).toBe('service_unavailable');
    // Each attempt is one request (ky did not retry inside), and the final error counts them all.
    expect(error?.attempts).toBe(RETRY_LIMIT + 1);
  });

  it("spends the client's retry budget, so a long outage stops hook retries too", async () => {
    // Room for two retries (cost 5 each); the third failure is returned at once.
    const budgeted = createTestClient(sandbox, {
      retry: { ...FAST_RETRY, limit: 5, budget: { capacity: 10, retryCost: 5, successRefund: 1 } },
    });
    sandbox.injectFault({
      type: 'status',
      status: 503,
      count: Number.POSITIVE_INFINITY,
      path: '/datasets/',
    });
    const { result } = renderHook(() => useAvalaQuery('/datasets/'), {
      wrapper: providerWrapper({ client: budgeted, queryClient }),
    });
    await waitFor(() => expect(result.current.isError).toBe(true));
    expect(requestsTo(sandbox, '/datasets/')).toHaveLength(3);
    expect(isRetryBudgetExhausted(result.current.error)).toBe(true);
    budgeted.dispose();
  });

  it('never retries when the client has retries turned off', async () => {
    sandbox.injectFault({ type: 'status', status: 503, path: '/datasets/', count: 2 });
    const unretried = createTestClient(sandbox, { retry: false });
    const { result } = renderHook(() => useAvalaQuery('/datasets/'), {
      wrapper: providerWrapper({ client: unretried, queryClient }),
    });
    await waitFor(() => expect(result.current.isError).toBe(true));
    expect(result.current.error?.kind).toBe('service_unavailable');
    expect(requestsTo(sandbox, '/datasets/')).toHaveLength(1);
    unretried.dispose();
  });

  it('never retries a 404', async () => {
    const { result } = renderHook(() => useAvalaQuery(['datasets', 'no-such-uid']), {
      wrapper: providerWrapper({ client, queryClient }),
    });
    await waitFor(() => expect(result.current.isError).toBe(true));
    expect(result.current.error?.kind).toBe('not_found');
    expect(requestsTo(sandbox, '/datasets/')).toHaveLength(1);
    expect(result.current.failureCount).toBe(1);
  });

  it('surfaces a refused path (an undefined id) as UnsafeUrlError, sending and retrying nothing', async () => {
    const uid: string | undefined = undefined;
    const { result } = renderHook(() => useAvalaQuery(['datasets', uid ?? '']), {
      wrapper: providerWrapper({ client, queryClient }),
    });
    await waitFor(() => expect(result.current.isError).toBe(true));
    expect(result.current.error).toBeInstanceOf(UnsafeUrlError);
    expect(result.current.failureCount).toBe(1);
    expect(sandbox.log).toHaveLength(0);
  });

  it("waits the server's Retry-After on a 429, then succeeds", async () => {
    sandbox.injectFault({ type: 'status', status: 429, retryAfterS: 1, path: '/datasets/' });
    const delays: number[] = [];
    const { retryDelay } = client.retryCallbacks({ method: 'GET' });
    const { result } = renderHook(
      () =>
        useAvalaQuery('/datasets/', {
          // The policy's own delay, recorded on the way through (not replaced).
          retryDelay: (failureCount, error) => {
            const delay = retryDelay(failureCount, error);
            delays.push(delay);
            return delay;
          },
        }),
      { wrapper: providerWrapper({ client, queryClient }) },
    );
    await waitFor(() => expect(result.current.isSuccess).toBe(true), { timeout: 3_000 });
    // The server's second, plus the jitter that keeps clients from waking together (≤ a tenth).
    expect(delays).toHaveLength(1);
    expect(delays[0]).toBeGreaterThanOrEqual(1_000);
    expect(delays[0]).toBeLessThanOrEqual(1_100);
    expect(requestsTo(sandbox, '/datasets/').map((entry) => entry.status)).toEqual([429, 200]);
    expect(result.current.failureCount).toBe(0); // reset by the success
  });

  it('fails at once when the server asks for a longer wait than the policy sleeps through', async () => {
    client = createTestClient(sandbox, { retry: { baseDelayMs: 1, maxRetryAfterMs: 500 } });
    sandbox.injectFault({ type: 'status', status: 429, retryAfterS: 30, path: '/datasets/' });
    const { result } = renderHook(() => useAvalaQuery('/datasets/'), {
      wrapper: providerWrapper({ client, queryClient }),
    });
    await waitFor(() => expect(result.current.isError).toBe(true));
    expect(result.current.error?.retryAfterMs).toBe(30_000);
    expect(requestsTo(sandbox, '/datasets/')).toHaveLength(1);
  });

  it('lets the caller override the retry decision', async () => {
    sandbox.injectFault({ type: 'status', status: 500, count: 5, path: '/datasets/' });
    const { result } = renderHook(() => useAvalaQuery('/datasets/', { retry: 1 }), {
      wrapper: providerWrapper({ client, queryClient }),
    });
    await waitFor(() => expect(result.current.isError).toBe(true));
    expect(requestsTo(sandbox, '/datasets/')).toHaveLength(2);
  });

  it('aborts the request when the component unmounts, and leaves no timers', async () => {
    queryClient = createTestQueryClient(0);
    sandbox.injectFault({ type: 'delay', delayMs: 10_000, path: '/datasets/' });
    const events = recordEvents(client);
    const { unmount } = renderHook(() => useAvalaQuery('/datasets/'), {
      wrapper: providerWrapper({ client, queryClient }),
    });
    await waitFor(() => expect(events.some((event) => event.type === 'request')).toBe(true));

    // From here on every timer is fake and counted: unmounting must start none that stays.
    vi.useFakeTimers();
    try {
      unmount();
      vi.runOnlyPendingTimers(); // gcTime 0: the query is collected on the next tick
      expect(vi.getTimerCount()).toBe(0);
      expect(queryClient.getQueryCache().getAll()).toEqual([]);
    } finally {
      vi.useRealTimers();
    }
    await waitFor(() =>
      expect(requestsTo(sandbox, '/datasets/')).toEqual([
        expect.objectContaining({ aborted: true }),
      ]),
    );
  });

  it('cancels the older request when the key changes', async () => {
    sandbox.injectFault({ type: 'delay', delayMs: 10_000, path: '/datasets/', count: 1 });
    const events = recordEvents(client);
    const { result, rerender } = renderHook(
      ({ limit }) => useAvalaQuery<Page<Dataset>>('/datasets/', { searchParams: { limit } }),
      { wrapper: providerWrapper({ client, queryClient }), initialProps: { limit: 1 } },
    );
    await waitFor(() => expect(events.some((event) => event.type === 'request')).toBe(true));
    rerender({ limit: 2 });
    await waitFor(() => expect(result.current.data?.results).toHaveLength(2));
    await waitFor(() =>
      expect(requestsTo(sandbox, '/datasets/').find((entry) => entry.query === 'limit=1')).toEqual(
        expect.objectContaining({ aborted: true }),
      ),
    );
  });
});

describe('avalaQueryOptions', () => {
  it('serves prefetchQuery, useQuery and invalidateQueries from one definition', async () => {
    const datasets = avalaQueryOptions<Page<Dataset>>(client, '/datasets/', {
      searchParams: { limit: 3 },
    });
    expect(datasets.queryKey).toEqual(['avala', 'GET', '/datasets/', { limit: 3 }]);
    await queryClient.prefetchQuery(datasets);
    const cached: Page<Dataset> | undefined = queryClient.getQueryData(datasets.queryKey);
    expect(cached?.results).toHaveLength(3);

    const { result } = renderHook(() => useQuery(datasets), {
      wrapper: providerWrapper({ client, queryClient }),
    });
    expect(result.current.data).toBe(cached); // served from the prefetch, no new request
    expect(requestsTo(sandbox, '/datasets/')).toHaveLength(1);

    await queryClient.invalidateQueries({ queryKey: avalaQueryKey('/datasets/') });
    expect(requestsTo(sandbox, '/datasets/')).toHaveLength(2);
  });

  it("serves useSuspenseQuery like TanStack's own queryOptions (no skipToken in its queryFn)", async () => {
    const datasets = avalaQueryOptions<Page<Dataset>>(client, '/datasets/', {
      searchParams: { limit: 2 },
    });
    const { result } = renderHook(() => useSuspenseQuery(datasets), {
      wrapper: suspenseWrapper({ client, queryClient }),
    });
    await waitFor(() => expect(result.current?.data.results).toHaveLength(2));
  });

  it("keeps data defined when initialData is given, as TanStack's queryOptions does", async () => {
    const empty: Page<Dataset> = { next: null, previous: null, results: [] };
    const datasets = avalaQueryOptions<Page<Dataset>>(client, '/datasets/', {
      initialData: empty,
    });
    const wrapper = providerWrapper({ client, queryClient });
    const viaTanStack = renderHook(() => useQuery(datasets), { wrapper });
    const viaHook = renderHook(
      () => useAvalaQuery<Page<Dataset>>('/datasets/', { queryKey: ['other'], initialData: empty }),
      { wrapper },
    );
    expectTypeOf(viaTanStack.result.current.data).toEqualTypeOf<Page<Dataset>>();
    expectTypeOf(viaHook.result.current.data).toEqualTypeOf<Page<Dataset>>();
    expect(viaTanStack.result.current.data.results).toEqual([]);
    expect(viaHook.result.current.data.results).toEqual([]);
  });

  it('uses a caller-given key', () => {
    const definition = avalaQueryOptions(client, '/datasets/', { queryKey: ['my', 'datasets'] });
    expect(definition.queryKey).toEqual(['my', 'datasets']);
  });
});

describe('AvalaProvider', () => {
  it('makes the client available and throws a clear error outside it', () => {
    const { result } = renderHook(() => useAvalaClient(), {
      wrapper: providerWrapper({ client }),
    });
    expect(result.current).toBe(client);
    vi.spyOn(console, 'error').mockImplementation(() => {});
    expect(() => renderHook(() => useAvalaClient())).toThrow(/inside <AvalaProvider/);
    vi.restoreAllMocks();
  });

  it('uses the surrounding QueryClientProvider when there is one', () => {
    const outer = createTestQueryClient();
    const wrapper = ({ children }: { children: ReactNode }) => (
      <QueryClientProvider client={outer}>
        <AvalaProvider client={client}>{children}</AvalaProvider>
      </QueryClientProvider>
    );
    const { result } = renderHook(() => useQueryClient(), { wrapper });
    expect(result.current).toBe(outer);
  });

  it('creates a QueryClient when none surrounds it, so hooks work out of the box', () => {
    const { result } = renderHook(() => useQueryClient(), {
      wrapper: providerWrapper({ client }),
    });
    expect(result.current).toBeInstanceOf(QueryClient);
  });
});
