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
  if (option === undefined) return base;
  const from = base === false ? defaultRetryPolicy : base;
  // `budget` is taken as given here, then filled on its own: `false` turns it off.
  const policy = filled(option, from, defaultRetryPolicy, 'retry.') as RetryPolicy;
  const { budget } = option;
  if (budget === undefined) policy.budget = from.budget;
  else if (budget !== false) {
    const budgetFrom = from.budget === false ? defaultRetryBudget : from.budget;
    policy.budget = filled(budget, budgetFrom, defaultRetryBudget, 'retry.budget.');
  }
  return policy;
}

/**
 * Each field of `defaults`, from `option` where given, else from `from`. A number is checked
 * by what its name says: a `…Ms` field is milliseconds (finite, not negative), any other a
 * count (an integer, not negative).
 */
function filled<T extends object>(option: object, from: T, defaults: T, prefix: string): T {
  const given = option as Partial<T>;
  const out = {} as T;
  for (const key in defaults) {
    const value = given[key] ?? from[key];
    if (typeof defaults[key] === 'number') checkNumber(`${prefix}${key}`, value);
    out[key] = value;
  }
  return out;
}

function checkNumber(name: string, value: unknown): void {
  const isMs = name.endsWith('Ms');
  const valid = isMs ? Number.isFinite(value) : Number.isInteger(value);
  if (!valid || (value as number) < 0) {
    throw new RangeError(
      `${name} must be a non-negative ${isMs ? 'number of milliseconds' : 'integer'}; got ${value}`,
    );
  }
}
