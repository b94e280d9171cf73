/** Why the server asked us to wait: its rate limit, a concurrency limit, or an outage (503). */
export type HoldCause = 'rate_limited' | 'concurrency_limited' | 'service_unavailable';

/**
 * A wait the server asked for (`Retry-After`, else `X-RateLimit-Reset`), and the probe that
 * ends it. While the hold lasts nothing it covers is sent. When it has passed, one request
 * (the probe) goes first; the rest follow only once the probe was answered with something
 * other than a refusal (docs/retry-rule.md: a wait the server asked for wins). A refused probe
 * normally brings a new hold; a probe that got no answer lets the next one go.
 */
export class Hold {
  /** Epoch ms until which nothing covered is sent; `undefined` when not holding. */
  until: number | undefined;
  cause: HoldCause | undefined;
  /** `due`: the hold has passed and the next request is its probe; `sent`: awaiting its answer. */
  #probe: 'none' | 'due' | 'sent' = 'none';

  /** Holds until `until`; true when that is later than the hold already in place. */
  set(until: number, cause: HoldCause): boolean {
    if (this.until !== undefined && this.until >= until) return false;
    this.until = until;
    this.cause = cause;
    return true;
  }

  /**
   * When a request covered by the hold may go: `until` while it lasts, `Infinity` while a
   * probe is out, `now` otherwise. A hold that has passed ends here (a probe is then due).
   */
  openingAt(now: number): number {
    if (this.until !== undefined) {
      if (this.until > now) return this.until;
      this.until = undefined;
      this.#probe = 'due';
    }
    return this.#probe === 'sent' ? Number.POSITIVE_INFINITY : now;
  }

  /** Whether the hold's state changes at `now` (it has just passed). */
  expired(now: number): boolean {
    return this.until !== undefined && this.until <= now;
  }

  /** Called as a covered request is sent: true when it is the probe (whose answer frees the rest). */
  takeProbe(): boolean {
    if (this.#probe !== 'due') return false;
    this.#probe = 'sent';
    return true;
  }

  /** The probe's outcome: `ok` lets everyone go; `refused` or `none` make the next request probe. */
  probeAnswered(outcome: 'ok' | 'refused' | 'none'): void {
    this.#probe = outcome === 'ok' ? 'none' : 'due';
  }

  /** Whether requests wait for a probe's answer (so a hold is still in effect). */
  get probing(): boolean {
    return this.#probe === 'sent';
  }
}
