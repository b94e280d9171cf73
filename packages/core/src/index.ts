/**
 * @avala-fetch/core — a typed, failure-aware client for the Avala API. The root holds what an
 * app uses; the rate-limit governor and the retry machinery have subpaths of their own
 * (`@avala-fetch/core/governor`, `@avala-fetch/core/retry`), and so has the manual-upload
 * workflow (`@avala-fetch/core/upload`).
 */

// The client (docs/errors.md): createAvalaClient wires ky, the retry policy and the governor.
export { createAvalaClient } from './client.js';
// Errors (docs/errors.md): the base class and guard, one class per kind, the classification.
export {
  AvalaError,
  type AvalaErrorInit,
  type AvalaErrorJSON,
  type AvalaErrorSubclassInit,
  isAvalaError,
} from './errors/avala-error.js';
export { type ErrorFromResponseOptions, errorFromResponse } from './errors/classify-response.js';
export {
  AbortedError,
  type AnyAvalaError,
  BadRequestError,
  ConflictError,
  type ErrorOfKind,
  ForbiddenError,
  InvalidResponseError,
  type InvalidResponseErrorInit,
  MethodNotAllowedError,
  NetworkError,
  NotFoundError,
  PayloadTooLargeError,
  RateLimitError,
  type SchemaIssue,
  ServerError,
  ServiceUnavailableError,
  TimeoutError,
  UnauthorizedError,
  UnexpectedStatusError,
} from './errors/kinds.js';
// The transient rule (docs/retry-rule.md) and the retry budget's mark on an error.
export { isTransientError } from './errors/transient.js';
export { isRetryBudgetExhausted } from './retry/retry-budget.js';
// Public types.
export type {
  AvalaClient,
  AvalaJob,
  AvalaPath,
  AvalaRequestOptions,
  Page,
  PaginateOptions,
  RateLimitState,
  ResponseOf,
  SchemaOf,
  ScopeRateLimitState,
  SearchParams,
} from './types/client.js';
export type { AvalaErrorKind, RateLimitInfo, RequestInfo } from './types/errors.js';
export type { AvalaEvent, AvalaEventListener, AvalaEventType } from './types/events.js';
export type {
  AvalaClientOptions,
  ConcurrencyPool,
  LimitScope,
  RateLimitOptions,
} from './types/options.js';
export type {
  RetryBudgetOptions,
  RetryCallbacks,
  RetryCallbacksCall,
  RetryOption,
  RetryPolicy,
  TanStackRetryOption,
} from './types/retry.js';
// Safe paths (docs/security.md).
export { path } from './utils/path.js';
export { UnsafeUrlError, type UnsafeUrlReason } from './utils/url.js';
