// Exactly one layer retries a call (docs/retry-rule.md): the classification marks each error
// with the layer that decides, and the other layer reads the mark.

// Errors of calls whose retries the client ran itself (inside ky); see `isRetriedInClient`.
const retriedInClient = new WeakSet<object>();

/** Marks `error` as coming from a call the client already retried under its policy. */
export function markRetriedInClient(error: object): void {
  retriedInClient.add(error);
}

// Errors of calls an outer layer retries (the hooks' `attempt` option); see `createRetryCallbacks`.
const retriedOutside = new WeakSet<object>();

/** Marks `error` as coming from a call whose retries an outer layer (TanStack) decides. */
export function markRetriedOutside(error: object): void {
  retriedOutside.add(error);
}

/**
 * Whether `error` comes from a call whose retries the client already ran inside ky (a direct
 * `client.get(…)`, retries on): the rule and the limit have had their say, so retrying the
 * call again in TanStack would multiply the requests (docs/retry-rule.md: one layer retries).
 */
export function isRetriedInClient(error: unknown): boolean {
  return typeof error === 'object' && error !== null && retriedInClient.has(error);
}

/** Whether an outer layer (TanStack) decides this error's retry, and so announces it. */
export function isRetriedOutside(error: unknown): boolean {
  return typeof error === 'object' && error !== null && retriedOutside.has(error);
}
