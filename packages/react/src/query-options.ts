import type {
  AnyAvalaError,
  AvalaClient,
  AvalaPath,
  Page,
  ResponseOf,
  SchemaOf,
  SearchParams,
  TanStackRetryOption,
} from '@avala-fetch/core';
import type {
  DataTag,
  InfiniteData,
  NonUndefinedGuard,
  QueryClient,
  QueryKey,
  UnusedSkipTokenInfiniteOptions,
  UnusedSkipTokenOptions,
  UseInfiniteQueryOptions,
  UseMutationOptions,
  UseQueryOptions,
} from '@tanstack/react-query';
import { avalaInfiniteQueryKey, avalaQueryKey } from './query-key.js';
import type { AvalaCallOptions, AvalaSchema } from './types.js';

/**
 * What `avalaQueryOptions`/`useAvalaQuery` accept: TanStack's query options (`enabled`,
 * `select`, `staleTime`, `retry`, …) minus the two this package writes, plus the request's
 * `searchParams` and `schema`. `queryKey` overrides the derived key.
 */
export type AvalaQueryOptions<
  TQueryFnData,
  TData = TQueryFnData,
  S extends AvalaSchema | undefined = SchemaOf<TQueryFnData> | undefined,
> = Omit<UseQueryOptions<TQueryFnData, AnyAvalaError, TData, QueryKey>, 'queryKey' | 'queryFn'> &
  AvalaCallOptions<S> & {
    /** Query parameters; part of the derived query key. */
    searchParams?: SearchParams;
    /** Replaces the derived key `['avala', 'GET', path, searchParams]`. */
    queryKey?: QueryKey;
  };

/**
 * The TanStack options `avalaQueryOptions` returns: a data-tagged key, a `queryFn`, retries.
 * Typed as TanStack's own `queryOptions` types them (its `queryFn` is never `skipToken`), so
 * `useSuspenseQuery` and `useQueries` accept it as well as `useQuery`.
 */
export type AvalaQueryDefinition<TQueryFnData, TData = TQueryFnData> = UnusedSkipTokenOptions<
  TQueryFnData,
  AnyAvalaError,
  TData,
  QueryKey
> & { queryKey: DataTag<QueryKey, TQueryFnData, AnyAvalaError> };

/**
 * An `initialData` that is never `undefined`, as TanStack's `DefinedInitialDataOptions` has it:
 * given one, a query's `data` is never `undefined` either.
 */
export type AvalaDefinedInitialData<TQueryFnData> = {
  initialData: NonUndefinedGuard<TQueryFnData> | (() => NonUndefinedGuard<TQueryFnData>);
};

/** The page parameter of an Avala list: `null` for the first page, then the `next` URL. */
export type AvalaPageParam = string | null;

/**
 * What `avalaInfiniteQueryOptions`/`useAvalaInfiniteQuery` accept: TanStack's infinite-query
 * options minus the paging this package writes, plus `searchParams`, `limit` and `schema`
 * (which parses each item).
 */
export type AvalaInfiniteQueryOptions<
  TItem,
  TData = InfiniteData<Page<TItem>, AvalaPageParam>,
  S extends AvalaSchema | undefined = SchemaOf<TItem> | undefined,
> = Omit<
  UseInfiniteQueryOptions<Page<TItem>, AnyAvalaError, TData, QueryKey, AvalaPageParam>,
  'queryKey' | 'queryFn' | 'initialPageParam' | 'getNextPageParam' | 'getPreviousPageParam'
> &
  AvalaCallOptions<S> & {
    /** Query parameters of the first page (later pages follow `next` as the API gives it). */
    searchParams?: SearchParams;
    /** Page size; the API's default is 100. */
    limit?: number;
    /** Replaces the derived key `['avala', 'GET', path, searchParams, 'infinite']`. */
    queryKey?: QueryKey;
  };

/**
 * The TanStack options `avalaInfiniteQueryOptions` returns, typed as TanStack's own
 * `infiniteQueryOptions` types them, so `useSuspenseInfiniteQuery` accepts it too.
 */
export type AvalaInfiniteQueryDefinition<
  TItem,
  TData = InfiniteData<Page<TItem>, AvalaPageParam>,
> = UnusedSkipTokenInfiniteOptions<Page<TItem>, AnyAvalaError, TData, QueryKey, AvalaPageParam> & {
  queryKey: DataTag<QueryKey, InfiniteData<Page<TItem>, AvalaPageParam>, AnyAvalaError>;
};

/**
 * {@link avalaQueryOptions} given an `initialData` that is never `undefined`: `data` is then
 * never `undefined` either, as with TanStack's `queryOptions`.
 */
export function avalaQueryOptions<
  T = unknown,
  S extends AvalaSchema | undefined = SchemaOf<T> | undefined,
  TData = ResponseOf<S, T>,
>(
  client: AvalaClient,
  path: AvalaPath,
  options: AvalaQueryOptions<ResponseOf<S, T>, TData, S> &
    AvalaDefinedInitialData<ResponseOf<S, T>>,
): AvalaQueryDefinition<ResponseOf<S, T>, TData> & AvalaDefinedInitialData<ResponseOf<S, T>>;
/**
 * One definition of a GET for every TanStack entry point, like TanStack's `queryOptions`:
 * `useQuery(def)`, `useAvalaQuery`, `queryClient.prefetchQuery(def)`,
 * `queryClient.invalidateQueries({ queryKey: def.queryKey })`, `getQueryData(def.queryKey)`
 * (typed). The request runs with TanStack's `signal` and ky's retries off; `retry` and
 * `retryDelay` come from the client's policy unless given.
 *
 * @example
 * const datasets = (client: AvalaClient) =>
 *   avalaQueryOptions(client, '/datasets/', { searchParams: { limit: 10 }, schema: DatasetPage });
 * await queryClient.prefetchQuery(datasets(client));
 */
export function avalaQueryOptions<
  T = unknown,
  S extends AvalaSchema | undefined = SchemaOf<T> | undefined,
  TData = ResponseOf<S, T>,
>(
  client: AvalaClient,
  path: AvalaPath,
  options?: AvalaQueryOptions<ResponseOf<S, T>, TData, S>,
): AvalaQueryDefinition<ResponseOf<S, T>, TData>;
export function avalaQueryOptions<
  T = unknown,
  S extends AvalaSchema | undefined = SchemaOf<T> | undefined,
  TData = ResponseOf<S, T>,
>(
  client: AvalaClient,
  path: AvalaPath,
  options: AvalaQueryOptions<ResponseOf<S, T>, TData, S> = {},
): AvalaQueryDefinition<ResponseOf<S, T>, TData> {
  const { searchParams, schema, headers, timeoutMs, queryKey, ...tanstack } = options;
  return {
    ...policyRetry(client, 'GET', undefined, tanstack),
    queryKey: (queryKey ?? avalaQueryKey(path, searchParams)) as DataTag<
      QueryKey,
      ResponseOf<S, T>,
      AnyAvalaError
    >,
    queryFn: (context) =>
      client.get<T, S>(path, {
        searchParams,
        schema,
        headers,
        timeoutMs,
        ...attemptOptions(context),
      }),
  };
}

/**
 * One definition of a cursor-paginated list for `useInfiniteQuery`, `useAvalaInfiniteQuery`
 * and `queryClient.prefetchInfiniteQuery`: the first page is `path` with `searchParams` and
 * `limit`, each next page is the `next` URL the API returned (read through `client.page`,
 * which refuses another origin), and there is no next page when `next` is `null`.
 */
export function avalaInfiniteQueryOptions<
  T = unknown,
  S extends AvalaSchema | undefined = SchemaOf<T> | undefined,
  TData = InfiniteData<Page<ResponseOf<S, T>>, AvalaPageParam>,
>(
  client: AvalaClient,
  path: AvalaPath,
  options: AvalaInfiniteQueryOptions<ResponseOf<S, T>, TData, S> = {},
): AvalaInfiniteQueryDefinition<ResponseOf<S, T>, TData> {
  const { searchParams, limit, schema, headers, timeoutMs, queryKey, ...tanstack } = options;
  const keyParams = limit === undefined ? searchParams : { ...searchParams, limit };
  return {
    ...policyRetry(client, 'GET', undefined, tanstack),
    queryKey: (queryKey ?? avalaInfiniteQueryKey(path, keyParams)) as DataTag<
      QueryKey,
      InfiniteData<Page<ResponseOf<S, T>>, AvalaPageParam>,
      AnyAvalaError
    >,
    initialPageParam: null,
    // A `next` URL already carries the cursor, the limit and the filters: follow it as given.
    queryFn: (context) => {
      const call = { schema, headers, timeoutMs, ...attemptOptions(context) };
      return context.pageParam === null
        ? client.page<T, S>(path, { ...call, searchParams, limit })
        : client.page<T, S>(context.pageParam, call);
    },
    getNextPageParam: (lastPage) => lastPage.next,
    getPreviousPageParam: (firstPage) => firstPage.previous,
  };
}

/** The methods a mutation may use. */
export type AvalaMutationMethod = 'POST' | 'PUT' | 'PATCH' | 'DELETE';

/**
 * What `avalaMutationOptions`/`useAvalaMutation` accept: the request (method, path, body)
 * and TanStack's mutation options (`onSuccess`, `onError`, `retry`, …).
 */
export type AvalaMutationOptions<
  TData,
  TVariables = void,
  TContext = unknown,
  S extends AvalaSchema | undefined = SchemaOf<TData> | undefined,
> = Omit<UseMutationOptions<TData, AnyAvalaError, TVariables, TContext>, 'mutationFn'> &
  AvalaCallOptions<S> & {
    method: AvalaMutationMethod;
    /** The path, or a function of the variables (`(v) => ['datasets', v.uid]`, encoded). */
    path: AvalaPath | ((variables: TVariables) => AvalaPath);
    /** The JSON body. Default: the variables themselves (none for `DELETE`). */
    json?: (variables: TVariables) => unknown;
    /** Query parameters, or a function of the variables. */
    searchParams?: SearchParams | ((variables: TVariables) => SearchParams);
    /**
     * Marks a POST/PATCH safe to repeat, so it is also retried after 500/502/504, timeouts and
     * network failures (docs/retry-rule.md). Without it, POST/PATCH are retried only on 429/503.
     */
    idempotent?: boolean;
  };

/**
 * One definition of a write for `useMutation` and `useAvalaMutation`: the `mutationFn` calls
 * the client with ky's retries off, `retry`/`retryDelay` follow the POST/PATCH rule of the
 * client's policy, and `mutationKey` is `['avala', method, path]` when the path is fixed.
 */
export function avalaMutationOptions<
  T = unknown,
  TVariables = void,
  S extends AvalaSchema | undefined = SchemaOf<T> | undefined,
  TContext = unknown,
>(
  client: AvalaClient,
  options: AvalaMutationOptions<ResponseOf<S, T>, TVariables, TContext, S>,
): UseMutationOptions<ResponseOf<S, T>, AnyAvalaError, TVariables, TContext> {
  const { method, path, json, searchParams, idempotent, schema, headers, timeoutMs, ...tanstack } =
    options;
  // The client's method of each verb is its lower-case name (`client.post`, …).
  const verb = method.toLowerCase() as Lowercase<AvalaMutationMethod>;
  return {
    ...(typeof path === 'function' ? {} : { mutationKey: ['avala', method, path] }),
    ...policyRetry(client, method, idempotent, tanstack),
    mutationFn: (variables) =>
      client[verb]<T, S>(typeof path === 'function' ? path(variables) : path, {
        json: json ? json(variables) : method === 'DELETE' ? undefined : variables,
        searchParams: typeof searchParams === 'function' ? searchParams(variables) : searchParams,
        schema,
        headers,
        timeoutMs,
        idempotent,
        retry: false,
      }),
  };
}

/**
 * What one attempt of a query's `queryFn` tells the client: TanStack's `signal`, ky's retries
 * off (TanStack's are the one retry layer), and which attempt of the current fetch this is
 * (its failures so far, plus one), so that events number the query's requests and the final
 * error's `attempts` counts them all.
 */
function attemptOptions(context: {
  client?: QueryClient;
  queryKey: QueryKey;
  signal: AbortSignal;
}) {
  const failures = context.client?.getQueryState(context.queryKey)?.fetchFailureCount ?? 0;
  return { signal: context.signal, retry: false as const, attempt: failures + 1 };
}

/**
 * The part every Avala query and mutation shares: `retry` and `retryDelay` from the client's
 * policy (one retry layer: TanStack's). A `retry` of the caller's is read under the rule by
 * the core (docs/retry-rule.md): `retry: 2` is "at most 2", never a retried 404.
 */
function policyRetry<O extends { retry?: unknown; retryDelay?: unknown }>(
  client: AvalaClient,
  method: string,
  idempotent: boolean | undefined,
  options: O,
): O {
  const fromPolicy = client.retryCallbacks({
    method,
    idempotent,
    // TanStack types the predicate's error as `AnyAvalaError`: what the hooks' calls reject with.
    retry: options.retry as TanStackRetryOption | undefined,
  });
  return {
    ...options,
    retry: fromPolicy.retry,
    retryDelay: options.retryDelay ?? fromPolicy.retryDelay,
  };
}
