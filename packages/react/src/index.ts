/**
 * @avala-fetch/react — TanStack Query hooks for the Avala API. A thin layer over
 * `@avala-fetch/core` (no HTTP here): one retry layer, inline field errors, toast-ready notices.
 * What a React app needs from the core is re-exported, so one import serves. The upload and
 * export hooks are on `@avala-fetch/react/workflows`.
 */

// From the core (docs/errors.md): the client, the errors and their guards, the types.
export {
  AbortedError,
  type AnyAvalaError,
  type AvalaClient,
  type AvalaClientOptions,
  AvalaError,
  type AvalaErrorKind,
  type AvalaEvent,
  type AvalaEventListener,
  type AvalaJob,
  type AvalaPath,
  type AvalaRequestOptions,
  BadRequestError,
  ConflictError,
  createAvalaClient,
  type ErrorOfKind,
  errorFromResponse,
  ForbiddenError,
  InvalidResponseError,
  isAvalaError,
  isRetryBudgetExhausted,
  isTransientError,
  MethodNotAllowedError,
  NetworkError,
  NotFoundError,
  type Page,
  type PaginateOptions,
  PayloadTooLargeError,
  path,
  RateLimitError,
  type RateLimitInfo,
  type RateLimitOptions,
  type RateLimitState,
  type RetryOption,
  type RetryPolicy,
  ServerError,
  ServiceUnavailableError,
  TimeoutError,
  UnauthorizedError,
  UnexpectedStatusError,
  UnsafeUrlError,
} from '@avala-fetch/core';

export {
  type AppliedFieldErrors,
  type ApplyFieldErrorsOptions,
  applyFieldErrors,
  type FieldErrorsView,
  type SetFieldError,
  useFieldErrors,
} from './field-errors.js';
export {
  type AvalaNoticeData,
  type AvalaNoticeKind,
  type ConcurrencyLimitedNotice,
  type ForbiddenNotice,
  initialNoticeState,
  type NoticeAction,
  type NoticeState,
  noticeReducer,
  type OfflineNotice,
  type RateLimitedNotice,
  type RecoveredNotice,
  type ServiceUnavailableNotice,
  type UnauthorizedNotice,
} from './notices/reducer.js';
export type { AvalaNotice, AvalaNoticeChange, AvalaNoticeListener } from './notices/store.js';
export { AvalaProvider, type AvalaProviderProps, useAvalaClient } from './provider.js';
export {
  type AvalaInfiniteQueryKey,
  type AvalaQueryKey,
  avalaInfiniteQueryKey,
  avalaQueryKey,
} from './query-key.js';
export {
  type AvalaDefinedInitialData,
  type AvalaInfiniteQueryDefinition,
  type AvalaInfiniteQueryOptions,
  type AvalaMutationMethod,
  type AvalaMutationOptions,
  type AvalaPageParam,
  type AvalaQueryDefinition,
  type AvalaQueryOptions,
  avalaInfiniteQueryOptions,
  avalaMutationOptions,
  avalaQueryOptions,
} from './query-options.js';
export type { AvalaCallOptions, AvalaSchema } from './types.js';
export { useAvalaInfiniteQuery } from './use-avala-infinite-query.js';
export { useAvalaMutation } from './use-avala-mutation.js';
export { useAvalaNotices } from './use-avala-notices.js';
export { useAvalaQuery } from './use-avala-query.js';
export { useRateLimit } from './use-rate-limit.js';
