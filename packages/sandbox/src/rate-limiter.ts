/** A limit to apply to one bucket: a sliding window, optionally with a burst window. */
export interface RateLimitRule {
  limit: number;
  windowMs: number;
  burst?: number;
  burstWindowMs?: number;
}

/** What the limiter decided for one request, and what the headers should announce. */
export interface RateLimitDecision {
  allowed: boolean;
  /** The sliding window's limit (`X-RateLimit-Limit`). */
  limit: number;
  /** Requests left in the sliding window after this one (`X-RateLimit-Remaining`). */
  remaining: number;
  /** Epoch ms when the oldest counted request leaves the window, i.e. when `remaining` next grows. */
  resetAt: number;
  /** When refused: how long until a request would be allowed. */
  retryAfterMs?: number;
}

/**
 * A sliding-window log per bucket (a key or an IP). Like DRF's throttles, only allowed
 * requests are recorded: a client that waits `Retry-After` after a 429 gets through.
 */
export class SlidingWindowLimiter {
  readonly #hits = new Map<string, number[]>();
  readonly #now: () => number;

  constructor(now: () => number) {
    this.#now = now;
  }

  /** Decides for a request and records it when allowed. */
  hit(bucket: string, rule: RateLimitRule): RateLimitDecision {
    return this.#decide(bucket, rule, true);
  }

  /** What `hit` would decide, without recording anything (for responses made before throttling). */
  peek(bucket: string, rule: RateLimitRule): RateLimitDecision {
    return this.#decide(bucket, rule, false);
  }

  /** Forgets every bucket. */
  reset(): void {
    this.#hits.clear();
  }

  #decide(bucket: string, rule: RateLimitRule, record: boolean): RateLimitDecision {
    const now = this.#now();
    const stamps = this.#prune(bucket, now, Math.max(rule.windowMs, rule.burstWindowMs ?? 0));
    const waits: number[] = [];
    const windowWait = waitFor(stamps, now, rule.limit, rule.windowMs);
    if (windowWait !== undefined) waits.push(windowWait);
    if (rule.burst !== undefined && rule.burstWindowMs !== undefined) {
      const burstWait = waitFor(stamps, now, rule.burst, rule.burstWindowMs);
      if (burstWait !== undefined) waits.push(burstWait);
    }
    const allowed = waits.length === 0;
    if (allowed && record) {
      stamps.push(now);
      this.#hits.set(bucket, stamps);
    }
    const inWindow = stamps.filter((stamp) => stamp > now - rule.windowMs);
    return {
      allowed,
      limit: rule.limit,
      remaining: Math.max(0, rule.limit - inWindow.length),
      resetAt: (inWindow[0] ?? now) + rule.windowMs,
      ...(allowed ? {} : { retryAfterMs: Math.max(...waits) }),
    };
  }

  #prune(bucket: string, now: number, horizonMs: number): number[] {
    const stamps = this.#hits.get(bucket) ?? [];
    while (stamps.length > 0 && (stamps[0] ?? now) <= now - horizonMs) stamps.shift();
    if (stamps.length === 0) this.#hits.delete(bucket);
    return stamps;
  }
}

/** Milliseconds until `limit` requests fit in the window again, or `undefined` if one fits now. */
function waitFor(
  stamps: readonly number[],
  now: number,
  limit: number,
  windowMs: number,
): number | undefined {
  const inWindow = stamps.filter((stamp) => stamp > now - windowMs);
  if (inWindow.length < limit) return undefined;
  // The request that must leave the window before one more fits.
  const blocking = inWindow[inWindow.length - limit] ?? now;
  return blocking + windowMs - now;
}

/** Whole seconds to announce for a wait: rounded up, never 0 (HTTP delta-seconds). */
export function toRetryAfterSeconds(waitMs: number): number {
  return Math.max(1, Math.ceil(waitMs / 1000));
}
