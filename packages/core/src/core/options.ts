import { normalizeRateLimitOptions } from '../governor/options.js';
import { normalizeRetryPolicy } from '../retry/policy.js';
import type { AvalaEventListener } from '../types/events.js';
import type { AvalaClientOptions, RateLimitOptions } from '../types/options.js';
import type { RetryPolicy } from '../types/retry.js';
import { type BaseUrl, parseBaseUrl } from '../utils/url.js';

/** The header the Avala API reads the key from (docs/avala-api.md). */
export const API_KEY_HEADER = 'X-Avala-Api-Key';

/** The per-attempt timeout when none is given. */
export const DEFAULT_TIMEOUT_MS = 30_000;

/** `createAvalaClient`'s options, checked and filled once; the rest of the code reads these. */
export interface NormalizedClientOptions {
  base: BaseUrl;
  /** Resolves the key for one attempt; `undefined` in proxy mode (no key, no header). */
  apiKey: (() => string | undefined | Promise<string | undefined>) | undefined;
  fetch: typeof fetch;
  timeoutMs: number;
  retry: RetryPolicy | false;
  rateLimit: RateLimitOptions | false;
  onEvent: AvalaEventListener | undefined;
  /**
   * Client-wide headers over the default `accept`, as a plain object with lower-case names:
   * ky merges that per call for less than a `Headers` (two copies a call), and a call's own
   * headers, passed as `Headers`, still replace these whatever their case.
   */
  headers: Record<string, string>;
}

/**
 * Checks and fills the client's options. Throws at creation — never later, mid-request — on a
 * base URL the security rules refuse (`UnsafeUrlError`), a bad timeout or policy (`RangeError`).
 */
export function normalizeClientOptions(options: AvalaClientOptions = {}): NormalizedClientOptions {
  const { apiKey } = options;
  const headers = new Headers({ accept: 'application/json' });
  for (const [name, value] of Object.entries(options.headers ?? {})) headers.set(name, value);
  if (apiKey !== undefined && typeof apiKey !== 'string' && typeof apiKey !== 'function') {
    throw new TypeError('apiKey must be a string or a function returning one');
  }
  return {
    base: parseBaseUrl(options.baseUrl),
    apiKey: typeof apiKey === 'string' ? () => apiKey : apiKey,
    // Bound lazily so a `fetch` replaced later (test stubs, polyfills) is the one used.
    fetch: options.fetch ?? ((input, init) => globalThis.fetch(input, init)),
    timeoutMs: normalizeTimeout(options.timeoutMs ?? DEFAULT_TIMEOUT_MS),
    retry: normalizeRetryPolicy(options.retry),
    rateLimit: normalizeRateLimitOptions(options.rateLimit),
    onEvent: options.onEvent,
    headers: Object.fromEntries(headers),
  };
}

/** Validates a per-attempt timeout in milliseconds (ky's maximum is 2³¹ − 1). */
export function normalizeTimeout(value: number): number {
  if (!Number.isFinite(value) || value <= 0 || value > 2_147_483_647) {
    throw new RangeError(`timeoutMs must be a positive number of milliseconds; got ${value}`);
  }
  return value;
}
