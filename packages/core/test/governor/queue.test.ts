import { describe, expect, it } from 'vitest';
import { Line } from '../../src/governor/queue.js';

describe('Line (the FIFO the governor holds requests in)', () => {
  it('hands waiters out in arrival order and lets one leave from the middle', () => {
    const line = new Line<string>();
    line.push('a', 1);
    const b = line.push('b', 2);
    line.push('c', 3);
    expect(line.remove(b)).toBe(true);
    expect(line.remove(b)).toBe(false);
    expect(line.size).toBe(2);
    expect(line.drain()).toEqual(['a', 'c']);
    expect(line.size).toBe(0);
  });

  it('puts a waiter moved from another line back in arrival order', () => {
    const pool = new Line<string>();
    const main = new Line<string>();
    const early = pool.push('early', 2);
    main.push('first', 1);
    main.push('late', 3);
    pool.remove(early);
    main.insert(early);
    expect(main.peek()).toBe('first');
    expect(main.drain()).toEqual(['first', 'early', 'late']);
  });
});
