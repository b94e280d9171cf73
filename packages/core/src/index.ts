/** @avala-fetch/core — a typed, failure-aware client for the Avala API. */

// The client (docs/errors.md): createAvalaClient wires ky, the retry policy and the governor.
export { createAvalaClient } from './client.js';
export { pageSchema } from './core/pagination.js';
// Errors (docs/errors.md): the taxonomy, the classification and the transient rule.
export {
  AvalaError,
  type AvalaErrorInit,
  type AvalaErrorJSON,
  type AvalaErrorSubclassInit,
  isAvalaError,
} from './errors/avala-error.js';
export {
  type ErrorFromResponseOptions,
  errorFromHttp,
  errorFromResponse,
  type HttpErrorInput,
  kindFromStatus,
} from './errors/classify.js';
export {
  createAbortedError,
  createInvalidResponseError,
  createNetworkError,
  createTimeoutError,
  type FailureContext,
  type InvalidResponseInput,
} from './errors/create.js';
export {
  type FlatFieldErrors,
  type FlattenOptions,
  flattenFieldErrors,
} from './errors/field-errors.js';
export {
  AbortedError,
  type AnyAvalaError,
  BadRequestError,
  ConflictError,
  createErrorOfKind,
  ERROR_CLASSES,
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
// The proactive rate-limit governor (docs/avala-api.md), usable on its own as well.
export {
  type AttemptOutcome,
  type ChannelLike,
  createGovernor,
  defaultPools,
  defaultRateLimitOptions,
  defaultScopes,
  type GovernedRequest,
  type Governor,
  type GovernorDeps,
  type GovernorEvent,
  GovernorWaitError,
  type HoldCause,
  normalizeRateLimitOptions,
  type Permit,
  refusalOf,
} from './governor/index.js';
// The retry policy (docs/retry-rule.md): one set of decisions for ky (direct calls) and TanStack Query (hooks).
export { backoffCeilingMs, retryDelayMs } from './retry/backoff.js';
export { decideRetry, type RetryContext, shouldRetryError } from './retry/decide.js';
export { isRetriedInClient } from './retry/layers.js';
export { defaultRetryBudget, defaultRetryPolicy, normalizeRetryPolicy } from './retry/policy.js';
export {
  createRetryBudget,
  isRetryBudgetExhausted,
  type RetryBudget,
  type RetryBudgetEnvironment,
  type RetryBudgetFailure,
} from './retry/retry-budget.js';
export {
  isIdempotentMethod,
  isTransientError,
  isTransientKind,
  type TransientRuleOptions,
} from './retry/rule.js';
export { createRetryCallbacks } from './retry/tanstack-callbacks.js';
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
// The helpers beneath: header parsing, safe paths and base URLs, redaction (docs/security.md).
export { parseRateLimit, parseRetryAfter, parseServerWait } from './utils/headers.js';
export { encodeSegment, path } from './utils/path.js';
export { redactString, redactUrl, redactValue } from './utils/redact.js';
export {
  DEFAULT_BASE_URL,
  isLoopbackHost,
  UnsafeUrlError,
  type UnsafeUrlReason,
} from './utils/url.js';
// Workflows (docs/avala-api.md): the manual-upload flow as one call.
export {
  type UploadDatasetFile,
  type UploadDatasetOptions,
  type UploadFileOptions,
  type UploadProgress,
  uploadDataset,
  uploadFile,
} from './workflows/upload.js';
