import type { AvalaClient, Page } from '@avala-fetch/core';
import type { Sandbox } from '@avala-fetch/sandbox';
import { type QueryClient, useSuspenseInfiniteQuery } from '@tanstack/react-query';
import { act, renderHook, waitFor } from '@testing-library/react';
import { beforeEach, describe, expect, it } from 'vitest';
import { avalaInfiniteQueryOptions, useAvalaInfiniteQuery } from '../src/index.js';
import {
  providerWrapper,
  RETRY_LIMIT,
  requestsTo,
  sandboxSuite,
  schemaOf,
  suspenseWrapper,
} from './helpers.js';

let sandbox: Sandbox;
let client: AvalaClient;
let queryClient: QueryClient;

const suite = sandboxSuite({ rateLimit: false });
beforeEach(() => {
  ({ sandbox, client, queryClient } = suite);
});

const DatasetName = schemaOf((value) => {
  const { uid, name } = value as { uid: string; name: string };
  return { uid, name };
});

describe('useAvalaInfiniteQuery', () => {
  it('walks every page by following `next` until it is null', async () => {
    const { count } = await client.get<Page<unknown>>('/datasets/', { searchParams: { limit: 1 } });
    sandbox.clearLog();

    const { result } = renderHook(
      () => useAvalaInfiniteQuery('/datasets/', { limit: 4, schema: DatasetName }),
      { wrapper: providerWrapper({ client, queryClient }) },
    );
    await waitFor(() => expect(result.current.isSuccess).toBe(true));
    while (result.current.hasNextPage) {
      await act(() => result.current.fetchNextPage());
    }

    const pages = result.current.data?.pages ?? [];
    const items = pages.flatMap((page) => page.results);
    expect(items).toHaveLength(count ?? -1);
    expect(new Set(items.map((item) => item.uid)).size).toBe(items.length);
    expect(Object.keys(items[0] ?? {})).toEqual(['uid', 'name']); // parsed by the schema
    expect(pages.length).toBe(Math.ceil((count ?? 0) / 4));
    expect(pages.at(-1)?.next).toBeNull();
    expect(requestsTo(sandbox, '/datasets/')).toHaveLength(pages.length);
    expect(requestsTo(sandbox, '/datasets/')[1]?.query).toMatch(/cursor=/);
  });

  it('retries a failing next page by the policy, like a query', async () => {
    const { result } = renderHook(() => useAvalaInfiniteQuery('/datasets/', { limit: 4 }), {
      wrapper: providerWrapper({ client, queryClient }),
    });
    await waitFor(() => expect(result.current.isSuccess).toBe(true));
    sandbox.injectFault({
      type: 'status',
      status: 502,
      count: Number.POSITIVE_INFINITY,
      path: '/datasets/',
    });
    sandbox.clearLog();
    await act(() => result.current.fetchNextPage());
    await waitFor(() => expect(result.current.isFetchNextPageError).toBe(true));
    expect(result.current.error?.kind).toBe('server_error');
    expect(requestsTo(sandbox, '/datasets/')).toHaveLength(RETRY_LIMIT + 1);
  });

  it("serves useSuspenseInfiniteQuery like TanStack's own infiniteQueryOptions", async () => {
    const list = avalaInfiniteQueryOptions(client, '/datasets/', { limit: 2, schema: DatasetName });
    const { result } = renderHook(() => useSuspenseInfiniteQuery(list), {
      wrapper: suspenseWrapper({ client, queryClient }),
    });
    await waitFor(() => expect(result.current?.data.pages[0]?.results).toHaveLength(2));
    expect(result.current?.hasNextPage).toBe(true);
  });

  it('keys the list apart from a plain GET of the same path', () => {
    const definition = avalaInfiniteQueryOptions(client, '/datasets/', { limit: 4 });
    expect(definition.queryKey).toEqual(['avala', 'GET', '/datasets/', { limit: 4 }, 'infinite']);
  });
});
