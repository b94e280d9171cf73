/**
 * How transient failures are retried (docs/retry-rule.md). The same policy drives ky's retries for
 * direct client calls and TanStack Query's retries for hook calls.
 */
export interface RetryPolicy {
  /** Retries after the first attempt (so at most `limit + 1` requests). Default 3. */
  limit: number;
  /** The first backoff step; attempt n waits up to `baseDelayMs * 2 ** (n - 1)`. Default 300. */
  baseDelayMs: number;
  /** The cap on any one backoff wait. Default 30 000. */
  maxDelayMs: number;
  /**
   * The longest server-requested wait (`Retry-After`, `X-RateLimit-Reset`) that is slept
   * through; a longer one fails the call at once with `retryAfterMs` on the error. Default 60 000.
   */
  maxRetryAfterMs: number;
  /** Full jitter (a uniform wait between 0 and the computed backoff). Default true. */
  jitter: boolean;
  /**
   * A per-client retry quota (like the AWS SDK's): each retry spends tokens, each success
   * refunds some; when it is empty, failures are no longer retried. `false` disables it.
   */
  budget: RetryBudgetOptions | false;
}

/** The retry quota: a token bucket per client that stops retry storms in long outages. */
export interface RetryBudgetOptions {
  /** Tokens in a full bucket. Default 50. */
  capacity: number;
  /** Tokens one retry spends. Default 5 (a timeout or network failure spends 10). */
  retryCost: number;
  /** Tokens a successful response refunds. Default 1. */
  successRefund: number;
}

/** What a caller may pass for `retry`: parts of the policy, or `false` for no retries. */
export type RetryOption = Partial<Omit<RetryPolicy, 'budget'>> & {
  budget?: Partial<RetryBudgetOptions> | false;
};

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

/** The call `client.retryCallbacks` decides for. */
export interface RetryCallbacksCall {
  /** The HTTP method; default: the one recorded on each error. */
  method?: string;
  /** The caller marked a POST/PATCH safe to repeat. */
  idempotent?: boolean;
  /** The query's own TanStack `retry` option, read as {@link TanStackRetryOption} says. */
  retry?: TanStackRetryOption;
}
