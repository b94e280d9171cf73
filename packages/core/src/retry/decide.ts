import { isAvalaError } from '../errors/avala-error.js';
import type { AvalaEvent } from '../types/events.js';
import type { RetryPolicy } from '../types/retry.js';
import { retryDelayMs, serverRetryAfterMs } from './backoff.js';
import { markRetryBudgetExhausted, type RetryBudget } from './budget.js';
import { normalizeRetryPolicy } from './policy.js';
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
 * What a TanStack `retry` option may say, read under the rule (docs/retry-rule.md): a number
 * is "at most N retries" (the policy's `limit` for this query), `true` the policy's own limit,
 * `false` none, a function your own predicate — never a way around the rule for a number.
 */
export type TanStackRetryOption =
  | boolean
  | number
  | ((failureCount: number, error: unknown) => boolean);

/** The call {@link createRetryCallbacks} decides for. */
export interface RetryCallbacksCall {
  /** The HTTP method; default: the one recorded on each error. */
  method?: string;
  /** The caller marked a POST/PATCH safe to repeat. */
  idempotent?: boolean;
  /** The query's own TanStack `retry` option, read as {@link TanStackRetryOption} says. */
  retry?: TanStackRetryOption;
}

// Errors of calls whose retries the client ran itself (inside ky); see `isRetriedInClient`.
const retriedInClient = new WeakSet<object>();

/** Marks `error` as coming from a call the client already retried under its policy. */
export function markRetriedInClient(error: object): void {
  retriedInClient.add(error);
}

// Errors of calls an outer layer retries (the hooks' `attempt` option); see `createRetryCallbacks`.
const retriedOutside = new WeakSet<object>();

/** Marks `error` as coming from a call whose retries an outer layer (TanStack) decides. */
export function markRetriedOutside(error: object): void {
  retriedOutside.add(error);
}

/**
 * Whether `error` comes from a call whose retries the client already ran inside ky (a direct
 * `client.get(…)`, retries on): the rule and the limit have had their say, so retrying the
 * call again in TanStack would multiply the requests (docs/retry-rule.md: one layer retries).
 */
export function isRetriedInClient(error: unknown): boolean {
  return typeof error === 'object' && error !== null && retriedInClient.has(error);
}

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
  // The layer that decides announces it, as ky's does for direct calls: a `retry` with its
  // wait, or the final `error` (the engine leaves both to us for calls retried outside).
  const announce = (retrying: boolean, failureCount: number, error: unknown): boolean => {
    if (!emit || !isAvalaError(error) || !retriedOutside.has(error)) return retrying;
    if (!retrying) {
      emit({ type: 'error', error });
      return false;
    }
    const delayMs = planned.get(error) ?? delayOf(failureCount, error);
    emit({
      type: 'retry',
      method: error.method ?? request.method?.toUpperCase() ?? 'GET',
      url: error.url ?? '',
      attempt: failureCount + 1,
      delayMs,
      error,
    });
    return true;
  };
  const delayOf = (failureCount: number, error: unknown) =>
    policy === false ? 0 : retryDelayMs(failureCount + 1, error, policy);
  const own = typeof option === 'function' ? option : undefined;
  const limited =
    option === false || policy === false
      ? false
      : typeof option === 'number'
        ? normalizeRetryPolicy({ limit: retryCount(option) }, policy)
        : policy;
  return {
    retry: (failureCount, error) => {
      if (isRetriedInClient(error)) return false;
      // One request per TanStack attempt (the hooks turn ky's retries off): this failure is
      // request `failureCount + 1` of the query.
      if (isAvalaError(error)) error.withAttempts(Math.max(error.attempts, failureCount + 1));
      return announce(decide(failureCount, error), failureCount, error);
    },
    retryDelay: (failureCount, error) => {
      const delay = delayOf(failureCount, error);
      if (typeof error === 'object' && error !== null) planned.set(error, delay);
      return delay;
    },
  };

  function decide(failureCount: number, error: unknown): boolean {
    if (own) return own(failureCount, error);
    if (!shouldRetryError(error, { ...request, attempt: failureCount + 1, policy: limited })) {
      return false;
    }
    if (!budget || limited === false || limited.budget === false) return true;
    if (budget.trySpend(isAvalaError(error) ? error : undefined)) return true;
    if (isAvalaError(error)) markRetryBudgetExhausted(error);
    return false;
  }
}

// TanStack's `retry: Infinity` means "always": under the rule that is the most a policy takes.
function retryCount(value: number): number {
  return Number.isFinite(value) ? Math.max(0, Math.floor(value)) : Number.MAX_SAFE_INTEGER;
}
