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
