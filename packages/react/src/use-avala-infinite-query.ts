import type { AnyAvalaError, AvalaPath, Page, ResponseOf, SchemaOf } from '@avala-fetch/core';
import {
  type InfiniteData,
  type UseInfiniteQueryResult,
  useInfiniteQuery,
} from '@tanstack/react-query';
import { useAvalaContext } from './provider.js';
import {
  type AvalaInfiniteQueryOptions,
  type AvalaPageParam,
  avalaInfiniteQueryOptions,
} from './query-options.js';
import type { AvalaSchema } from './types.js';

/**
 * Reads a cursor-paginated list page by page: `data.pages` holds the `Page`s fetched so far,
 * `fetchNextPage()` follows the last page's `next` URL, `hasNextPage` is false once `next`
 * is `null`. Same retries, cancellation and error type as `useAvalaQuery`.
 *
 * @example
 * const list = useAvalaInfiniteQuery('/datasets/', { limit: 50, schema: Dataset });
 * const items = list.data?.pages.flatMap((page) => page.results) ?? [];
 */
export function useAvalaInfiniteQuery<
  T = unknown,
  S extends AvalaSchema | undefined = SchemaOf<T> | undefined,
  TData = InfiniteData<Page<ResponseOf<S, T>>, AvalaPageParam>,
>(
  path: AvalaPath,
  options?: AvalaInfiniteQueryOptions<ResponseOf<S, T>, TData, S>,
): UseInfiniteQueryResult<TData, AnyAvalaError> {
  const { client } = useAvalaContext('useAvalaInfiniteQuery');
  return useInfiniteQuery(avalaInfiniteQueryOptions<T, S, TData>(client, path, options));
}
