import type { AvalaClient } from '@avala-fetch/core';

/** TanStack Query's `retry` function: whether to try again after `failureCount` retries. */
export type AvalaRetryFn = (failureCount: number, error: unknown) => boolean;
/** TanStack Query's `retryDelay` function: how long to wait before the next try. */
export type AvalaRetryDelayFn = (failureCount: number, error: unknown) => number;

/** The `retry`/`retryDelay` pair a hook hands to TanStack Query. */
export interface AvalaRetryOptions {
  retry: AvalaRetryFn | false;
  retryDelay: AvalaRetryDelayFn;
}

/**
 * Turns the client's retry policy into TanStack Query's `retry` and `retryDelay` (docs/retry-rule.md), so
 * a hook call is retried by TanStack alone (the request inside runs with `retry: false`) and
 * `failureCount`/`failureReason` show every attempt. The decisions are the core's own
 * (`client.retryCallbacks`, over `shouldRetryError`, `retryDelayMs` and the client's retry
 * budget), never re-derived here: transient errors back off (the server's `Retry-After` wins,
 * a longer wait than `maxRetryAfterMs` fails at once), client errors never retry, POST/PATCH
 * follow `idempotent`, and a long outage that empties the budget stops retrying.
 *
 * @param client - the client whose policy and retry budget drive the retries.
 * @param method - the HTTP method of the call (queries are `GET`).
 * @param idempotent - marks a POST/PATCH safe to repeat after 500/502/504/timeouts/network errors.
 */
export function avalaRetry(
  client: AvalaClient,
  method: string,
  idempotent?: boolean,
): AvalaRetryOptions {
  return client.retryCallbacks({ method, idempotent });
}
