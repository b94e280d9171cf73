import { isAvalaError } from '../errors/avala-error.js';
import { isTransientError } from '../errors/transient.js';
import type { RetryPolicy } from '../types/retry.js';
import { serverRetryAfterMs } from './backoff.js';
import { markRetryBudgetExhausted, type RetryBudget } from './retry-budget.js';

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

/**
 * The one retry decision both layers ask — ky's `shouldRetry` for direct calls (`retryCount`)
 * and TanStack's `retry` for hook calls (`failureCount + 1`): {@link shouldRetryError}, then
 * the client's retry `budget` (when the policy keeps one) pays for the retry. An error the
 * empty budget refused is marked (`isRetryBudgetExhausted`).
 */
export function decideRetry(error: unknown, context: RetryContext, budget?: RetryBudget): boolean {
  if (!shouldRetryError(error, context)) return false;
  const { policy } = context;
  if (!budget || policy === false || policy.budget === false) return true;
  const avalaError = isAvalaError(error) ? error : undefined;
  if (budget.trySpend(avalaError)) return true;
  if (avalaError) markRetryBudgetExhausted(avalaError);
  return false;
}
