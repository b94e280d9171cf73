/**
 * `@avala-fetch/core/governor` — the proactive rate-limit governor (docs/avala-api.md) on its own:
 * budget, burst, slow start, pools, scopes, tab sharing. The client builds one from its
 * `rateLimit` option; an app needs this subpath only to govern requests it sends itself.
 */
export type { ChannelLike } from './broadcast.js';
export { createGovernor } from './governor.js';
export type { HoldCause } from './hold.js';
export {
  defaultPools,
  defaultRateLimitOptions,
  defaultScopes,
  normalizeRateLimitOptions,
} from './options.js';
export { refusalOf } from './refusal.js';
export type {
  AttemptOutcome,
  GovernedRequest,
  Governor,
  GovernorDeps,
  GovernorEvent,
  Permit,
} from './types.js';
export { GovernorWaitError } from './wait-error.js';
