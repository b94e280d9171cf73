import type { RateLimitState } from '../types/client.js';
import type { AvalaEvent } from '../types/events.js';
import type { ChannelLike } from './broadcast.js';
import type { GovernorWaitError } from './wait-error.js';

/** One attempt that asks the governor for leave to go. */
export interface GovernedRequest {
  /** HTTP method, any case. */
  method: string;
  /** The path relative to the base URL (`'/exports/'`); a query string is ignored. Pools match on it. */
  path: string;
  /** The URL shown in `queued`/`released` events (redacted by the caller). Default `path`. */
  url?: string;
  /** Aborting it while the request waits takes it out of line and rejects with its reason. */
  signal?: AbortSignal;
  /**
   * The longest known wait this request sits through (a server-requested hold, a spent
   * window's reset); a longer one rejects at once with a {@link GovernorWaitError} that says
   * how long. The client passes the call's `maxRetryAfterMs`. Default: no cap. Waits of
   * unknown length (a pool slot, slow start) are not capped: abort the signal for those.
   */
  maxWaitMs?: number;
}

/** What came back for an attempt: the governor learns the budget from it. */
export interface AttemptOutcome {
  status: number;
  headers: Headers;
  /**
   * The `code` of a refusal's body, when it had one: it tells a concurrency 429
   * (`too_many_exports`) from a rate 429 (see `refusalOf`).
   */
  code?: string;
}

/** Leave to send one attempt. Release it exactly once, when the attempt has ended. */
export interface Permit {
  /** The pool whose slot this attempt holds, if it belongs to one. */
  readonly pool: string | undefined;
  /**
   * Ends the attempt: frees its in-flight place and pool slot and learns from the response's
   * `X-RateLimit-*` headers; a 429/503 with `Retry-After` (or `X-RateLimit-Reset`) holds every
   * request until then. Pass nothing when no response came (network failure, abort,
   * timeout). Calls after the first do nothing.
   */
  release(outcome?: AttemptOutcome): void;
  /**
   * Keeps the pool slot after {@link Permit.release} until the returned function is called:
   * for a request that starts long work the server counts against the pool (an export job
   * runs on after `POST /exports/` has answered). Call it before `release`. A permit outside
   * any pool returns a no-op.
   */
  retainSlot(): () => void;
}

/** The `queued` and `released` events the governor reports (the client forwards them). */
export type GovernorEvent = Extract<AvalaEvent, { type: 'queued' | 'released' }>;

/** What the governor takes from its surroundings; every part has a real default (for tests). */
export interface GovernorDeps {
  /** The clock, in epoch ms. Default `Date.now`. */
  now?: () => number;
  /** Default `globalThis.setTimeout` (looked up at each call, so fake timers apply). */
  setTimeout?: (callback: () => void, ms: number) => unknown;
  /** Default `globalThis.clearTimeout`. */
  clearTimeout?: (handle: unknown) => void;
  /**
   * Opens the channel tabs share the budget over. Default: a `BroadcastChannel`, or nothing
   * where the runtime has none. Governors made with the same factory and channel name are one
   * page: they share one channel and hear each other at once (a factory of its own makes
   * another page, as a test of two tabs needs).
   */
  channelFactory?: (name: string) => ChannelLike | undefined;
  /** Receives `queued`/`released` events. */
  onEvent?: (event: GovernorEvent) => void;
  /** Draws the jitter added to server-requested waits. Default `Math.random`. */
  random?: () => number;
  /**
   * Waited past each window reset before the next request goes, as the API states resets in
   * whole seconds. Default 250.
   */
  marginMs?: number;
}

/**
 * The proactive rate-limit governor: every attempt waits for a {@link Permit} before it is
 * sent and releases it with the response, so requests are held (FIFO, abortable) instead of
 * being sent into a 429. It stays free of ky: the client wires `acquire`/`release` around
 * each attempt.
 */
export interface Governor {
  /**
   * Resolves when the request may be sent: first a slot of its pool (FIFO per pool), then the
   * budget of its limit scope, the burst cap, slow start and any `Retry-After` (FIFO by
   * arrival). Rejects with the signal's reason if it is aborted while waiting, a
   * {@link GovernorWaitError} as soon as its known wait exceeds `maxWaitMs`, or an
   * `AbortError` on `dispose()`.
   */
  acquire(request: GovernedRequest): Promise<Permit>;
  /** The budget as seen now (the same object until something changes). */
  readonly state: RateLimitState;
  /** Calls `listener` with the new state after changes (batched per microtask); returns the unsubscribe. */
  subscribe(listener: (state: RateLimitState) => void): () => void;
  /** Closes the channel, clears the timer and rejects every waiting request. */
  dispose(): void;
}
