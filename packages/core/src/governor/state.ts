import type { RateLimitState, ScopeRateLimitState } from '../types/client.js';
import type { Hold } from './hold.js';
import type { ScopeState, Scopes } from './scopes.js';

/**
 * The governor's state as `client.rateLimit` shows it, frozen: the main scope's budget, the
 * hold every request of it waits for (an outage's, or its own rate hold), the counts, and the
 * other scopes' budgets once a response of theirs told one.
 */
export function governorState(
  scopes: Scopes<unknown>,
  outage: Hold,
  queued: number,
  inFlight: number,
): RateLimitState {
  const { main } = scopes;
  const state: RateLimitState = { ...scopeState(main), queued, inFlight };
  const blockedUntil = latest(outage.until, main.hold.until);
  if (blockedUntil !== undefined) state.blockedUntil = blockedUntil;
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

/** One scope's budget and hold as the state shows them. */
function scopeState(scope: ScopeState<unknown>): ScopeRateLimitState {
  const { limit, remaining, resetAt, confirmed } = scope.budget;
  const view: ScopeRateLimitState = {};
  if (limit !== undefined) view.limit = limit;
  if (remaining !== undefined) view.remaining = remaining;
  // After a reset has passed, the old time would only mislead until the new one is known.
  if (resetAt !== undefined && confirmed) view.resetAt = resetAt;
  if (scope.hold.until !== undefined) view.blockedUntil = scope.hold.until;
  return view;
}

function latest(a: number | undefined, b: number | undefined): number | undefined {
  if (a === undefined) return b;
  if (b === undefined) return a;
  return Math.max(a, b);
}
