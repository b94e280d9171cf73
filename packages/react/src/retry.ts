import type { RetryPolicy } from '@avala-fetch/core';
import { retryDelayMs, shouldRetryError } from '@avala-fetch/core';

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
 * Turns the core's retry policy into TanStack Query's `retry` and `retryDelay` (SPEC §3), so
 * a hook call is retried by TanStack alone (the request inside runs with `retry: false`) and
 * `failureCount`/`failureReason` show every attempt. The decisions themselves are the core's
 * `shouldRetryError` and `retryDelayMs`: transient errors back off (the server's
 * `Retry-After` wins), client errors never retry, POST/PATCH follow the `idempotent` flag.
 *
 * @param policy - the client's normalised policy (`client.retryPolicy`); `false` never retries.
 * @param method - the HTTP method of the call (queries are `GET`).
 * @param idempotent - marks a POST/PATCH safe to repeat after 500/502/504/timeouts/network errors.
 */
export function avalaRetry(
  policy: RetryPolicy | false,
  method: string,
  idempotent?: boolean,
): AvalaRetryOptions {
  if (policy === false) return { retry: false, retryDelay: () => 0 };
  // TanStack counts retries already made (0 after the first failure); the core counts the
  // attempt that just failed, starting at 1.
  return {
    retry: (failureCount, error) =>
      shouldRetryError(error, { attempt: failureCount + 1, method, idempotent, policy }),
    retryDelay: (failureCount, error) => retryDelayMs(failureCount + 1, error, policy),
  };
}
