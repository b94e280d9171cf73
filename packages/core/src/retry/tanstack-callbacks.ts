import { isAvalaError } from '../errors/avala-error.js';
import type { AvalaEvent } from '../types/events.js';
import type { RetryCallbacks, RetryCallbacksCall, RetryPolicy } from '../types/retry.js';
import { retryDelayMs } from './backoff.js';
import { decideRetry } from './decide.js';
import { isRetriedInClient, isRetriedOutside } from './layers.js';
import { normalizeRetryPolicy } from './policy.js';
import type { RetryBudget } from './retry-budget.js';

/**
 * Adapts the policy to TanStack Query's callbacks (which count failures from 0), so the
 * React layer retries by exactly the rule and delays a direct call would use. Given the
 * client's retry `budget` (`client.retryCallbacks` passes it), each retry spends from the
 * same quota ky's retries do, so a long outage stops hook retries too.
 *
 * Two things make the layers cooperate: an error the client already retried inside ky
 * ({@link isRetriedInClient}) is never retried again, and every failure's `attempts` is set
 * to the requests the whole query has sent so far, so the error TanStack settles on tells
 * the truth (it equals `failureCount`).
 */
export function createRetryCallbacks(
  policy: RetryPolicy | false,
  call: RetryCallbacksCall = {},
  budget?: RetryBudget,
  emit?: (event: AvalaEvent) => void,
): RetryCallbacks {
  const { retry: option, ...request } = call;
  // `retryDelay` runs first in TanStack's retryer: the `retry` event announces that very wait.
  const planned = new WeakMap<object, number>();
  const delayOf = (failureCount: number, error: unknown) =>
    policy === false ? 0 : retryDelayMs(failureCount + 1, error, policy);
  const limited =
    option === false || policy === false
      ? false
      : typeof option === 'number'
        ? normalizeRetryPolicy({ limit: retryCount(option) }, policy)
        : policy;
  return {
    retry: (failureCount, error) => {
      if (isRetriedInClient(error)) return false;
      const avalaError = isAvalaError(error) ? error : undefined;
      // One request per TanStack attempt (the hooks turn ky's retries off): this failure is
      // request `failureCount + 1` of the query.
      avalaError?.withAttempts(Math.max(avalaError.attempts, failureCount + 1));
      const retrying =
        typeof option === 'function'
          ? option(failureCount, error)
          : decideRetry(error, { ...request, attempt: failureCount + 1, policy: limited }, budget);
      // The layer that decides announces it, as ky's does for direct calls: a `retry` with its
      // wait, or the final `error` (the engine leaves both to us for calls retried outside).
      if (emit && avalaError && isRetriedOutside(avalaError)) {
        emit(
          retrying
            ? {
                type: 'retry',
                method: avalaError.method ?? request.method?.toUpperCase() ?? 'GET',
                url: avalaError.url ?? '',
                attempt: failureCount + 1,
                delayMs: planned.get(avalaError) ?? delayOf(failureCount, avalaError),
                error: avalaError,
              }
            : { type: 'error', error: avalaError },
        );
      }
      return retrying;
    },
    retryDelay: (failureCount, error) => {
      const delay = delayOf(failureCount, error);
      if (typeof error === 'object' && error !== null) planned.set(error, delay);
      return delay;
    },
  };
}

// TanStack's `retry: Infinity` means "always": under the rule that is the most a policy takes.
function retryCount(value: number): number {
  return Number.isFinite(value) ? Math.max(0, Math.floor(value)) : Number.MAX_SAFE_INTEGER;
}
