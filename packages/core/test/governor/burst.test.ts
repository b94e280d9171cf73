import { describe, expect, it } from 'vitest';
import { BurstWindow } from '../../src/governor/burst.js';

const T0 = 1_000_000;

describe('BurstWindow', () => {
  it('lets the cap go at once, then the next when the first slot frees', () => {
    const burst = new BurstWindow(3, 1000, 50);
    for (let i = 0; i < 3; i++) burst.record(T0 + i);
    expect(burst.openingAt(T0 + 2)).toBe(T0 + 1050);
  });

  it('leaves `reserve` slots to other tabs, which hear of our sends only a moment later', () => {
    // Two tabs, each one send short of the cap of 3 in its own view, must not both send:
    // each leaves one slot for the other.
    const burst = new BurstWindow(3, 1000, 50);
    burst.record(T0);
    expect(burst.openingAt(T0, 1)).toBe(T0);
    burst.record(T0 + 10);
    expect(burst.openingAt(T0 + 10, 1)).toBe(T0 + 1050);
    // Alone again, the last slot is ours.
    expect(burst.openingAt(T0 + 10)).toBe(T0 + 10);
  });

  it('keeps one slot its own whatever the reserve', () => {
    const burst = new BurstWindow(2, 1000, 50);
    expect(burst.openingAt(T0, 5)).toBe(T0);
    burst.record(T0);
    expect(burst.openingAt(T0, 5)).toBe(T0 + 1050);
  });

  it("holds another tab's send as long as ours lately took to be answered", () => {
    // The other tab's answer is not heard of here: on a network where answers take 400 ms, its
    // send may reach the server that late, so its slot lasts a second past that.
    const burst = new BurstWindow(1, 1000, 50);
    const ticket = burst.record(T0);
    burst.answered(ticket, T0 + 400);
    expect(burst.openingAt(T0 + 400)).toBe(T0 + 1400);
    burst.record(T0 + 1500, 1, true);
    expect(burst.openingAt(T0 + 1500)).toBe(T0 + 2900);
    // Our own sends still hold grant + window + margin until their answer says more.
    const fresh = new BurstWindow(1, 1000, 50);
    fresh.record(T0, 1, true);
    expect(fresh.openingAt(T0)).toBe(T0 + 1050);
  });
});
