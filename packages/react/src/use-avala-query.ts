import type { AnyAvalaError, AvalaPath, ResponseOf, SchemaOf } from '@avala-fetch/core';
import { type DefinedUseQueryResult, type UseQueryResult, useQuery } from '@tanstack/react-query';
import { useAvalaContext } from './provider.js';
import {
  type AvalaDefinedInitialData,
  type AvalaQueryOptions,
  avalaQueryOptions,
} from './query-options.js';
import type { AvalaSchema } from './types.js';

/**
 * {@link useAvalaQuery} given an `initialData` that is never `undefined`: `data` is then never
 * `undefined` either, as with TanStack's `useQuery`.
 */
export function useAvalaQuery<
  T = unknown,
  S extends AvalaSchema | undefined = SchemaOf<T> | undefined,
  TData = ResponseOf<S, T>,
>(
  path: AvalaPath,
  options: AvalaQueryOptions<ResponseOf<S, T>, TData, S> &
    AvalaDefinedInitialData<ResponseOf<S, T>>,
): DefinedUseQueryResult<TData, AnyAvalaError>;
/**
 * Reads `GET path` through TanStack Query: cached under `['avala', 'GET', path,
 * searchParams]`, typed from `schema` (or `T`), errors typed `AnyAvalaError`, cancelled when the
 * component unmounts or the key changes, retried per the client's policy by TanStack alone
 * (`failureCount`/`failureReason` tell the UI each attempt).
 *
 * @example
 * const { data, error } = useAvalaQuery('/datasets/', { searchParams: { limit: 10 }, schema: DatasetPage });
 */
export function useAvalaQuery<
  T = unknown,
  S extends AvalaSchema | undefined = SchemaOf<T> | undefined,
  TData = ResponseOf<S, T>,
>(
  path: AvalaPath,
  options?: AvalaQueryOptions<ResponseOf<S, T>, TData, S>,
): UseQueryResult<TData, AnyAvalaError>;
export function useAvalaQuery<
  T = unknown,
  S extends AvalaSchema | undefined = SchemaOf<T> | undefined,
  TData = ResponseOf<S, T>,
>(
  path: AvalaPath,
  options?: AvalaQueryOptions<ResponseOf<S, T>, TData, S>,
): UseQueryResult<TData, AnyAvalaError> {
  const { client } = useAvalaContext('useAvalaQuery');
  return useQuery(avalaQueryOptions<T, S, TData>(client, path, options));
}
