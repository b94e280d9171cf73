import type { AvalaEventListener } from './events.js';
import type { RetryOption } from './retry.js';

/** A group of requests that may only have `size` in flight at once (uploads, exports). */
export interface ConcurrencyPool {
  /** Shown in `queued`/`released` events. */
  name: string;
  /** Which requests belong to the pool: a pattern tested against `METHOD /path`, or a function. */
  match: RegExp | ((method: string, path: string) => boolean);
  /** Requests of the pool allowed in flight at once. */
  size: number;
}

/**
 * Requests the API counts against a budget of their own (docs/avala-api.md: 10 a minute on
 * inference endpoints, beside 100 a minute for the rest). Each scope learns its budget from
 * its own responses; requests in no scope share the key's main budget.
 */
export interface LimitScope {
  /** Names the scope in `client.rateLimit.scopes`. */
  name: string;
  /** Which requests belong to it: a pattern tested against `METHOD /path`, or a function. */
  match: RegExp | ((method: string, path: string) => boolean);
}

/** How the client keeps callers inside the API's rate limits. */
export interface RateLimitOptions {
  /** Requests allowed in flight before a response has told the budget (slow start). Default 4. */
  initialConcurrency: number;
  /** Requests sent per second at most (the API's burst limit). Default 20. */
  burstPerSecond: number;
  /** Concurrency pools. Default: uploads 10, export jobs 5. */
  pools: ConcurrencyPool[];
  /** A `BroadcastChannel` name shared by tabs of one origin, or `false`. Default `'avala-fetch'`. */
  broadcastChannel: string | false;
  /** Routes with a budget of their own. Default: `inference` (`/inference/…`). */
  scopes: LimitScope[];
}

/** Options of `createAvalaClient`. */
export interface AvalaClientOptions {
  /** Default `https://api.avala.ai/api/v1`. Plain `http:` only for loopback hosts. */
  baseUrl?: string;
  /** The API key, or a (sync or async) function returning it; omit it when a proxy adds it. */
  apiKey?: string | (() => string | Promise<string>);
  /** The `fetch` to use. Default `globalThis.fetch`. */
  fetch?: typeof fetch;
  /** Per-attempt timeout. Default 30 000. */
  timeoutMs?: number;
  /** The retry policy, or `false` for none. */
  retry?: RetryOption | false;
  /** The rate-limit governor's options, or `false` to turn it off. */
  rateLimit?: Partial<RateLimitOptions> | false;
  /** Receives every event. */
  onEvent?: AvalaEventListener;
  /** Extra headers sent with every request. */
  headers?: Record<string, string>;
}
