import type { AvalaError } from '../errors/avala-error.js';
import { createErrorOfKind } from '../errors/kinds.js';
import type { GovernorWaitError } from '../governor/wait-error.js';
import type { CallState } from './call.js';

/**
 * The error of a call the governor would have held longer than the call's `maxRetryAfterMs`
 * (docs/retry-rule.md: a server-requested wait longer than the maximum is not slept through):
 * `service_unavailable` for an outage hold, else `rate_limited`, with the remaining wait as
 * `retryAfterMs` so the app can say when to come back. No request was sent for it.
 */
export function waitTooLongError(wait: GovernorWaitError, call: CallState): AvalaError {
  const seconds = Math.ceil(wait.waitMs / 1000);
  const unavailable = wait.reason === 'service_unavailable';
  const limit = wait.reason === 'concurrency_limited' ? (wait.pool ?? 'concurrency') : 'rate';
  const why = unavailable ? 'the API is unavailable' : `the ${limit} limit is reached`;
  return createErrorOfKind(unavailable ? 'service_unavailable' : 'rate_limited', {
    message: `Not sent: ${why} for ${seconds} s more, longer than this call waits (maxRetryAfterMs)`,
    retryAfterMs: wait.waitMs,
    request: { method: call.method, url: call.requestUrl },
    idempotent: call.idempotent,
    attempts: call.attempts,
    cause: wait,
  });
}
