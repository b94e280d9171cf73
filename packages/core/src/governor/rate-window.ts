import type { RateLimitInfo } from '../types/errors.js';
import { SlidingRelease } from './sliding-release.js';

/** `X-RateLimit-Reset` is stated in whole seconds (rounded up). */
const resetRoundingMs = 1000;

/**
 * The rate-limit window as this client sees it: the server's `limit/remaining/reset`,
 * corrected locally between responses, plus slow start while the window is unconfirmed.
 *
 * - Confirmed window: a response told limit, remaining and reset. Each send spends one
 *   locally (optimistic), each response can only lower `remaining` within the same window
 *   (the most conservative view wins) and a later reset starts a new window.
 * - Unconfirmed: nothing has told the budget yet, or the window's reset has passed and no
 *   response of the new window has arrived. Like TCP slow start, only `congestionWindow`
 *   requests may be in flight; it grows by one per answered request, so it roughly doubles
 *   every round trip, and it shrinks to one on a 429/503.
 * - Sliding: once the window's length is known ({@link SlidingRelease}), each of our sends
 *   gives its unit back `windowMs` after its answer, as the server's window slides past it,
 *   instead of the whole budget coming back at the reset.
 */
export class Budget {
  limit: number | undefined;
  remaining: number | undefined;
  resetAt: number | undefined;
  /** Every send known here (ours and other tabs'); a response's view is aged by the difference. */
  sends = 0;
  #confirmed = false;
  #congestionWindow: number;
  /** Changes whenever the window is confirmed or rolls over, so older sends stop counting. */
  #epoch = 0;
  /** Sends of the current unconfirmed window not answered yet (what slow start caps). */
  #probing = 0;
  /** Our sends not answered yet, whatever their window (see {@link Budget.learn}). */
  #unanswered = 0;
  readonly #marginMs: number;
  /** When our sends leave a sliding window (docs/avala-api.md, Rate limits). */
  readonly sliding = new SlidingRelease();

  /** `marginMs` is waited past each reset, as the API states it in whole seconds. */
  constructor(initialConcurrency: number, marginMs: number) {
    this.#congestionWindow = initialConcurrency;
    this.#marginMs = marginMs;
  }

  /** Whether a response of the current window has told the budget. */
  get confirmed(): boolean {
    return this.#confirmed;
  }

  /** When a confirmed window ends here: its reset, and the margin past it. */
  get endsAt(): number | undefined {
    return this.#confirmed && this.resetAt !== undefined
      ? this.resetAt + this.#marginMs
      : undefined;
  }

  /**
   * Gives back the units of sends that have left a sliding window, and ends a confirmed window
   * whose reset has passed; true when either changed the budget.
   */
  tick(now: number): boolean {
    const released = this.sliding.release(now, this.sends);
    if (released > 0 && this.remaining !== undefined && this.limit !== undefined) {
      this.remaining = Math.min(this.limit, this.remaining + released);
    }
    const endsAt = this.endsAt;
    if (endsAt === undefined || now < endsAt) return released > 0;
    this.#confirmed = false;
    this.#epoch++;
    this.#probing = 0;
    this.remaining = this.limit;
    // One probe confirms the new window before the rest follow: if our clock runs ahead of
    // the server's, only that one request meets the old, spent window.
    this.#congestionWindow = 1;
    return true;
  }

  /**
   * When the next send may go: `now` (or earlier) when it may go at once, a time to wait
   * for, or `Infinity` when only a response can open the way. `reserve` requests of a
   * confirmed window are left alone (for other tabs that may be spending them right now).
   */
  openingAt(now: number, reserve = 0): number {
    const remaining = this.remaining ?? Infinity;
    if (this.#confirmed) {
      if (remaining > reserve) return now;
      const reset = (this.resetAt ?? now) + this.#marginMs;
      return Math.min(reset, this.sliding.nextAt ?? reset);
    }
    if (this.#probing === 0) return now; // nothing will answer: a probe must go, or nothing will
    if (this.#probing >= this.#congestionWindow || remaining <= 0) return Infinity;
    return now;
  }

  /**
   * When a spent, confirmed window resets at the earliest (epoch ms): the known wait of a
   * request that arrives now. `X-RateLimit-Reset` is whole seconds rounded up, so the reset may
   * come up to a second sooner than it says; without that second, a call capped at a minute
   * would fail at once in a one-minute window the server would let it wait out.
   * `undefined` while requests may go, or nobody knows when.
   */
  spentUntil(reserve = 0): number | undefined {
    const spent = this.#confirmed && (this.remaining ?? Infinity) <= reserve;
    if (!spent || this.resetAt === undefined) return undefined;
    const reset = this.resetAt - resetRoundingMs;
    return Math.min(reset, this.sliding.nextAt ?? reset);
  }

  /**
   * Spends one of the budget for a send of ours; returns the token its answer hands to
   * {@link Budget.answered}.
   */
  recordSend(): number {
    this.recordOtherSends(1);
    this.#unanswered++;
    if (!this.#confirmed) this.#probing++;
    return this.#epoch;
  }

  /** Spends `count` of the budget for sends made by another tab. */
  recordOtherSends(count: number): void {
    this.sends += count;
    if (this.remaining !== undefined) this.remaining = Math.max(0, this.remaining - count);
  }

  /**
   * Learns from a view of the window: a response's headers (`sentAt` = `sends` right after
   * that request went, so sends after it, which its `remaining` cannot have counted, are
   * taken off), or another tab's estimate (`sentAt` = `sends`); `now` is when it arrived.
   * A response (`answer`) is also aged by our sends still out: those sent before it may have
   * reached the server after it (answers overtake each other on parallel connections), so its
   * count may lack them too. (Another tab's estimate has heard of them already.)
   * Returns true when the window changed.
   */
  learn(view: RateLimitInfo, sentAt: number, now: number, answer = false): boolean {
    const { limit, remaining, resetAt } = view;
    if (limit === undefined || remaining === undefined || resetAt === undefined) return false;
    const unanswered = answer ? this.#unanswered : 0;
    const estimate = Math.max(0, remaining - Math.max(0, this.sends - sentAt, unanswered));
    const newWindow = this.resetAt === undefined || resetAt > this.resetAt;
    // The server's count replaces ours: sends it may have let go already are not given back.
    if (newWindow || estimate < (this.remaining ?? Infinity)) {
      this.sliding.forgetCounted(now, limit - remaining);
    }
    if (newWindow) {
      // A new window: the server's count, less what we sent since, is all that holds now.
      this.#confirmed = true;
      this.#epoch++;
      this.#probing = 0;
      this.limit = limit;
      this.resetAt = resetAt;
      this.remaining = estimate;
      return true;
    }
    if (resetAt < (this.resetAt ?? resetAt)) return false; // an older window's news
    // The same window: its count can only go down. Past our reset this also catches a server
    // whose window has not quite moved on yet (a sliding window still holding old requests).
    const before = this.remaining;
    this.limit = limit;
    this.remaining = Math.min(this.remaining ?? estimate, estimate);
    return this.remaining !== before;
  }

  /**
   * Notes that the attempt sent with `token` ended (it is no longer out) and adjusts slow
   * start: `'ok'` widens the window by one, `'refused'` (429/503) narrows it to one, `'none'`
   * (no response) only frees the place.
   */
  answered(token: number, outcome: 'ok' | 'refused' | 'none'): void {
    this.#unanswered = Math.max(0, this.#unanswered - 1);
    if (token !== this.#epoch || this.#confirmed) return;
    this.#probing = Math.max(0, this.#probing - 1);
    if (outcome === 'ok') this.#congestionWindow++;
    else if (outcome === 'refused') this.#congestionWindow = 1;
  }
}
