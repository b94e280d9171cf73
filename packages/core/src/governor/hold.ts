/** Why the server asked us to wait: its rate limit, a concurrency limit, or an outage (503). */
export type HoldCause = 'rate_limited' | 'concurrency_limited' | 'service_unavailable';

/**
 * How long the rest wait for a probe's answer before the next request probes too: a probe
 * may be a slow upload, and one slow request must not stall everyone for minutes.
 */
export const probePatienceMs = 5_000;

/**
 * A wait the server asked for (`Retry-After`, else `X-RateLimit-Reset`), and the probe that
 * ends it. While the hold lasts nothing it covers is sent. When it has passed, one request
 * (the probe) goes first; the rest follow only once the probe was answered with something
 * other than a refusal (docs/retry-rule.md: a wait the server asked for wins). A refused probe
 * normally brings a new hold; a probe that got no answer, or none within
 * {@link probePatienceMs}, lets the next one go.
 */
export class Hold {
  /** Epoch ms until which nothing covered is sent; `undefined` when not holding. */
  until: number | undefined;
  /** `due`: the hold has passed and the next request is its probe; `sent`: awaiting its answer. */
  #probe: 'none' | 'due' | 'sent' = 'none';
  /** When the probe out now was sent. */
  #probeSentAt = 0;

  /** Holds until `until`; true when that is later than the hold already in place. */
  set(until: number): boolean {
    if (this.until !== undefined && this.until >= until) return false;
    this.until = until;
    return true;
  }

  /**
   * When a request covered by the hold may go: `until` while it lasts, the end of the
   * patience while a probe is out, `now` otherwise. A hold that has passed ends here (a probe
   * is then due), and so does the patience with a probe that did not answer in time.
   */
  openingAt(now: number): number {
    if (this.until !== undefined) {
      if (this.until > now) return this.until;
      this.until = undefined;
      this.#probe = 'due';
    }
    if (this.#probe !== 'sent') return now;
    const patience = this.#probeSentAt + probePatienceMs;
    if (patience > now) return patience;
    this.#probe = 'due';
    return now;
  }

  /** Whether the hold is in force at `now` (its end is still to come). */
  activeAt(now: number): boolean {
    return this.until !== undefined && this.until > now;
  }

  /** Whether the hold's state changes at `now` (it has just passed). */
  expired(now: number): boolean {
    return this.until !== undefined && this.until <= now;
  }

  /** Called as a covered request is sent at `now`: true when it is the probe. */
  takeProbe(now: number): boolean {
    if (this.#probe !== 'due') return false;
    this.#probe = 'sent';
    this.#probeSentAt = now;
    return true;
  }

  /** The probe's outcome: `ok` lets everyone go; `refused` or `none` make the next request probe. */
  probeAnswered(outcome: 'ok' | 'refused' | 'none'): void {
    this.#probe = outcome === 'ok' ? 'none' : 'due';
  }
}
