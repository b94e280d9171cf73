import type { RetryPolicy } from '../types/retry.js';

/**
 * The most a retry may wait before jitter: `baseDelayMs * 2 ** (attempt - 1)`, capped at
 * `maxDelayMs`. `attempt` is 1 for the first retry.
 */
export function backoffCeilingMs(attempt: number, policy: RetryPolicy): number {
  const exponent = Math.max(0, attempt - 1);
  return Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** exponent);
}

/** The wait the server asked for on an error (`retryAfterMs` of an `AvalaError`), if any. */
export function serverRetryAfterMs(error: unknown): number | undefined {
  const value = (error as { retryAfterMs?: unknown } | null | undefined)?.retryAfterMs;
  return typeof value === 'number' && Number.isFinite(value) && value >= 0 ? value : undefined;
}

/**
 * The spread added to a wait the server asked for: a random part of a tenth of it, at most a
 * second, never negative (never earlier than asked). Without it, every client told
 * `Retry-After: 1` in the same second wakes in the same millisecond.
 */
export function serverWaitJitterMs(waitMs: number, random: () => number = Math.random): number {
  return Math.round(random() * Math.min(1000, waitMs / 10));
}

/**
 * How long to wait before retry number `attempt` (1 for the first retry; TanStack Query's
 * `failureCount + 1`). The server's `retryAfterMs` wins when the error has one (capped at
 * `maxRetryAfterMs`; a longer one is refused by `shouldRetryError`, not slept through), plus
 * {@link serverWaitJitterMs} when the policy has `jitter`;
 * otherwise exponential backoff with full jitter (uniform in 0…ceiling), capped at
 * `maxDelayMs`. `random` is injectable for tests. ky's retries (through `retry.delay`) and
 * TanStack's `retryDelay` both wait this long.
 */
export function retryDelayMs(
  attempt: number,
  error: unknown,
  policy: RetryPolicy,
  random: () => number = Math.random,
): number {
  const serverWait = serverRetryAfterMs(error);
  if (serverWait !== undefined) {
    const wait = Math.min(serverWait, policy.maxRetryAfterMs);
    return policy.jitter ? wait + serverWaitJitterMs(wait, random) : wait;
  }
  const ceiling = backoffCeilingMs(attempt, policy);
  return policy.jitter ? Math.round(random() * ceiling) : ceiling;
}
