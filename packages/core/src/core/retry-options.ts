import { isHTTPError, type RetryOptions } from 'ky';
import type { AvalaError } from '../errors/avala-error.js';
import { backoffCeilingMs } from '../retry/backoff.js';
import type { RetryBudget } from '../retry/budget.js';
import { shouldRetryError } from '../retry/decide.js';
import type { AvalaEvent } from '../types/events.js';
import { type CallState, releasePermit } from './call.js';
import { markRetryBudgetExhausted } from './classify.js';

// Every method is listed: ky only consults `shouldRetry` for listed methods (SPEC §6), and
// `shouldRetry` applies the §3 rule, which lets POST/PATCH retry on 429/503 only.
const RETRY_METHODS = ['get', 'head', 'options', 'trace', 'put', 'delete', 'post', 'patch'];
const RETRY_STATUS_CODES = [429, 500, 502, 503, 504];
// The statuses whose `Retry-After` (else `X-RateLimit-Reset`) ky waits for. Not 500/502/504:
// every Avala response carries `X-RateLimit-Reset`, and a 500 must not wait for the window.
const AFTER_STATUS_CODES = [429, 503];

/** What the retry mapping needs from the client. */
export interface RetryEnvironment {
  readonly budget: RetryBudget;
  /** Classifies an attempt's failure (raising its condition event once). */
  classify(raw: unknown, call: CallState): AvalaError | undefined;
  emit(event: AvalaEvent): void;
  /** Whether anyone listens to events. */
  readonly observed: boolean;
  random(): number;
}

/**
 * Maps the call's {@link RetryPolicy} onto ky's `retry` options. ky does the mechanics — it
 * counts attempts, parses `Retry-After`/`X-RateLimit-Reset` on 429/503 (capped by
 * `maxRetryAfter`), computes `delay` backoff capped by `backoffLimit`, and waits (abortable by
 * the caller's signal). `shouldRetry` makes the decision: the §3 rule for the method, a
 * server wait longer than `maxRetryAfterMs` failing at once (ky would only cap it), and the
 * client's retry budget.
 */
export function kyRetryOptions(call: CallState, env: RetryEnvironment): RetryOptions {
  const policy = call.policy;
  if (policy === false || policy.limit === 0) return { limit: 0 };
  return {
    limit: policy.limit,
    methods: RETRY_METHODS,
    statusCodes: RETRY_STATUS_CODES,
    afterStatusCodes: AFTER_STATUS_CODES,
    maxRetryAfter: policy.maxRetryAfterMs,
    backoffLimit: policy.maxDelayMs,
    delay: (attempt) => backoffCeilingMs(attempt, policy),
    // Full jitter, drawn in `shouldRetry` so the `retry` event can announce the exact wait.
    jitter: (ceiling) => call.plannedBackoffMs ?? ceiling,
    retryOnTimeout: true,
    shouldRetry: ({ error: raw, retryCount }) => {
      // A failure without a response still holds its permit: free it before the backoff.
      releasePermit(call);
      const error = env.classify(raw, call);
      if (!error) return false;
      const retry = shouldRetryError(error, {
        attempt: retryCount,
        method: call.method,
        idempotent: call.idempotent,
        policy,
      });
      if (!retry) return false;
      if (policy.budget !== false && !env.budget.trySpend(error.kind)) {
        markRetryBudgetExhausted(error);
        return false;
      }
      const delayMs = planDelay(call, error, retryCount, env.random);
      if (env.observed) {
        env.emit({
          type: 'retry',
          method: call.method,
          url: error.url ?? call.url,
          attempt: retryCount,
          delayMs,
          error,
        });
      }
      // `undefined` hands a 429/503 with a server wait to ky's own timing (its Retry-After /
      // X-RateLimit-Reset parsing); `true` sends everything else to the backoff, including a
      // 503 whose reset header we do not read as a wait (see `parseServerWait`).
      return isHTTPError(raw) && call.plannedBackoffMs === undefined ? undefined : true;
    },
  };
}

/** The wait ky will schedule for this retry, with the jitter drawn now. */
function planDelay(
  call: CallState,
  error: AvalaError,
  attempt: number,
  random: () => number,
): number {
  const policy = call.policy;
  if (policy === false) return 0;
  const viaHeader =
    error.retryAfterMs !== undefined && (error.status === 429 || error.status === 503);
  if (viaHeader) {
    call.plannedBackoffMs = undefined;
    return Math.min(error.retryAfterMs ?? 0, policy.maxRetryAfterMs);
  }
  const ceiling = backoffCeilingMs(attempt, policy);
  // A `Retry-After` on a 500/502/504 still wins over the backoff (SPEC §3), within the cap.
  const wait = error.retryAfterMs ?? (policy.jitter ? Math.round(random() * ceiling) : ceiling);
  call.plannedBackoffMs = Math.min(wait, policy.maxDelayMs);
  return call.plannedBackoffMs;
}
