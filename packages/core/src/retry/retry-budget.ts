import type { RetryBudgetOptions } from '../types/retry.js';

/**
 * A per-client retry quota, like the AWS SDK's: a bucket of tokens that each retry spends and
 * each success refills a little. In a long outage every call fails, nothing refills, and once
 * the bucket is empty failures are returned at once instead of multiplying the load.
 */
export interface RetryBudget {
  /** Tokens left now. */
  readonly available: number;
  /**
   * Takes the tokens for one retry of a failure (its `kind`, or the error itself):
   * `retryCost`, twice that after a timeout or network failure, which cost the server or the
   * network more. A wait the server asked for costs nothing: a 429's retry, and — with the
   * governor on (`serverWaitsHeld`) — a 503's that carries `retryAfterMs`, wait for the moment
   * the server named while the governor holds every other request and lets one probe go
   * first, so they cannot storm. `false` when the bucket is short: do not retry.
   */
  trySpend(failure?: string | RetryBudgetFailure): boolean;
  /** Refills `successRefund` tokens after a successful response, up to `capacity`. */
  refund(): void;
}

/** What {@link RetryBudget.trySpend} reads of a failure. */
export interface RetryBudgetFailure {
  kind: string;
  /** The wait the server asked for, when it named one. */
  retryAfterMs?: number | undefined;
}

/** Options of {@link createRetryBudget} beyond the quota itself. */
export interface RetryBudgetEnvironment {
  /**
   * Whether a governor holds every request through a server-requested wait (the client's,
   * unless `rateLimit: false`): then a 503 with `retryAfterMs` costs nothing either.
   */
  serverWaitsHeld?: boolean;
}

/** Makes a {@link RetryBudget}; `false` gives one that never runs out. */
export function createRetryBudget(
  options: RetryBudgetOptions | false,
  environment: RetryBudgetEnvironment = {},
): RetryBudget {
  if (options === false) {
    return { available: Number.POSITIVE_INFINITY, trySpend: () => true, refund: () => {} };
  }
  let tokens = options.capacity;
  return {
    get available() {
      return tokens;
    },
    trySpend(failure) {
      const { kind, retryAfterMs } = typeof failure === 'object' ? failure : { kind: failure };
      if (kind === 'rate_limited') return true;
      if (
        kind === 'service_unavailable' &&
        retryAfterMs !== undefined &&
        environment.serverWaitsHeld
      ) {
        return true;
      }
      const cost =
        kind === 'timeout' || kind === 'network' ? options.retryCost * 2 : options.retryCost;
      if (cost > tokens) return false;
      tokens -= cost;
      return true;
    },
    refund() {
      tokens = Math.min(options.capacity, tokens + options.successRefund);
    },
  };
}

// Errors whose retry the budget refused; see `isRetryBudgetExhausted`.
const budgetExhausted = new WeakSet<object>();

/** Marks `error` as not retried because the client's retry budget was empty. */
export function markRetryBudgetExhausted(error: object): void {
  budgetExhausted.add(error);
}

/**
 * Whether `error` was returned without a retry because the client's retry budget (the quota
 * that stops retry storms in long outages) was empty. Such errors are transient: the call
 * itself may be repeated later.
 */
export function isRetryBudgetExhausted(error: unknown): boolean {
  return typeof error === 'object' && error !== null && budgetExhausted.has(error);
}
