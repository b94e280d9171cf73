import type { AvalaClient, AvalaError } from '@avala-fetch/core';
import type { Sandbox } from '@avala-fetch/sandbox';
import {
  QueryClient,
  QueryClientProvider,
  useInfiniteQuery,
  useMutation,
  useQuery,
  useSuspenseQuery,
} from '@tanstack/react-query';
import { renderHook, waitFor } from '@testing-library/react';
import { Component, type ReactNode, Suspense } from 'react';
import { beforeEach, describe, expect, it, vi } from 'vitest';
import {
  AvalaProvider,
  avalaInfiniteQueryOptions,
  avalaQueryKey,
  avalaQueryOptions,
  useAvalaInfiniteQuery,
  useAvalaMutation,
  useAvalaQuery,
} from '../src/index.js';
import {
  createTestClient,
  providerWrapper,
  RETRY_LIMIT,
  recordEvents,
  requestsTo,
  sandboxSuite,
} from './helpers.js';

// Every pattern the READMEs show, against an always-failing sandbox: none may send more than
// `limit + 1` requests (docs/retry-rule.md: exactly one layer retries a call).

let sandbox: Sandbox;
let client: AvalaClient;
let queryClient: QueryClient;

const suite = sandboxSuite({ rateLimit: false });
beforeEach(() => {
  ({ sandbox, client, queryClient } = suite);
});

function alwaysFail(status: number, path = '/datasets/') {
  sandbox.injectFault({ type: 'status', status, count: Number.POSITIVE_INFINITY, path });
}

function outerWrapper(qc: QueryClient) {
  return ({ children }: { children: ReactNode }) => (
    <QueryClientProvider client={qc}>
      <AvalaProvider client={client}>{children}</AvalaProvider>
    </QueryClientProvider>
  );
}

/** Swallows the error a suspense query throws once it has given up. */
class Boundary extends Component<{ children: ReactNode }, { failed: boolean }> {
  override state = { failed: false };
  static getDerivedStateFromError() {
    return { failed: true };
  }
  override render() {
    return this.state.failed ? null : this.props.children;
  }
}

function ownWrapper({ children }: { children: ReactNode }) {
  return <AvalaProvider client={client}>{children}</AvalaProvider>;
}

describe('retry: N on the hooks is "at most N, under the rule"', () => {
  it('never retries a 404 with retry: 2', async () => {
    const { result } = renderHook(() => useAvalaQuery(['datasets', 'nope'], { retry: 2 }), {
      wrapper: providerWrapper({ client, queryClient }),
    });
    await waitFor(() => expect(result.current.isError).toBe(true));
    expect(result.current.error?.kind).toBe('not_found');
    expect(requestsTo(sandbox, '/datasets/nope/')).toHaveLength(1);
    expect(result.current.error?.attempts).toBe(1);
  });

  it('retries a 503 at most twice with retry: 2', async () => {
    alwaysFail(503);
    const { result } = renderHook(() => useAvalaQuery('/datasets/', { retry: 2 }), {
      wrapper: providerWrapper({ client, queryClient }),
    });
    await waitFor(() => expect(result.current.isError).toBe(true));
    expect(requestsTo(sandbox, '/datasets/')).toHaveLength(3);
  });

  it('never retries a POST after a 500 with retry: 5 (not idempotent)', async () => {
    alwaysFail(500);
    const { result } = renderHook(
      () => useAvalaMutation({ method: 'POST', path: '/datasets/', retry: 5 }),
      { wrapper: providerWrapper({ client, queryClient }) },
    );
    result.current.mutate(undefined);
    await waitFor(() => expect(result.current.isError).toBe(true));
    expect(requestsTo(sandbox, '/datasets/')).toHaveLength(1);
  });
});

describe("the final error's attempts tell the truth about the whole call", () => {
  it('equals the requests sent and failureCount after TanStack retried', async () => {
    alwaysFail(503);
    const { result } = renderHook(() => useAvalaQuery('/datasets/'), {
      wrapper: providerWrapper({ client, queryClient }),
    });
    await waitFor(() => expect(result.current.isError).toBe(true));
    const sent = requestsTo(sandbox, '/datasets/').length;
    expect(sent).toBe(RETRY_LIMIT + 1);
    expect(result.current.failureCount).toBe(sent);
    expect(result.current.error?.attempts).toBe(sent);
  });

  it('equals the requests sent by a mutation retried on 503', async () => {
    alwaysFail(503);
    const { result } = renderHook(() => useAvalaMutation({ method: 'POST', path: '/datasets/' }), {
      wrapper: providerWrapper({ client, queryClient }),
    });
    result.current.mutate(undefined);
    await waitFor(() => expect(result.current.isError).toBe(true));
    expect(requestsTo(sandbox, '/datasets/')).toHaveLength(RETRY_LIMIT + 1);
    expect(result.current.error?.attempts).toBe(RETRY_LIMIT + 1);
  });
});

describe('no README pattern sends more than limit + 1 requests to an always-503', () => {
  const patterns: [
    string,
    () => {
      wrapper: (p: { children: ReactNode }) => ReactNode;
      hook: () => { isError: boolean; error: unknown };
    },
  ][] = [
    [
      'a plain useQuery calling client.get inside AvalaProvider (its own QueryClient)',
      () => ({
        wrapper: ownWrapper,
        hook: () => useQuery({ queryKey: ['plain'], queryFn: () => client.get('/datasets/') }),
      }),
    ],
    [
      'a plain useQuery calling client.get, AvalaProvider inside a QueryClientProvider',
      () => ({
        wrapper: outerWrapper(queryClient),
        hook: () => useQuery({ queryKey: ['plain'], queryFn: () => client.get('/datasets/') }),
      }),
    ],
    [
      'a plain useQuery calling client.get with the queryClient prop',
      () => ({
        wrapper: providerWrapper({ client, queryClient }),
        hook: () => useQuery({ queryKey: ['plain'], queryFn: () => client.get('/datasets/') }),
      }),
    ],
    [
      'a plain useQuery under a QueryClient whose default is retry: 5',
      () => ({
        wrapper: outerWrapper(
          new QueryClient({ defaultOptions: { queries: { retry: 5, gcTime: Infinity } } }),
        ),
        hook: () => useQuery({ queryKey: ['plain'], queryFn: () => client.get('/datasets/') }),
      }),
    ],
    [
      "the core README's useQuery with client.retryCallbacks and client.get",
      () => ({
        wrapper: providerWrapper({ client, queryClient }),
        hook: () =>
          useQuery({
            queryKey: ['core-readme'],
            queryFn: () => client.get('/datasets/'),
            ...client.retryCallbacks({ method: 'GET' }),
          }),
      }),
    ],
    [
      'useAvalaQuery',
      () => ({
        wrapper: providerWrapper({ client, queryClient }),
        hook: () => useAvalaQuery('/datasets/'),
      }),
    ],
    [
      'useQuery(avalaQueryOptions(…))',
      () => ({
        wrapper: providerWrapper({ client, queryClient }),
        hook: () => useQuery(avalaQueryOptions(client, '/datasets/')),
      }),
    ],
    [
      'useAvalaInfiniteQuery',
      () => ({
        wrapper: providerWrapper({ client, queryClient }),
        hook: () => useAvalaInfiniteQuery('/datasets/'),
      }),
    ],
    [
      'useInfiniteQuery(avalaInfiniteQueryOptions(…))',
      () => ({
        wrapper: providerWrapper({ client, queryClient }),
        hook: () => useInfiniteQuery(avalaInfiniteQueryOptions(client, '/datasets/')),
      }),
    ],
  ];

  it.each(patterns)('%s', async (_, setup) => {
    alwaysFail(503);
    const { wrapper, hook } = setup();
    const { result } = renderHook(hook, { wrapper });
    await waitFor(() => expect(result.current.isError).toBe(true));
    const sent = requestsTo(sandbox, '/datasets/').length;
    expect(sent).toBe(RETRY_LIMIT + 1);
    expect((result.current.error as AvalaError).attempts).toBe(sent);
  });

  it('useSuspenseQuery(avalaQueryOptions(…))', async () => {
    alwaysFail(503);
    const wrapper = ({ children }: { children: ReactNode }) => (
      <AvalaProvider client={client} queryClient={queryClient}>
        <Boundary>
          <Suspense fallback={null}>{children}</Suspense>
        </Boundary>
      </AvalaProvider>
    );
    renderHook(() => useSuspenseQuery(avalaQueryOptions(client, '/datasets/')), { wrapper });
    await waitFor(() =>
      expect(queryClient.getQueryState(avalaQueryKey('/datasets/'))?.status).toBe('error'),
    );
    expect(requestsTo(sandbox, '/datasets/')).toHaveLength(RETRY_LIMIT + 1);
  });

  it('a plain useMutation calling client.post (retried in ky on 503 only)', async () => {
    alwaysFail(503);
    const { result } = renderHook(
      () => useMutation({ mutationFn: () => client.post('/datasets/', { json: {} }) }),
      { wrapper: ownWrapper },
    );
    result.current.mutate();
    await waitFor(() => expect(result.current.isError).toBe(true));
    expect(requestsTo(sandbox, '/datasets/')).toHaveLength(RETRY_LIMIT + 1);
  });

  it("keeps the QueryClient default for errors that are not the API's", async () => {
    let calls = 0;
    const qc = new QueryClient({
      defaultOptions: { queries: { retry: 2, retryDelay: 0, gcTime: Infinity } },
    });
    const { result } = renderHook(
      () =>
        useQuery({
          queryKey: ['not-avala'],
          queryFn: () => {
            calls += 1;
            throw new Error('boom');
          },
        }),
      { wrapper: outerWrapper(qc) },
    );
    await waitFor(() => expect(result.current.isError).toBe(true));
    expect(calls).toBe(3);
    qc.clear();
  });

  it('keeps a default retryDelay of your own for the API errors too', async () => {
    alwaysFail(503);
    const delays: number[] = [];
    const retryDelay = (failureCount: number) => {
      delays.push(failureCount);
      return 0;
    };
    const qc = new QueryClient({ defaultOptions: { queries: { gcTime: Infinity, retryDelay } } });
    const { result } = renderHook(
      () =>
        useQuery({
          queryKey: ['own-delay'],
          queryFn: () => client.get('/datasets/', { retry: false }),
        }),
      { wrapper: outerWrapper(qc) },
    );
    await waitFor(() => expect(result.current.isError).toBe(true));
    // TanStack's retryer asks for the delay before it asks whether to retry, the last time too.
    expect(delays).toEqual(Array.from({ length: RETRY_LIMIT + 1 }, (_, i) => i));
    expect(requestsTo(sandbox, '/datasets/')).toHaveLength(RETRY_LIMIT + 1);
    qc.clear();
  });
});

describe("a hook call's events tell the query's story (docs/retry-rule.md)", () => {
  it('numbers the retried request try 2 and raises no error event when it then succeeds', async () => {
    sandbox.injectFault({ type: 'status', status: 500, path: '/datasets/' });
    const events = recordEvents(client);
    const { result } = renderHook(() => useAvalaQuery('/datasets/'), {
      wrapper: providerWrapper({ client, queryClient }),
    });
    await waitFor(() => expect(result.current.isSuccess).toBe(true));
    const responses = events.flatMap((e) => (e.type === 'response' ? [[e.status, e.attempt]] : []));
    expect(responses).toEqual([
      [500, 1],
      [200, 2],
    ]);
    expect(events.filter((e) => e.type === 'error')).toEqual([]);
    const retries = events.flatMap((e) => (e.type === 'retry' ? [e] : []));
    expect(retries).toHaveLength(1);
    expect(retries[0]).toMatchObject({ attempt: 1, method: 'GET' });
    expect(retries[0]?.error.kind).toBe('server_error');
  });

  it('announces each TanStack retry and one final error with every request counted', async () => {
    alwaysFail(503);
    const events = recordEvents(client);
    const { result } = renderHook(() => useAvalaQuery('/datasets/'), {
      wrapper: providerWrapper({ client, queryClient }),
    });
    await waitFor(() => expect(result.current.isError).toBe(true));
    const requests = events.flatMap((e) => (e.type === 'request' ? [e.attempt] : []));
    expect(requests).toEqual([1, 2, 3, 4]);
    expect(events.flatMap((e) => (e.type === 'retry' ? [e.attempt] : []))).toEqual([1, 2, 3]);
    const errors = events.flatMap((e) => (e.type === 'error' ? [e.error] : []));
    expect(errors).toHaveLength(1);
    expect(errors[0]?.attempts).toBe(RETRY_LIMIT + 1);
    expect(errors[0]).toBe(result.current.error);
  });

  it("announces the wait the provider's default retryDelay chose, not a second jittered draw", async () => {
    sandbox.injectFault({ type: 'status', status: 503, path: '/datasets/' });
    // A query whose retries TanStack decides but whose options set none (the definition's
    // queryFn in a plain useQuery) runs on the defaults the provider installs.
    const jittered = createTestClient(sandbox, { retry: { baseDelayMs: 1_000, jitter: true } });
    renderHook(() => null, { wrapper: providerWrapper({ client: jittered, queryClient }) });
    const error = await jittered
      .get('/datasets/', { retry: false, attempt: 1 })
      .catch((failure: unknown) => failure);
    const events = recordEvents(jittered);
    const { retry, retryDelay } = queryClient.getDefaultOptions().queries ?? {};
    if (typeof retry !== 'function' || typeof retryDelay !== 'function') {
      throw new Error('AvalaProvider installs function defaults');
    }
    // TanStack's retryer asks for the delay first, then whether to retry.
    const random = vi.spyOn(Math, 'random').mockReturnValueOnce(0.1).mockReturnValueOnce(0.9);
    const wait = retryDelay(0, error as AvalaError);
    const retried = retry(0, error as AvalaError);
    random.mockRestore();
    jittered.dispose();
    expect(retried).toBe(true);
    expect(events.filter((event) => event.type === 'retry')).toMatchObject([{ delayMs: wait }]);
  });
});
