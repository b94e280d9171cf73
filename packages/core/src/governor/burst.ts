/**
 * The burst cap: at most `perWindow` sends hold a slot at once. A send holds its slot from its
 * grant until the later of grant + `windowMs` + `marginMs` and its answer + `windowMs`: the
 * server counts arrivals, and a request slow on its way may arrive after its successors, up
 * to its answer but never after it. So no `windowMs` the server looks at holds more than
 * `perWindow` of ours. Slots are made as sends need them, up to `perWindow` (a cap of a
 * billion costs what the traffic does, not a billion slots), and the one that frees first is
 * kept: checking is O(1); a send and a late answer scan the slots made. Another tab's sends
 * are heard of, not answered here: each holds its slot as long as ours have lately taken to be
 * answered (the same network), never less than the margin.
 */
export class BurstWindow {
  /** Per slot, when it is free again (epoch ms). */
  #ends: number[] = [];
  /** Per slot, the ticket of the send holding it, so an answer never extends a slot taken since. */
  #tickets: number[] = [];
  /** How many slots there may be: `perWindow`, 0 for no cap. */
  readonly #size: number;
  /** Set when a report filled every slot at once: until then, none is free. */
  #fullUntil = -Infinity;
  readonly #windowMs: number;
  readonly #marginMs: number;
  /** The slot that frees first. */
  #first = 0;
  #sends = 0;
  /** How long our answers lately took (a decaying maximum), for another tab's sends. */
  #latencyMs = 0;

  /** `perWindow` may be `Infinity` (no cap). `marginMs` absorbs jitter on the way to the server. */
  constructor(perWindow: number, windowMs: number, marginMs: number) {
    this.#size = Number.isFinite(perWindow) ? perWindow : 0;
    this.#windowMs = windowMs;
    this.#marginMs = marginMs;
  }

  /**
   * Notes `count` sends at `at`, ours or (`heard`) another tab's; times must not go backwards.
   * Returns the ticket of the last, for {@link BurstWindow.answered}.
   */
  record(at: number, count = 1, heard = false): number {
    const size = this.#size;
    let ticket = -1;
    if (size === 0) return ticket;
    const end =
      at + this.#windowMs + (heard ? Math.max(this.#marginMs, this.#latencyMs) : this.#marginMs);
    // Many sends, as many as slots or more, fill them all at once: a tab reporting a huge count
    // costs O(1). One send takes a slot of its own even at a cap of 1, so its answer counts.
    if (count > 1 && count >= size) {
      this.#fullUntil = end;
      this.#ends = [];
      this.#tickets = [];
      this.#first = 0;
      return ticket;
    }
    for (let i = 0; i < count; i++) {
      const ends = this.#ends;
      // A new slot while the one that frees first is still taken and there is room for one.
      const grow = ends.length < size && !((ends[this.#first] ?? at + 1) <= at);
      const slot = grow ? ends.length : this.#first;
      ticket = this.#sends++;
      ends[slot] = end;
      this.#tickets[slot] = ticket;
      this.#findFirst();
    }
    return ticket;
  }

  /** The send of `ticket` was answered at `at`: it may have arrived until then, so it counts on. */
  answered(ticket: number, at: number): void {
    if (ticket < 0) return;
    // The slot still held by that send, if it was not taken since.
    const slot = this.#tickets.indexOf(ticket);
    if (slot < 0) return;
    // The slot still ends where its grant put it (an answer extends it once): grant + window + margin.
    const grantedAt = (this.#ends[slot] ?? at) - this.#windowMs - this.#marginMs;
    this.#latencyMs = Math.max(at - grantedAt, this.#latencyMs * 0.8);
    const end = at + this.#windowMs;
    if (end <= (this.#ends[slot] ?? end)) return;
    this.#ends[slot] = end;
    if (slot === this.#first) this.#findFirst();
  }

  /**
   * The earliest time another send may go: `now` or earlier when it may go at once. `reserve`
   * slots are left alone (for other tabs, which hear of our sends only a moment later: two
   * must never take the last slot at once); at least one slot is always ours to take.
   */
  openingAt(now: number, reserve = 0): number {
    const opening = Math.max(now, this.#fullUntil);
    const ends = this.#ends;
    // How many of the slots made must be free first: all but the cap less the reserve, less one.
    const mustEnd = ends.length - (this.#size - Math.min(reserve, this.#size - 1) - 1);
    if (this.#size === 0 || mustEnd <= 0) return opening;
    if (mustEnd === 1) return Math.max(opening, ends[this.#first] ?? now);
    // With a reserve: when the `mustEnd`-th slot to free does.
    const sorted = [...ends].sort((a, b) => a - b);
    return Math.max(opening, sorted[mustEnd - 1] ?? now);
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
