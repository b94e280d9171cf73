import type { ConcurrencyPool } from '../types/options.js';
import { Hold } from './hold.js';
import { Line } from './queue.js';
import type { RouteTable } from './routes.js';

/** One concurrency pool at run time: its slots and the FIFO line of those waiting for one. */
export class PoolSlots<T> {
  readonly name: string;
  readonly size: number;
  /** Slots taken: from the moment a request gets one until its permit gives it back. */
  held = 0;
  /**
   * The server refused a request of this pool for the pool's own limit (a concurrency 429),
   * not for the rate limit: no slot is handed out until it has passed and a probe got through.
   */
  readonly hold = new Hold();
  readonly line = new Line<T>();

  constructor(pool: ConcurrencyPool) {
    this.name = pool.name;
    this.size = pool.size;
  }

  /** Whether a slot may be handed out at `now` (to the first in line). */
  free(now: number): boolean {
    return this.hold.openingAt(now) <= now && this.held < this.size;
  }

  /** Whether a newcomer may take a slot at `now` without passing anyone already waiting. */
  open(now: number): boolean {
    return this.line.size === 0 && this.free(now);
  }
}

/** The configured pools, and which one a request belongs to (the first that matches). */
export type Pools<T> = RouteTable<ConcurrencyPool, PoolSlots<T>>;

/**
 * The path pools are matched on: upper-case method aside, the part of a path or URL before
 * any query or fragment, with a leading slash.
 */
export function poolPath(path: string): string {
  const end = path.search(/[?#]/);
  const bare = end < 0 ? path : path.slice(0, end);
  return bare.startsWith('/') ? bare : `/${bare}`;
}
