/**
 * The burst cap: at most `perWindow` sends hold a slot at once. A send holds its slot from its
 * grant until the later of grant + `windowMs` + `marginMs` and its answer + `windowMs`: the
 * server counts arrivals, and a request slow on its way may arrive after its successors, up
 * to its answer but never after it. So no `windowMs` the server looks at holds more than
 * `perWindow` of ours. The slots are a fixed array and the one that frees first is kept:
 * checking is O(1); a send and a late answer scan the `perWindow` slots.
 */
export class BurstWindow {
  /** Per slot, when it is free again (epoch ms). */
  readonly #ends: number[];
  /** Per slot, the ticket of the send holding it, so an answer never extends a slot taken since. */
  readonly #tickets: number[];
  readonly #windowMs: number;
  readonly #marginMs: number;
  /** The slot that frees first. */
  #first = 0;
  #sends = 0;

  /** `perWindow` may be `Infinity` (no cap). `marginMs` absorbs jitter on the way to the server. */
  constructor(perWindow: number, windowMs: number, marginMs: number) {
    const size = Number.isFinite(perWindow) ? perWindow : 0;
    this.#ends = new Array<number>(size).fill(Number.NEGATIVE_INFINITY);
    this.#tickets = new Array<number>(size).fill(-1);
    this.#windowMs = windowMs;
    this.#marginMs = marginMs;
  }

  /**
   * Notes `count` sends (ours, or another tab's) at `at`; times must not go backwards. Returns
   * the ticket of the last, for {@link BurstWindow.answered}.
   */
  record(at: number, count = 1): number {
    const size = this.#ends.length;
    let ticket = -1;
    // As many sends as slots or more fill them all: a tab reporting a huge count costs O(size).
    if (count >= size) {
      this.#ends.fill(at + this.#windowMs + this.#marginMs);
      this.#tickets.fill(-1);
      this.#first = 0;
      return ticket;
    }
    for (let i = 0; i < count; i++) {
      const slot = this.#first;
      ticket = this.#sends++ * size + slot;
      this.#ends[slot] = at + this.#windowMs + this.#marginMs;
      this.#tickets[slot] = ticket;
      this.#findFirst();
    }
    return ticket;
  }

  /** The send of `ticket` was answered at `at`: it may have arrived until then, so it counts on. */
  answered(ticket: number, at: number): void {
    const size = this.#ends.length;
    if (ticket < 0 || size === 0) return;
    const slot = ticket % size;
    if (this.#tickets[slot] !== ticket) return;
    const end = at + this.#windowMs;
    if (end <= (this.#ends[slot] ?? end)) return;
    this.#ends[slot] = end;
    if (slot === this.#first) this.#findFirst();
  }

  /** The earliest time another send may go: `now` or earlier when it may go at once. */
  openingAt(now: number): number {
    if (this.#ends.length === 0) return now;
    return Math.max(now, this.#ends[this.#first] ?? now);
  }

  #findFirst(): void {
    const ends = this.#ends;
    let first = 0;
    for (let slot = 1; slot < ends.length; slot++) {
      if ((ends[slot] ?? 0) < (ends[first] ?? 0)) first = slot;
    }
    this.#first = first;
  }
}
