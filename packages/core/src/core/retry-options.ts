import type { RetryOptions } from 'ky';
import type { AvalaError } from '../errors/avala-error.js';
import { retryDelayMs } from '../retry/backoff.js';
import { decideRetry } from '../retry/decide.js';
import type { RetryBudget } from '../retry/retry-budget.js';
import { type CallState, releasePermit } from './call.js';
import type { EventHub } from './events.js';

// ky only consults `shouldRetry` for listed methods (docs/ky-notes.md), and `shouldRetry` applies
// the rule of docs/retry-rule.md, which lets POST/PATCH retry on 429/503 only. ky's default list
// has every other method the client sends (GET, PUT, DELETE); this one is given only for POST and
// PATCH, since ky copies the list (and lower-cases it) twice a call.
const RETRY_METHODS = ['get', 'head', 'options', 'trace', 'put', 'delete', 'post', 'patch'];

// One object for every call that ky must not retry (the hooks' calls, `retry: false`).
const NO_RETRY: RetryOptions = Object.freeze({ limit: 0 });

/**
 * Maps a call's {@link RetryPolicy} onto ky's `retry` options; made once per client, with
 * its retry `budget`, its `classify` (which raises an attempt's condition event once) and its
 * `events`. ky does the mechanics — it counts attempts, runs the hooks and waits (abortable
 * by the caller's signal). `shouldRetry` decides — with `decideRetry`, the one decision the
 * TanStack layer asks too — and always with an exact boolean, so ky's own status list and
 * header timing are never consulted: the rule of docs/retry-rule.md for the method, a server
 * wait longer than `maxRetryAfterMs` failing at once (ky's `maxRetryAfter` would only cap
 * it), the client's retry budget; then the wait — `retryDelayMs`, the same function
 * TanStack's `retryDelay` uses, so both layers wait alike and the `retry` event announces
 * exactly what ky sleeps.
 */
export function kyRetryOptions(
  budget: RetryBudget,
  classify: (raw: unknown, call: CallState) => AvalaError | undefined,
  events: EventHub,
): (call: CallState) => RetryOptions {
  return (call) => {
    const policy = call.policy;
    if (policy === false || policy.limit === 0) return NO_RETRY;
    const retry: RetryOptions = {
      limit: policy.limit,
      // ky calls this right after `shouldRetry` returned `true`; no jitter or cap on top.
      delay: () => call.plannedDelayMs ?? 0,
      shouldRetry: ({ error: raw, retryCount }) => {
        // A failure without a response still holds its permit: free it before the backoff.
        releasePermit(call);
        const error = classify(raw, call);
        if (!error) return false;
        // The same decision TanStack's `retry` asks (retry/decide.ts), budget included.
        const context = {
          attempt: retryCount,
          method: call.method,
          idempotent: call.idempotent,
          policy,
        };
        if (!decideRetry(error, context, budget)) return false;
        call.plannedDelayMs = retryDelayMs(retryCount, error, policy);
        if (events.active) {
          events.emit({
            type: 'retry',
            method: call.method,
            url: error.url ?? call.url,
            attempt: retryCount,
            delayMs: call.plannedDelayMs,
            error,
          });
        }
        return true;
      },
    };
    if (call.method === 'POST' || call.method === 'PATCH') retry.methods = RETRY_METHODS;
    return retry;
  };
}
