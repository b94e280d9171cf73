import type { AvalaError } from '../errors/avala-error.js';
import type { AvalaEvent } from '../types/events.js';

type Condition = 'rate_limited' | 'service_unavailable' | 'offline';

/**
 * Turns attempt outcomes into the condition events (`rate_limited`, `service_unavailable`,
 * `offline`, `recovered`) once per condition rather than once per failed request: a burst of
 * 429s raises one notice, and the next success clears it with one `recovered`. Only a success
 * of a request sent after the failure arrived ends a condition: an answer to a request that
 * was already in flight says nothing about whether the API has recovered.
 */
export class ConditionTracker {
  /** Attempts numbered as they are sent. */
  #sent = 0;
  /** Conditions reported and not yet ended, with the attempt count when each was raised. */
  readonly #active = new Map<Condition, number>();
  readonly #now: () => number;

  constructor(now: () => number = Date.now) {
    this.#now = now;
  }

  /** Numbers an attempt as it is sent; pass the number to {@link succeeded} with its answer. */
  sent(): number {
    this.#sent += 1;
    return this.#sent;
  }

  /** The event a failed attempt raises, or `undefined` when it repeats an active condition. */
  failed(error: AvalaError): AvalaEvent | undefined {
    const condition = conditionOf(error);
    if (!condition) return undefined;
    const now = this.#now();
    // Already reported: the notice stands until a success ends the condition.
    if (this.#active.has(condition)) return undefined;
    const until = untilOf(error, condition, now);
    this.#active.set(condition, this.#sent);
    if (condition === 'rate_limited') return { type: 'rate_limited', until: until ?? now, error };
    if (condition === 'service_unavailable') return { type: 'service_unavailable', until, error };
    return { type: 'offline', error };
  }

  /**
   * The `recovered` events a successful response raises: one per active condition raised
   * before the attempt numbered `attempt` (from {@link sent}) was sent.
   */
  succeeded(attempt: number): AvalaEvent[] {
    const events: AvalaEvent[] = [];
    for (const [from, raisedAt] of this.#active) {
      if (attempt <= raisedAt) continue;
      this.#active.delete(from);
      events.push({ type: 'recovered', from });
    }
    return events;
  }
}

function conditionOf(error: AvalaError): Condition | undefined {
  if (error.kind === 'rate_limited') return 'rate_limited';
  if (error.kind === 'service_unavailable') return 'service_unavailable';
  if (error.kind === 'network') return 'offline';
  return undefined;
}

function untilOf(error: AvalaError, condition: Condition, now: number): number | undefined {
  if (error.retryAfterMs !== undefined) return now + error.retryAfterMs;
  // The window's reset says when a 429 ends; it says nothing about an outage.
  return condition === 'rate_limited' ? error.rateLimit?.resetAt : undefined;
}
