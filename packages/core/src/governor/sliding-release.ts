import type { RateLimitInfo } from '../types/errors.js';

/** `X-RateLimit-Reset` has a second's resolution, and so have the API's windows (docs/avala-api.md). */
const secondMs = 1000;
/** The most answered sends remembered; past it the oldest are forgotten (never released early). */
const maxTracked = 1024;

/**
 * When each of our sends leaves the server's sliding window, so that the budget comes back one
 * request at a time as the window slides, rather than all of it at `X-RateLimit-Reset`.
 *
 * A send occupies one unit of the budget from its grant until `windowMs` after its answer
 * arrived: the server counted it on arrival, which is before the answer, so no margin is
 * needed. Answers come in time order, so the release times form a FIFO.
 *
 * `windowMs` is learned from a 2xx that the server counted as the only request of its window
 * (`Remaining = Limit − 1`): its slot is the oldest, so the window ends at its arrival +
 * `windowMs`, which the server states rounded up to the second. The API's windows are whole
 * seconds, so `windowMs = Reset − ⌈sentAt⌉₁ₛ` (the larger candidate when the send and its
 * arrival straddle a second). A server whose window turns out otherwise (a fixed window, one
 * of another length) refuses a release: sliding then stops for good.
 * Until a send made on a released unit was accepted, units come back one at a time (a probe),
 * so that such a server refuses one request, not every unit that came back at once.
 */
export class SlidingRelease {
  /** The learned window length; `undefined` until known (or after `stop`). */
  windowMs: number | undefined;
  #stopped = false;
  /** Whether a send made on a released unit was accepted (see the class comment). */
  #trusted = false;
  /** While untrusted: the send count when a unit was released; a later accepted send trusts. */
  #probeAfter: number | undefined;
  /** Per remembered send, FIFO: when it was granted and when it leaves the window. */
  #grants: number[] = [];
  #ends: number[] = [];
  #head = 0;

  /**
   * What one answer teaches: the window's length from a 2xx the server counted alone; the
   * unit of every counted send held until a window after its answer (a 429 was not counted);
   * and, from a rate refusal (`rateRefusal`) while sliding, that the server does not slide as
   * assumed (a fixed window): sliding stops, at the cost of that one 429. `status` and `view`
   * are the answer's, `grantedAt` and `sends` the send's grant time and the budget's send
   * count right after it, `now` the answer's time.
   */
  observe(
    status: number,
    view: RateLimitInfo | undefined,
    grantedAt: number,
    sends: number,
    now: number,
    rateRefusal: boolean,
  ): void {
    if (rateRefusal && this.windowMs !== undefined && !view?.remaining) {
      this.#stop();
      return;
    }
    if (status === 429) return;
    const alone = view?.limit !== undefined && view.remaining === view.limit - 1;
    const accepted = status >= 200 && status < 300;
    if (alone && accepted && view.resetAt !== undefined) this.#learn(view.resetAt, grantedAt);
    this.answered(grantedAt, now, accepted, sends);
  }

  /** Learns the window from a counted 2xx that was alone in it (see the class comment). */
  #learn(resetAt: number, sentAt: number): void {
    if (this.#stopped) return;
    const windowMs = resetAt - Math.ceil(sentAt / secondMs) * secondMs;
    if (windowMs < secondMs) return; // sent in the window's last second: says nothing
    this.windowMs = Math.max(this.windowMs ?? 0, windowMs);
  }

  /**
   * Notes a counted send granted at `sentAt`, answered (or given up on) at `answeredAt`;
   * `accepted` (a 2xx) and `sends` (the budget's send count right after it went) tell whether
   * it was a probe's success.
   */
  answered(sentAt: number, answeredAt: number, accepted: boolean, sends: number): void {
    if (this.windowMs === undefined) return;
    if (this.#probeAfter !== undefined) {
      if (accepted && sends > this.#probeAfter) this.#trusted = true;
      // An answer of the probe's time that was no success lets the next unit probe again.
      else if (!accepted && sends > this.#probeAfter) this.#probeAfter = undefined;
    }
    if (this.#ends.length - this.#head >= maxTracked) this.#head++;
    this.#grants.push(sentAt);
    this.#ends.push(answeredAt + this.windowMs);
  }

  /** When the next unit comes back, if one will by itself (not while a probe is out). */
  get nextAt(): number | undefined {
    return this.#probeAfter !== undefined && !this.#trusted ? undefined : this.#ends[this.#head];
  }

  /**
   * Takes out the sends that have left the window by `now`; returns how many. Untrusted, one
   * only, and none while that probe is out (`sends`: the budget's send count now).
   */
  release(now: number, sends: number): number {
    const start = this.#head;
    if (!this.#trusted) {
      if (this.#probeAfter !== undefined || (this.#ends[this.#head] ?? now + 1) > now) return 0;
      this.#probeAfter = sends;
      this.#head++;
      return 1;
    }
    while (this.#head < this.#ends.length && (this.#ends[this.#head] ?? 0) <= now) this.#head++;
    const released = this.#head - start;
    if (released > 0) this.#compact();
    return released;
  }

  /**
   * Called when the server's count is adopted at `now`, `counted` being how many requests
   * it counts (the answered one, remembered already, included): a remembered send granted a whole window ago may
   * already have left the server's window, and must then not be given back a second time.
   * Sends granted less than a window ago are surely still counted; of the others, as many
   * are kept as the server's count leaves room for (assuming, as the budget's ageing does,
   * that the count is ours), the rest forgotten.
   */
  forgetCounted(now: number, counted: number): void {
    const windowMs = this.windowMs;
    if (windowMs === undefined || this.#head === this.#ends.length) return;
    let sure = 0;
    for (let i = this.#head; i < this.#ends.length; i++) {
      if ((this.#grants[i] ?? 0) + windowMs > now) sure++;
    }
    let room = Math.max(0, counted - sure);
    const grants: number[] = [];
    const ends: number[] = [];
    // Newest first, so that what is kept is what leaves the window last.
    for (let i = this.#ends.length - 1; i >= this.#head; i--) {
      const grant = this.#grants[i] ?? 0;
      if (grant + windowMs <= now) {
        if (room === 0) continue;
        room--;
      }
      grants.push(grant);
      ends.push(this.#ends[i] ?? 0);
    }
    this.#grants = grants.reverse();
    this.#ends = ends.reverse();
    this.#head = 0;
  }

  /** The server does not slide as assumed: from now on the budget returns at the reset only. */
  #stop(): void {
    this.#stopped = true;
    this.windowMs = undefined;
    this.#grants = [];
    this.#ends = [];
    this.#head = 0;
  }

  #compact(): void {
    if (this.#head < 64 || this.#head * 2 < this.#ends.length) return;
    this.#grants = this.#grants.slice(this.#head);
    this.#ends = this.#ends.slice(this.#head);
    this.#head = 0;
  }
}
