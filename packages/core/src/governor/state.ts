import type { RateLimitState, ScopeRateLimitState } from '../types/client.js';
import type { Hold } from './hold.js';
import type { Pools } from './pools.js';
import type { ScopeState, Scopes } from './scopes.js';

/**
 * The governor's state as `client.rateLimit` shows it, frozen: the main scope's budget, the
 * hold every request of it waits for (an outage's, or its own rate hold), the counts, and the
 * other scopes' budgets once a response of theirs told one.
 */
export function governorState(
  scopes: Scopes<unknown>,
  pools: Pools<unknown>,
  outage: Hold,
  inFlight: number,
): RateLimitState {
  const { main } = scopes;
  // Whoever waits stands in one line: a pool's, or a scope's.
  let queued = 0;
  for (const pool of pools.values) queued += pool.line.size;
  for (const scope of scopes.all) queued += scope.line.size;
  const state: RateLimitState = { ...scopeState(main, outage.until), queued, inFlight };
  const others: Record<string, ScopeRateLimitState> = {};
  let any = false;
  for (const scope of scopes.all) {
    if (scope === main) continue;
    const view = scopeState(scope);
    if (Object.keys(view).length === 0) continue;
    others[scope.name] = Object.freeze(view);
    any = true;
  }
  if (any) state.scopes = Object.freeze(others);
  return Object.freeze(state);
}

/** One scope's budget and hold as the state shows them (with `outageUntil`, the later hold). */
function scopeState(scope: ScopeState<unknown>, outageUntil?: number): ScopeRateLimitState {
  const { limit, remaining, resetAt, confirmed } = scope.budget;
  const blockedUntil = Math.max(scope.hold.until ?? -Infinity, outageUntil ?? -Infinity);
  const view: ScopeRateLimitState = {};
  if (limit !== undefined) view.limit = limit;
  if (remaining !== undefined) view.remaining = remaining;
  // After a reset has passed, the old time would only mislead until the new one is known.
  if (resetAt !== undefined && confirmed) view.resetAt = resetAt;
  if (blockedUntil > -Infinity) view.blockedUntil = blockedUntil;
  return view;
}
