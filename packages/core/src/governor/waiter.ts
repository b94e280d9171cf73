import type { Hold } from './hold.js';
import type { PoolSlots } from './pools.js';
import type { ScopeState } from './scopes.js';
import type { Permit } from './types.js';

/** A request waiting in line for a pool slot or for its scope's budget. */
export interface Waiter {
  readonly method: string;
  readonly url: string;
  readonly pool: PoolSlots<Waiter> | undefined;
  readonly scope: ScopeState<Waiter>;
  readonly signal: AbortSignal | undefined;
  /** The longest known wait it sits through (see `GovernedRequest.maxWaitMs`). */
  readonly maxWaitMs: number;
  readonly resolve: (permit: Permit) => void;
  readonly reject: (reason: unknown) => void;
  holdsSlot: boolean;
  /**
   * The holds whose probe this request is: its answer decides whether the rest may follow.
   * Made at the first (most requests probe nothing, and a queued one should hold little).
   */
  probes: Hold[] | undefined;
  /** When it was queued: a `queued` event was reported, so a `released` one follows. */
  queuedAt: number | undefined;
  onAbort: (() => void) | undefined;
}
