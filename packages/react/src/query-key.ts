import type { AvalaPath, SearchParams } from '@avala-fetch/core';

/**
 * The query key of a GET: `['avala', 'GET', path]`, plus the search params when there are
 * any. Keys are prefixes of each other, so `invalidateQueries({ queryKey:
 * avalaQueryKey('/datasets/') })` refreshes every page size and filter of that list.
 */
export type AvalaQueryKey =
  | readonly ['avala', 'GET', AvalaPath]
  | readonly ['avala', 'GET', AvalaPath, SearchParams];

/** The query key of a cursor-paginated list read with `useAvalaInfiniteQuery`. */
export type AvalaInfiniteQueryKey = readonly ['avala', 'GET', AvalaPath, SearchParams, 'infinite'];

/**
 * Builds the default key of a GET from its path and search params; `undefined` params are
 * dropped so `{cursor: undefined}` and `{}` share a cache entry.
 */
export function avalaQueryKey(path: AvalaPath, searchParams?: SearchParams): AvalaQueryKey {
  const params = definedParams(searchParams);
  return params ? ['avala', 'GET', path, params] : ['avala', 'GET', path];
}

/**
 * Builds the default key of an infinite (paged) list. It differs from the plain GET key by a
 * trailing `'infinite'`: TanStack keeps pages and single bodies in different shapes, so the
 * two must never share an entry, while `avalaQueryKey(path)` still invalidates both.
 */
export function avalaInfiniteQueryKey(
  path: AvalaPath,
  searchParams?: SearchParams,
): AvalaInfiniteQueryKey {
  return ['avala', 'GET', path, definedParams(searchParams) ?? {}, 'infinite'];
}

function definedParams(searchParams: SearchParams | undefined): SearchParams | undefined {
  if (!searchParams) return undefined;
  const entries = Object.entries(searchParams).filter(([, value]) => value !== undefined);
  return entries.length > 0 ? Object.fromEntries(entries) : undefined;
}
