/**
 * `@avala-fetch/core/retry` — the retry machinery beneath the client (docs/retry-rule.md), for
 * a layer of your own: the rule, the one retry decision, the backoff, the budget, the defaults.
 * An app needs none of it: `createAvalaClient`'s `retry` option and `client.retryCallbacks`.
 */

export {
  isIdempotentMethod,
  isTransientError,
  isTransientKind,
  type TransientRuleOptions,
} from '../errors/transient.js';
export { backoffCeilingMs, retryDelayMs } from './backoff.js';
export { decideRetry, type RetryContext, shouldRetryError } from './decide.js';
export { isRetriedInClient } from './layers.js';
export { defaultRetryBudget, defaultRetryPolicy, normalizeRetryPolicy } from './policy.js';
export {
  createRetryBudget,
  isRetryBudgetExhausted,
  type RetryBudget,
  type RetryBudgetEnvironment,
  type RetryBudgetFailure,
} from './retry-budget.js';
export { createRetryCallbacks } from './tanstack-callbacks.js';
