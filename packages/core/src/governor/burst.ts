/**
 * The burst cap: at most `perWindow` sends in any `windowMs` (a sliding window). It keeps
 * only the last `perWindow` send times in a ring, so checking and recording are O(1).
 */
export class BurstWindow {
  readonly #times: number[];
  readonly #windowMs: number;
  readonly #marginMs: number;
  #next = 0;
  #count = 0;

  /** `perWindow` may be `Infinity` (no cap). `marginMs` absorbs jitter on the way to the server. */
  constructor(perWindow: number, windowMs: number, marginMs: number) {
    this.#times = Number.isFinite(perWindow) ? new Array<number>(perWindow).fill(0) : [];
    this.#windowMs = windowMs;
    this.#marginMs = marginMs;
  }

  /** Notes `count` sends (ours, or another tab's) at `at`; times must not go backwards. */
  record(at: number, count = 1): void {
    const size = this.#times.length;
    // More sends than the ring holds only fill it: a tab reporting a huge count costs O(size).
    for (let i = 0; i < Math.min(count, size); i++) {
      this.#times[this.#next] = at;
      this.#next = (this.#next + 1) % size;
    }
    this.#count = Math.min(this.#count + count, size);
  }

  /** The earliest time another send may go: `now` or earlier when it may go at once. */
  openingAt(now: number): number {
    const size = this.#times.length;
    if (this.#count < size) return now;
    // The ring is full, so `#next` points at the oldest of the last `size` sends.
    const oldest = this.#times[this.#next] ?? 0;
    return Math.max(now, oldest + this.#windowMs + this.#marginMs);
  }
}
