import type { ConcurrencyPool } from '../types/options.js';
import { Line } from './queue.js';

/** One concurrency pool at run time: its slots and the FIFO line of those waiting for one. */
export class PoolSlots<T> {
  readonly name: string;
  readonly size: number;
  /** Slots taken: from the moment a request gets one until its permit gives it back. */
  held = 0;
  /**
   * Epoch ms until which no slot is handed out: the server refused a request of this pool
   * for the pool's own limit (a 429 while budget was left), not for the rate limit.
   */
  blockedUntil: number | undefined;
  readonly line = new Line<T>();

  constructor(pool: ConcurrencyPool) {
    this.name = pool.name;
    this.size = pool.size;
  }

  /** Whether a slot may be handed out at `now` (to the first in line). */
  free(now: number): boolean {
    if (this.blockedUntil !== undefined && this.blockedUntil > now) return false;
    this.blockedUntil = undefined;
    return this.held < this.size;
  }

  /** Whether a newcomer may take a slot at `now` without passing anyone already waiting. */
  open(now: number): boolean {
    return this.line.size === 0 && this.free(now);
  }
}

/** The configured pools, and which one a request belongs to (the first that matches). */
export class Pools<T> {
  readonly #pools: { match: ConcurrencyPool['match']; slots: PoolSlots<T> }[];
  readonly #slots: readonly PoolSlots<T>[];

  constructor(pools: readonly ConcurrencyPool[]) {
    this.#pools = pools.map((pool) => ({ match: pool.match, slots: new PoolSlots<T>(pool) }));
    this.#slots = this.#pools.map((pool) => pool.slots);
  }

  /** The pool of `method path` (path relative to the base URL, without its query), if any. */
  find(method: string, path: string): PoolSlots<T> | undefined {
    const key = `${method} ${path}`;
    for (const pool of this.#pools) {
      const { match } = pool;
      // A global or sticky RegExp keeps `lastIndex` between tests; reset it so it always matches alike.
      if (match instanceof RegExp) match.lastIndex = 0;
      if (match instanceof RegExp ? match.test(key) : match(method, path)) return pool.slots;
    }
    return undefined;
  }

  /** Every pool. */
  all(): readonly PoolSlots<T>[] {
    return this.#slots;
  }
}

/**
 * The path pools are matched on: upper-case method aside, the part of a path or URL before
 * any query or fragment, with a leading slash.
 */
export function poolPath(path: string): string {
  let end = path.length;
  const query = path.indexOf('?');
  const hash = path.indexOf('#');
  if (query !== -1) end = query;
  if (hash !== -1 && hash < end) end = hash;
  const bare = path.slice(0, end);
  return bare.startsWith('/') ? bare : `/${bare}`;
}
