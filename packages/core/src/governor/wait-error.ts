import type { HoldCause } from './hold.js';

/**
 * Why `governor.acquire` gave up on a request at once: the wait before it may be sent is
 * known and longer than its `maxWaitMs` (docs/retry-rule.md: a server-requested wait longer
 * than the policy's maximum is not slept through). The client turns it into a
 * `rate_limited` or `service_unavailable` `AvalaError` with `retryAfterMs` set to `waitMs`.
 */
export class GovernorWaitError extends Error {
  override readonly name = 'GovernorWaitError';
  /** How long the request would have waited, in ms from the moment it gave up. */
  readonly waitMs: number;
  /** What the wait is for: the rate limit, a concurrency pool, or an outage. */
  readonly reason: HoldCause;
  /** The concurrency pool whose hold it is, for a `concurrency_limited` wait. */
  readonly pool: string | undefined;

  constructor(waitMs: number, reason: HoldCause, pool?: string) {
    super(
      `Not sent: it would wait ${Math.ceil(waitMs / 1000)} s (${reason.replace('_', ' ')}), longer than its maxWaitMs`,
    );
    this.waitMs = waitMs;
    this.reason = reason;
    this.pool = pool;
  }
}
