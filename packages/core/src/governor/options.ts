import type { ConcurrencyPool, LimitScope, RateLimitOptions } from '../types/options.js';

/** The name of the budget of every request in no limit scope. */
export const mainScope = 'main';

/**
 * The default concurrency pools (docs/avala-api.md): 10 upload connections, 5 export jobs.
 * Patterns are tested against `METHOD /path` (path relative to the base URL, no query).
 */
export const defaultPools: readonly ConcurrencyPool[] = Object.freeze([
  // An upload holds its slot from asking for the presigned form until storage has the file
  // (`uploadFile` keeps it with `client.startJob`).
  { name: 'uploads', match: /^POST \/datasets\/manual-upload\/file-upload-url\/?$/, size: 10 },
  // Only creating a job takes a slot: polling or cancelling a job must never wait behind
  // the jobs it watches. Keep the slot for the job's life with `permit.retainSlot()`.
  { name: 'exports', match: /^POST \/exports\/?$/, size: 5 },
]);

/**
 * The default limit scopes (docs/avala-api.md): inference endpoints have a budget of their
 * own (10 a minute), which must neither shrink nor be overwritten by the main budget.
 */
export const defaultScopes: readonly LimitScope[] = Object.freeze([
  { name: 'inference', match: /^[A-Z]+ \/inference(?:\/|$)/ },
]);

/**
 * The governor's defaults: 4 requests in flight until the first response tells the budget,
 * 20 sends a second (the API's burst), the upload and export pools, and one budget shared by
 * every tab of the origin over the `'avala-fetch'` BroadcastChannel.
 */
export const defaultRateLimitOptions: RateLimitOptions = Object.freeze({
  initialConcurrency: 4,
  burstPerSecond: 20,
  pools: defaultPools as ConcurrencyPool[],
  broadcastChannel: 'avala-fetch',
  scopes: defaultScopes as LimitScope[],
});

/**
 * Fills `input` with {@link defaultRateLimitOptions} and checks it; `false` turns the governor
 * off and is returned as is. A given `pools` array replaces the default pools (pass
 * `[...defaultPools, mine]` to add one). Throws a `RangeError` on a value that cannot work.
 */
export function normalizeRateLimitOptions(input?: Partial<RateLimitOptions>): RateLimitOptions;
export function normalizeRateLimitOptions(
  input?: Partial<RateLimitOptions> | false,
): RateLimitOptions | false;
export function normalizeRateLimitOptions(
  input?: Partial<RateLimitOptions> | false,
): RateLimitOptions | false {
  if (input === false) return false;
  const options: RateLimitOptions = {
    initialConcurrency: input?.initialConcurrency ?? defaultRateLimitOptions.initialConcurrency,
    burstPerSecond: input?.burstPerSecond ?? defaultRateLimitOptions.burstPerSecond,
    pools: [...(input?.pools ?? defaultRateLimitOptions.pools)],
    broadcastChannel: input?.broadcastChannel ?? defaultRateLimitOptions.broadcastChannel,
    scopes: [...(input?.scopes ?? defaultRateLimitOptions.scopes)],
  };
  requireCount('initialConcurrency', options.initialConcurrency);
  // Infinity turns the burst cap off; anything else must be a whole positive number.
  if (options.burstPerSecond !== Infinity) {
    requireCount('burstPerSecond', options.burstPerSecond);
  }
  const names = new Set<string>();
  for (const pool of options.pools) {
    requireCount(`pools[${pool.name}].size`, pool.size);
    if (names.has(pool.name))
      throw new RangeError(`rateLimit.pools: duplicate name "${pool.name}"`);
    names.add(pool.name);
  }
  const scopeNames = new Set<string>([mainScope]);
  for (const scope of options.scopes) {
    if (scopeNames.has(scope.name)) {
      throw new RangeError(`rateLimit.scopes: duplicate or reserved name "${scope.name}"`);
    }
    scopeNames.add(scope.name);
  }
  if (options.broadcastChannel === '') {
    throw new RangeError('rateLimit.broadcastChannel: use a non-empty name, or false');
  }
  return options;
}

function requireCount(name: string, value: number): void {
  if (!Number.isInteger(value) || value < 1) {
    throw new RangeError(`rateLimit.${name} must be a whole number ≥ 1, got ${String(value)}`);
  }
}
