import type { AvalaError } from '../errors/avala-error.js';
import type { AvalaEvent } from '../types/events.js';

type Condition = 'rate_limited' | 'concurrency_limited' | 'service_unavailable' | 'offline';

/** A concurrency refusal's pool, as the governor told it apart from a rate 429. */
export interface ConcurrencyRefusal {
  pool: string | undefined;
  /** The pool's size (how many jobs run at once). */
  limit: number | undefined;
}

/**
 * Turns attempt outcomes into the condition events (`rate_limited`, `concurrency_limited`,
 * `service_unavailable`, `offline`, `recovered`) once per condition rather than once per
 * failed request: a burst of 429s raises one notice, and the next success clears it with one
 * `recovered`. Only a success of a request sent after the failure arrived ends a condition:
 * an answer to a request that was already in flight says nothing about whether the API has
 * recovered. A concurrency limit ends only with a success in its own pool (an export got
 * through), not with any listing that succeeds meanwhile.
 */
export class ConditionTracker {
  /** Attempts numbered as they are sent. */
  #sent = 0;
  /** Conditions reported and not yet ended: the attempt count when each was raised, its pool. */
  readonly #active = new Map<Condition, { raisedAt: number; pool: string | undefined }>();
  readonly #now: () => number;

  constructor(now: () => number = Date.now) {
    this.#now = now;
  }

  /** Numbers an attempt as it is sent; pass the number to {@link succeeded} with its answer. */
  sent(): number {
    this.#sent += 1;
    return this.#sent;
  }

  /**
   * The event a failed attempt raises, or `undefined` when it repeats an active condition.
   * `concurrency` says the governor read this 429 as a concurrency refusal.
   */
  failed(error: AvalaError, concurrency?: ConcurrencyRefusal): AvalaEvent | undefined {
    const condition =
      concurrency && error.kind === 'rate_limited' ? 'concurrency_limited' : conditionOf(error);
    if (!condition) return undefined;
    const now = this.#now();
    // Already reported: the notice stands until a success ends the condition.
    if (this.#active.has(condition)) return undefined;
    const pool = concurrency?.pool;
    this.#active.set(condition, { raisedAt: this.#sent, pool });
    // When it ends: the server's wait, else (a 429 only) the window's reset; an outage or a
    // full pool says nothing about when it ends.
    const until =
      error.retryAfterMs !== undefined
        ? now + error.retryAfterMs
        : condition === 'rate_limited'
          ? (error.rateLimit?.resetAt ?? now)
          : undefined;
    switch (condition) {
      case 'concurrency_limited':
        return { type: condition, error, pool, limit: concurrency?.limit, until };
      case 'rate_limited':
        return { type: condition, until: until as number, error };
      case 'service_unavailable':
        return { type: condition, until, error };
      default:
        return { type: condition, error };
    }
  }

  /**
   * The `recovered` events a successful response raises: one per active condition raised
   * before the attempt numbered `attempt` (from {@link sent}) was sent — for a concurrency
   * limit, only when that attempt was in the same `pool`.
   */
  succeeded(attempt: number, pool?: string): readonly AvalaEvent[] {
    // Every success asks; almost always nothing is raised, and then nothing is allocated.
    if (this.#active.size === 0) return NONE;
    const events: AvalaEvent[] = [];
    for (const [from, raised] of this.#active) {
      if (attempt <= raised.raisedAt) continue;
      if (from === 'concurrency_limited' && raised.pool !== undefined && raised.pool !== pool) {
        continue;
      }
      this.#active.delete(from);
      events.push({ type: 'recovered', from });
    }
    return events;
  }
}

const NONE: readonly AvalaEvent[] = Object.freeze([]);

function conditionOf({ kind }: AvalaError): Condition | undefined {
  if (kind === 'network') return 'offline';
  return kind === 'rate_limited' || kind === 'service_unavailable' ? kind : undefined;
}
