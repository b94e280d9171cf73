import { isAvalaError } from '../errors/avala-error.js';
import type { RetryPolicy } from '../types/retry.js';
import { retryDelayMs, serverRetryAfterMs } from './backoff.js';
import { markRetryBudgetExhausted, type RetryBudget } from './budget.js';
import { isTransientError } from './rule.js';

/** What {@link shouldRetryError} needs to know about the call. */
export interface RetryContext {
  /** Which retry this would be: 1 for the first (ky's `retryCount`, TanStack's `failureCount + 1`). */
  attempt: number;
  /** The HTTP method; POST/PATCH are retried only on 429/503 unless `idempotent`. */
  method?: string;
  /** The caller marked a POST/PATCH safe to repeat. */
  idempotent?: boolean;
  /** The normalised policy (`false`: never retry). */
  policy: RetryPolicy | false;
}

/**
 * The retry decision of docs/retry-rule.md, shared by ky (direct calls) and TanStack Query (hook calls):
 * retry when the policy allows another attempt, the error is transient for this method
 * (`isTransientError`, the single rule), and any wait the server asked for is one we are
 * willing to sleep through (a longer `retryAfterMs` fails the call at once).
 */
export function shouldRetryError(error: unknown, context: RetryContext): boolean {
  const { policy } = context;
  if (policy === false || context.attempt > policy.limit) return false;
  if (!isTransientError(error, context.method, { idempotent: context.idempotent })) return false;
  const wait = serverRetryAfterMs(error);
  return wait === undefined || wait <= policy.maxRetryAfterMs;
}

/** TanStack Query's `retry` and `retryDelay` options, derived from one policy. */
export interface RetryCallbacks {
  /** TanStack's `retry(failureCount, error)`: `failureCount` is 0 on the first failure. */
  retry: (failureCount: number, error: unknown) => boolean;
  /** TanStack's `retryDelay(failureCount, error)`, in milliseconds. */
  retryDelay: (failureCount: number, error: unknown) => number;
}

/**
 * Adapts the policy to TanStack Query's callbacks (which count failures from 0), so the
 * React layer retries by exactly the rule and delays a direct call would use. Given the
 * client's retry `budget` (`client.retryCallbacks` passes it), each retry spends from the
 * same quota ky's retries do, so a long outage stops hook retries too.
 */
export function createRetryCallbacks(
  policy: RetryPolicy | false,
  call: { method?: string; idempotent?: boolean } = {},
  budget?: RetryBudget,
): RetryCallbacks {
  return {
    retry: (failureCount, error) => {
      if (!shouldRetryError(error, { ...call, attempt: failureCount + 1, policy })) return false;
      if (!budget || policy === false || policy.budget === false) return true;
      if (budget.trySpend(isAvalaError(error) ? error.kind : undefined)) return true;
      if (isAvalaError(error)) markRetryBudgetExhausted(error);
      return false;
    },
    retryDelay: (failureCount, error) =>
      policy === false ? 0 : retryDelayMs(failureCount + 1, error, policy),
  };
}
