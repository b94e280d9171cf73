import type { StandardSchemaV1, StandardSchemaV1InferOutput } from 'ky';
import type { AvalaEventListener } from './events.js';
import type { RetryCallbacks, RetryCallbacksCall, RetryOption, RetryPolicy } from './retry.js';

/** A path relative to the base URL: a string, or segments that are each URL-encoded. */
export type AvalaPath = string | readonly (string | number)[];

/** Query parameters; `undefined` values are left out. */
export type SearchParams = Record<string, string | number | boolean | undefined>;

/** Options of one call. */
export interface AvalaRequestOptions<S extends StandardSchemaV1 | undefined = undefined> {
  /** A JSON body. */
  json?: unknown;
  /** Query parameters, added to any the path already has. */
  searchParams?: SearchParams;
  /** A Standard Schema (zod 4) the response body is parsed with; failure → `invalid_response`. */
  schema?: S;
  /** Cancels the request and any backoff wait at once (`aborted`, never retried). */
  signal?: AbortSignal;
  /** Marks a POST/PATCH safe to repeat, so 500/502/504/timeouts/network failures retry it too. */
  idempotent?: boolean;
  /** This call's retry policy, or `false` (the React hooks pass `false`: one layer retries). */
  retry?: RetryOption | false;
  /** Headers for this call, merged over the client's `headers` whatever their case. */
  headers?: Record<string, string>;
  /** Per-attempt timeout for this call. */
  timeoutMs?: number;
  /**
   * Which attempt of a retry layer outside the client this call is (1-based): the hooks pass
   * TanStack's, with `retry: false`. Events and `error.attempts` then number the query's
   * requests, and the `error` event is left to that layer's `client.retryCallbacks`, which
   * announce a `retry` or the final `error` (docs/retry-rule.md).
   */
  attempt?: number;
}

/**
 * A Standard Schema (zod 4 is one) whose output is `T`. The hooks' default for their schema
 * parameter, so `useAvalaMutation<Dataset, Vars>({ schema })` takes a schema of `Dataset`.
 */
export type SchemaOf<T> = StandardSchemaV1<unknown, T>;

/** The body type a call resolves to: the schema's output, else `T`. */
export type ResponseOf<S extends StandardSchemaV1 | undefined, T> = S extends StandardSchemaV1
  ? StandardSchemaV1InferOutput<S>
  : T;

/** One page of a cursor-paginated list, as the Avala API returns it. */
export interface Page<T> {
  next: string | null;
  previous: string | null;
  results: T[];
  count?: number;
}

/** Options of `paginate` and `page`. */
export interface PaginateOptions<S extends StandardSchemaV1 | undefined = undefined>
  extends Omit<AvalaRequestOptions<S>, 'json'> {
  /** Page size (`limit`); the API's default is 100. */
  limit?: number;
}

/**
 * A job started with `client.startJob` (an export): the API's answer, and the concurrency
 * slot it keeps until the job is over (docs/avala-api.md: a job counts against its limit
 * until it ends, not until `POST` has answered).
 */
export interface AvalaJob<T> {
  /** The created job, as the API answered it (the schema's output when one was given). */
  readonly data: T;
  /**
   * The job's own path (`/exports/{uid}/`), when the answer had a `uid`. The slot is freed
   * as soon as any call of this client sees the job end there: a `GET` of it (or of its
   * list) showing `exported`, `failed` or `cancelled`, a cancel or `DELETE` of it, or a 404.
   */
  readonly path: string | undefined;
  /** Frees the slot now; later calls do nothing. Call it when you stop watching the job. */
  release(): void;
}

/** The governor's view of the rate-limit budget. */
export interface RateLimitState {
  limit?: number;
  remaining?: number;
  /** Epoch ms when the window resets. */
  resetAt?: number;
  /** Requests held by the governor right now. */
  queued: number;
  /** Requests sent and not yet answered. */
  inFlight: number;
  /** Epoch ms until which the API asked us to wait (after a 429/503), if any. */
  blockedUntil?: number;
  /**
   * The budgets of the limit scopes other than the main one (`inference`), once a response
   * of theirs has told one. The fields above describe the main budget.
   */
  scopes?: Readonly<Record<string, ScopeRateLimitState>>;
}

/** One limit scope's budget (see `RateLimitOptions.scopes`). */
export interface ScopeRateLimitState {
  limit?: number;
  remaining?: number;
  /** Epoch ms. */
  resetAt?: number;
  /** Epoch ms until which this scope's requests are held after a 429, if any. */
  blockedUntil?: number;
}

/** A client for the Avala API, made by `createAvalaClient`. */
export interface AvalaClient {
  /** GET `path`; resolves to the parsed body (`schema`'s output when one is given). */
  get<T = unknown, S extends StandardSchemaV1 | undefined = undefined>(
    path: AvalaPath,
    options?: AvalaRequestOptions<S>,
  ): Promise<ResponseOf<S, T>>;
  /** POST `options.json` to `path`; retried only on 429/503 unless `idempotent` (docs/retry-rule.md). */
  post<T = unknown, S extends StandardSchemaV1 | undefined = undefined>(
    path: AvalaPath,
    options?: AvalaRequestOptions<S>,
  ): Promise<ResponseOf<S, T>>;
  /** PUT `options.json` to `path`; idempotent, so retried on every transient failure. */
  put<T = unknown, S extends StandardSchemaV1 | undefined = undefined>(
    path: AvalaPath,
    options?: AvalaRequestOptions<S>,
  ): Promise<ResponseOf<S, T>>;
  /** PATCH `path` with `options.json`; retried only on 429/503 unless `idempotent` (docs/retry-rule.md). */
  patch<T = unknown, S extends StandardSchemaV1 | undefined = undefined>(
    path: AvalaPath,
    options?: AvalaRequestOptions<S>,
  ): Promise<ResponseOf<S, T>>;
  /** DELETE `path`; resolves to `undefined` on a 204. Retried on every transient failure. */
  delete<T = unknown, S extends StandardSchemaV1 | undefined = undefined>(
    path: AvalaPath,
    options?: AvalaRequestOptions<S>,
  ): Promise<ResponseOf<S, T>>;
  /**
   * Fetches one page of a list: `path` is the list's path, or a `next`/`previous` URL the
   * API returned (refused when it is on another origin). `schema` parses each item.
   */
  page<T = unknown, S extends StandardSchemaV1 | undefined = undefined>(
    pathOrUrl: AvalaPath,
    options?: PaginateOptions<S>,
  ): Promise<Page<ResponseOf<S, T>>>;
  /**
   * POSTs `options.json` to `path` to start a job that counts against a concurrency pool
   * (`POST /exports/`, 5 at once) and keeps the job's slot after the answer, until the job is
   * seen to end or the returned {@link AvalaJob}'s `release()` is called; a sixth job then
   * waits for a slot instead of meeting the API's 429. Retried like `post`.
   */
  startJob<T = unknown, S extends StandardSchemaV1 | undefined = undefined>(
    path: AvalaPath,
    options?: AvalaRequestOptions<S>,
  ): Promise<AvalaJob<ResponseOf<S, T>>>;
  /** Every item of a cursor-paginated list, following `next` page by page. */
  paginate<T = unknown, S extends StandardSchemaV1 | undefined = undefined>(
    path: AvalaPath,
    options?: PaginateOptions<S>,
  ): AsyncIterableIterator<ResponseOf<S, T>>;
  /** The rate-limit budget as the governor sees it now. */
  readonly rateLimit: RateLimitState;
  /** Listens to every event; returns the function that stops listening. */
  subscribe(listener: AvalaEventListener): () => void;
  /** The normalised retry policy (the React hooks derive `retry`/`retryDelay` from it). */
  readonly retryPolicy: RetryPolicy | false;
  /**
   * TanStack Query's `retry`/`retryDelay` for a call of `method`, from this client's policy
   * and spending its retry budget, so hook calls are retried by the same rule and quota.
   * `retry` is the query's own TanStack option, read under the rule (a number caps the
   * retries, it never retries a 404). An error this client already retried inside ky is
   * never retried again, and each failure's `attempts` counts the query's requests.
   */
  retryCallbacks(call?: RetryCallbacksCall): RetryCallbacks;
  /** The normalised base URL (no trailing slash). */
  readonly baseUrl: string;
  /**
   * Stops the rate-limit governor: clears its timer, closes its tab channel and rejects
   * requests still queued (`aborted`). Call it when the client is no longer needed (tests,
   * hot reload); calls made afterwards still work, ungoverned.
   */
  dispose(): void;
}
