import type { RetryBudgetOptions, RetryOption, RetryPolicy } from '../types/retry.js';

/** The retry quota's defaults: 50 tokens, 5 a retry (10 after a timeout/network failure), 1 back a success. */
export const defaultRetryBudget: Readonly<RetryBudgetOptions> = Object.freeze({
  capacity: 50,
  retryCost: 5,
  successRefund: 1,
});

/** The retry policy's defaults (docs/retry-rule.md): 3 retries, 300 ms doubling to 30 s, full jitter. */
export const defaultRetryPolicy: Readonly<RetryPolicy> = Object.freeze({
  limit: 3,
  baseDelayMs: 300,
  maxDelayMs: 30_000,
  maxRetryAfterMs: 60_000,
  jitter: true,
  budget: defaultRetryBudget,
});

/**
 * Fills a caller's `retry` option into a complete, validated {@link RetryPolicy} (or `false`
 * for no retries). Parts left out come from `base` (default: {@link defaultRetryPolicy}), so a
 * call's `{ limit: 1 }` keeps the client's delays. Throws `RangeError` on a negative or
 * non-finite number. Done once at the edge; everything after reads the normalised policy.
 */
export function normalizeRetryPolicy(
  option?: RetryOption | RetryPolicy | false,
  base: RetryPolicy | false = defaultRetryPolicy,
): RetryPolicy | false {
  if (option === false) return false;
  const from = base === false ? defaultRetryPolicy : base;
  if (option === undefined) return base === false ? false : from;
  const policy: RetryPolicy = {
    limit: count('limit', option.limit ?? from.limit),
    baseDelayMs: milliseconds('baseDelayMs', option.baseDelayMs ?? from.baseDelayMs),
    maxDelayMs: milliseconds('maxDelayMs', option.maxDelayMs ?? from.maxDelayMs),
    maxRetryAfterMs: milliseconds(
      'maxRetryAfterMs',
      option.maxRetryAfterMs ?? from.maxRetryAfterMs,
    ),
    jitter: option.jitter ?? from.jitter,
    budget: normalizeBudget(option.budget, from.budget),
  };
  return policy;
}

function normalizeBudget(
  option: Partial<RetryBudgetOptions> | false | undefined,
  base: RetryBudgetOptions | false,
): RetryBudgetOptions | false {
  if (option === false) return false;
  const from = base === false ? defaultRetryBudget : base;
  if (option === undefined) return base;
  return {
    capacity: count('budget.capacity', option.capacity ?? from.capacity),
    retryCost: count('budget.retryCost', option.retryCost ?? from.retryCost),
    successRefund: count('budget.successRefund', option.successRefund ?? from.successRefund),
  };
}

function count(name: string, value: number): number {
  if (!Number.isInteger(value) || value < 0) {
    throw new RangeError(`retry.${name} must be a non-negative integer; got ${value}`);
  }
  return value;
}

function milliseconds(name: string, value: number): number {
  if (!Number.isFinite(value) || value < 0) {
    throw new RangeError(
      `retry.${name} must be a non-negative number of milliseconds; got ${value}`,
    );
  }
  return value;
}
