import type { AvalaError } from '../errors/avala-error.js';
import type { AvalaEvent } from '../types/events.js';

type Condition = 'rate_limited' | 'service_unavailable' | 'offline';

/**
 * Turns attempt outcomes into the condition events (`rate_limited`, `service_unavailable`,
 * `offline`, `recovered`) once per condition rather than once per failed request: a burst of
 * 429s raises one notice, and the next success clears it with one `recovered`.
 */
export class ConditionTracker {
  /** Conditions reported and not yet ended by a success. */
  readonly #active = new Set<Condition>();
  readonly #now: () => number;

  constructor(now: () => number = Date.now) {
    this.#now = now;
  }

  /** The event a failed attempt raises, or `undefined` when it repeats an active condition. */
  failed(error: AvalaError): AvalaEvent | undefined {
    const condition = conditionOf(error);
    if (!condition) return undefined;
    const now = this.#now();
    // Already reported: the notice stands until a success ends the condition.
    if (this.#active.has(condition)) return undefined;
    const until = untilOf(error, condition, now);
    this.#active.add(condition);
    if (condition === 'rate_limited') return { type: 'rate_limited', until: until ?? now, error };
    if (condition === 'service_unavailable') return { type: 'service_unavailable', until, error };
    return { type: 'offline', error };
  }

  /** The `recovered` events a successful response raises (one per active condition). */
  succeeded(): AvalaEvent[] {
    if (this.#active.size === 0) return [];
    const events: AvalaEvent[] = [...this.#active].map((from) => ({
      type: 'recovered',
      from,
    }));
    this.#active.clear();
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
