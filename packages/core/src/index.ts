/** @avala-fetch/core — a typed, failure-aware client for the Avala API. */
export type {
  AvalaClient,
  AvalaPath,
  AvalaRequestOptions,
  Page,
  PaginateOptions,
  RateLimitState,
  ResponseOf,
  SearchParams,
} from './types/client.js';
export type { AvalaErrorKind, RateLimitInfo, RequestInfo } from './types/errors.js';
export type { AvalaEvent, AvalaEventListener, AvalaEventType } from './types/events.js';
export type { AvalaClientOptions, ConcurrencyPool, RateLimitOptions } from './types/options.js';
export type { RetryBudgetOptions, RetryOption, RetryPolicy } from './types/retry.js';
