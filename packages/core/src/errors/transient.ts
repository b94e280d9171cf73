/**
 * THE transient/client-error rule of docs/retry-rule.md, in one place. The client's ky `shouldRetry`,
 * the React hooks' TanStack `retry` predicate and `AvalaError#transient` all call it. It sits
 * with the errors, below `retry/`: it is a fact about a failure (may it be repeated?), which
 * the error computes when it is built and the retry layer reads.
 *
 * - Transient: 429, 500, 502, 503, 504, network failures, per-attempt timeouts.
 * - Never: any 4xx but 429 (400, 401, 403, 404, 405, 409, 413, 422, …), a caller's abort,
 *   an invalid 2xx response, other 5xx (501 Not Implemented, 505, …) and 3xx.
 * - POST and PATCH (not idempotent): only 429 and 503, which the server refused before
 *   doing anything — unless the caller marked the call idempotent. A 500/502/504, timeout or
 *   network failure may have happened after the server acted, and repeating a POST could
 *   create a second dataset.
 */

import type { AvalaErrorKind } from '../types/errors.js';
import { hasAvalaErrorBrand } from './brand.js';

/** Options of {@link isTransientError}. */
export interface TransientRuleOptions {
  /** The caller marked the call safe to repeat, so POST/PATCH follow the full rule. */
  idempotent?: boolean;
}

// RFC 9110 idempotent methods, plus QUERY (safe by its draft) which ky retries by default.
const IDEMPOTENT_METHODS = new Set(['GET', 'HEAD', 'PUT', 'DELETE', 'OPTIONS', 'TRACE', 'QUERY']);

/**
 * Whether repeating a request with this method is harmless (RFC 9110): GET, HEAD, PUT,
 * DELETE, OPTIONS, TRACE (and QUERY). Case-insensitive. A missing method counts as GET,
 * fetch's default; POST, PATCH and unknown methods are not idempotent.
 */
export function isIdempotentMethod(method: string | undefined): boolean {
  return method === undefined || IDEMPOTENT_METHODS.has(method.toUpperCase());
}

/**
 * The rule on its inputs: the error's `kind` and `status`, the request's method, and whether
 * the caller marked it idempotent. A `server_error` without a status counts as a 500.
 */
export function isTransientKind(
  kind: AvalaErrorKind,
  status: number | undefined,
  method?: string,
  options: TransientRuleOptions = {},
): boolean {
  // Refused before any work was done: safe to repeat whatever the method.
  if (kind === 'rate_limited' || kind === 'service_unavailable') return true;
  const mayHaveActed =
    kind === 'network' ||
    kind === 'timeout' ||
    (kind === 'server_error' &&
      (status === undefined || status === 500 || status === 502 || status === 504));
  if (!mayHaveActed) return false;
  return options.idempotent === true || isIdempotentMethod(method);
}

/**
 * Whether docs/retry-rule.md calls `error` transient (worth retrying with backoff) for a request with
 * `method` (default: the method recorded on the error, else GET) and `options.idempotent`
 * (default: the flag recorded on the error).
 *
 * Anything that is not an `AvalaError` (from any copy of this package) is **not**
 * transient: a bug in the caller's code or a schema mismatch must not be retried. Classify
 * raw failures first (`errorFromResponse`, `createNetworkError`, …).
 *
 * @example
 * isTransientError(error)                          // uses error.method
 * isTransientError(error, 'POST')                  // true only for 429 / 503
 * isTransientError(error, 'POST', { idempotent: true }) // full rule
 */
export function isTransientError(
  error: unknown,
  method?: string,
  options: TransientRuleOptions = {},
): boolean {
  if (!hasAvalaErrorBrand(error)) return false;
  const recorded = error as {
    kind: AvalaErrorKind;
    status?: number;
    method?: string;
    idempotent?: boolean;
  };
  return isTransientKind(recorded.kind, recorded.status, method ?? recorded.method, {
    idempotent: options.idempotent ?? recorded.idempotent === true,
  });
}
