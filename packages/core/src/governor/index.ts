/** The proactive rate-limit governor (docs/avala-api.md): budget, burst, slow start, pools, tab sharing. */
export type { ChannelLike } from './broadcast.js';
export { createGovernor } from './governor.js';
export { defaultPools, defaultRateLimitOptions, normalizeRateLimitOptions } from './options.js';
export type {
  AttemptOutcome,
  GovernedRequest,
  Governor,
  GovernorDeps,
  GovernorEvent,
  Permit,
} from './types.js';
