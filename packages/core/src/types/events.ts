import type { AvalaError } from '../errors/avala-error.js';
import type { RateLimitState } from './client.js';
import type { RateLimitInfo } from './errors.js';

/**
 * What the client reports through `onEvent` and `client.subscribe`. The React layer's
 * notices (toasts on 429/503, banners on 401/403) are built on these.
 */
export type AvalaEvent =
  /** An attempt is about to be sent (after the governor released it). */
  | { type: 'request'; method: string; url: string; attempt: number }
  /** A response arrived, whatever its status. */
  | {
      type: 'response';
      method: string;
      url: string;
      status: number;
      attempt: number;
      durationMs: number;
      rateLimit?: RateLimitInfo;
    }
  /** A failed attempt will be retried after `delayMs`. */
  | {
      type: 'retry';
      method: string;
      url: string;
      attempt: number;
      delayMs: number;
      error: AvalaError;
    }
  /** The API refused for the rate limit; requests resume at `until` (epoch ms). */
  | { type: 'rate_limited'; until: number; error: AvalaError }
  /**
   * A concurrency limit refused the request (a 429 for, say, five running export jobs), not
   * the rate: only its `pool` waits, and it starts when one of the running jobs ends. `limit`
   * is the pool's size; `until` when the server said when to try again.
   */
  | {
      type: 'concurrency_limited';
      pool?: string;
      limit?: number;
      until?: number;
      error: AvalaError;
    }
  /** The API is in maintenance or overloaded (503); `until` when it said how long. */
  | { type: 'service_unavailable'; until?: number; error: AvalaError }
  /** No response could be had (offline, DNS, connection refused). */
  | { type: 'offline'; error: AvalaError }
  /**
   * A request succeeded after a rate limit, an outage or a network failure — or, for
   * `concurrency_limited`, a request of the refused pool got through.
   */
  | {
      type: 'recovered';
      from: 'rate_limited' | 'concurrency_limited' | 'service_unavailable' | 'offline';
    }
  /** The governor is holding a request until the budget or a pool slot frees up. */
  | { type: 'queued'; method: string; url: string; pool?: string; position: number }
  /** The governor let a held request go. */
  | { type: 'released'; method: string; url: string; pool?: string; waitedMs: number }
  /**
   * The governor's view of the budget changed (`client.rateLimit`), including changes that
   * come only from time passing: a window reset, a `Retry-After` wait ending.
   */
  | { type: 'rate_limit'; state: RateLimitState }
  /** A call ended in an error (after any retries). */
  | { type: 'error'; error: AvalaError };

/** The `type` of an {@link AvalaEvent}. */
export type AvalaEventType = AvalaEvent['type'];

/** Receives client events; returned unsubscribe functions stop them. */
export type AvalaEventListener = (event: AvalaEvent) => void;
