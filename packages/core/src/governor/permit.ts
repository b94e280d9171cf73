import type { PoolSlots } from './pools.js';
import type { AttemptOutcome, Permit } from './types.js';
import type { Waiter } from './waiter.js';

/** What the governor noted when it let a request go, for its answer. */
export interface Grant {
  readonly waiter: Waiter;
  /** The scope's send count right after it went. */
  readonly sentAt: number;
  /** Its slow-start token (see `Budget.recordSend`). */
  readonly token: number;
  readonly burstTicket: number;
  readonly grantedAt: number;
}

/** How a {@link GrantedPermit} reaches back into its governor. */
export interface PermitSettle {
  /** The attempt ended with `outcome` (none: no response); `retained`: its slot stays taken. */
  release(grant: Grant, outcome: AttemptOutcome | undefined, retained: boolean): void;
  /** A retained slot ends; false when the governor is gone (nothing was freed). */
  endRetained(pool: PoolSlots<Waiter>): boolean;
}

/**
 * One attempt's permit. A class rather than an object of closures: every send makes one, and
 * its methods are shared, so a permit is a single small object.
 */
export class GrantedPermit implements Permit {
  readonly pool: string | undefined;
  readonly #settle: PermitSettle;
  readonly #grant: Grant;
  #released = false;
  #retained = false;

  constructor(settle: PermitSettle, grant: Grant) {
    this.#settle = settle;
    this.#grant = grant;
    this.pool = grant.waiter.pool?.name;
  }

  release(outcome?: AttemptOutcome): void {
    if (this.#released) return;
    this.#released = true;
    this.#settle.release(this.#grant, outcome, this.#retained);
  }

  retainSlot(): () => void {
    if (this.#released) throw new Error('retainSlot() must be called before release()');
    const { pool } = this.#grant.waiter;
    if (!pool || this.#retained) return () => {};
    this.#retained = true;
    let ended = false;
    return () => {
      if (ended) return;
      // Once the governor is gone the slot is no more, and a later call still does nothing.
      if (this.#settle.endRetained(pool)) ended = true;
    };
  }
}
