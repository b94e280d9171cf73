/**
 * What went wrong, as a stable string to branch on (docs/errors.md). One `AvalaError` subclass
 * exists per kind.
 */
export type AvalaErrorKind =
  | 'bad_request'
  | 'unauthorized'
  | 'forbidden'
  | 'not_found'
  | 'method_not_allowed'
  | 'conflict'
  | 'payload_too_large'
  | 'rate_limited'
  | 'server_error'
  | 'service_unavailable'
  | 'network'
  | 'timeout'
  | 'aborted'
  | 'unexpected_status'
  | 'invalid_response';

/** The rate-limit budget a response announced in its `X-RateLimit-*` headers. */
export interface RateLimitInfo {
  /** Requests allowed in the window (`X-RateLimit-Limit`). */
  limit?: number;
  /** Requests left in the window (`X-RateLimit-Remaining`). */
  remaining?: number;
  /** When the window resets, in epoch milliseconds (`X-RateLimit-Reset` × 1000). */
  resetAt?: number;
}

/** The request an error belongs to; the URL is redacted before it is stored. */
export interface RequestInfo {
  method?: string;
  url?: string;
}
