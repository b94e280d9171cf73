import type { StandardSchemaV1 } from 'ky';
import type { AvalaError } from '../errors/avala-error.js';
import type { Permit } from '../governor/types.js';
import { defaultRetryPolicy, normalizeRetryPolicy } from '../retry/policy.js';
import type { AvalaPath, AvalaRequestOptions, SearchParams } from '../types/client.js';
import type { RetryPolicy } from '../types/retry.js';
import { resolvePath } from '../utils/path.js';
import type { ConcurrencyRefusal } from './conditions.js';
import { type NormalizedClientOptions, normalizeTimeout } from './options.js';

/** One call as the engine runs it: where, how, and which schema parses the body. */
export interface CallInput {
  method: string;
  path: AvalaPath;
  options: AvalaRequestOptions<StandardSchemaV1 | undefined>;
  /** Overrides `options.schema` (pagination wraps the item schema in a page schema). */
  schema?: StandardSchemaV1 | undefined;
  /** Extra query parameters (pagination's `limit`). */
  searchParams?: SearchParams | undefined;
}

/**
 * What one call (`client.get(...)` and all its retries) knows about itself. ky's hooks find it
 * in `options.context`; every attempt updates it.
 */
export interface CallState {
  /** Upper-case HTTP method. */
  readonly method: string;
  /** The absolute URL (checked against the base); ky may add `searchParams`. */
  readonly url: string;
  /** The path relative to the base URL, no query (`/exports/`): what governor pools match. */
  readonly path: string;
  readonly idempotent: boolean;
  /** The call's normalised retry policy. */
  readonly policy: RetryPolicy | false;
  /** The caller's signal: aborting it ends the call at once, queued, in flight or in backoff. */
  readonly signal: AbortSignal | undefined;
  readonly timeoutMs: number;
  /**
   * The longest known governor wait the call sits through before an attempt: its policy's
   * `maxRetryAfterMs` (the client's when the call has `retry: false`).
   */
  readonly maxWaitMs: number;
  /** Keep the attempt's pool slot after a 2xx, for a job's whole life (`client.startJob`). */
  readonly keepSlot: boolean;
  /** Frees the slot kept by `keepSlot`; set once a 2xx attempt kept it. */
  endSlot: (() => void) | undefined;
  /** The last attempt's 429, when the governor read it as a full pool (for its condition event). */
  concurrency: ConcurrencyRefusal | undefined;
  /** The URL actually requested (with `searchParams`), once the first attempt has started. */
  requestUrl: string;
  /** Requests sent so far (an attempt aborted while queued is not sent), `attemptsBefore` included. */
  attempts: number;
  /**
   * Requests an outer retry layer sent before this call (the hooks pass TanStack's attempt as
   * the `attempt` option): `attempts` counts on from it, so events and `error.attempts` number
   * the query's requests, not this call's.
   */
  readonly attemptsBefore: number;
  /**
   * An outer layer (TanStack, through `client.retryCallbacks`) decides whether this call is
   * retried, so that layer announces the `retry` or final `error` event (docs/retry-rule.md).
   */
  readonly retriedOutside: boolean;
  /** The governor's leave for the attempt in flight; released with its response. */
  permit: Permit | undefined;
  /** The last response's status. */
  status: number | undefined;
  /** The last body text ky handed to `parseJson` (for an `invalid_response`'s `body`). */
  bodyText: string | undefined;
  /**
   * The wait chosen in `shouldRetry` for the coming retry; ky's `retry.delay` returns it, so
   * the `retry` event announces exactly the wait ky schedules.
   */
  plannedDelayMs: number | undefined;
  /**
   * Each raw failure's classification, so an attempt's events are raised once; made at the
   * first failure (most calls never fail, and a queued call should hold little).
   */
  classified: WeakMap<object, AvalaError> | undefined;
  /** An error thrown by the caller's own `apiKey` function: passed through, not classified. */
  keyError: unknown;
}

/**
 * The state of a new call, its options normalised at the edge: the URL (checked by
 * `resolvePath`), the retry policy over the client's, the timeout, the cap on governor waits.
 * `keepSlot` is for `client.startJob`.
 */
export function createCallState(
  input: CallInput,
  options: NormalizedClientOptions,
  keepSlot: boolean,
): CallState {
  const { url, path } = resolved(input.path, options);
  const own = input.options;
  const policy = normalizeRetryPolicy(own.retry, options.retry);
  // Which attempt of an outer retry layer this call is (1-based), if one retries it.
  const { attempt } = own;
  const attemptsBefore =
    attempt !== undefined && Number.isInteger(attempt) && attempt > 1 ? attempt - 1 : 0;
  // Every field written out, no spread: this runs once per call (docs/benchmarks.md).
  return {
    method: input.method.toUpperCase(),
    url,
    path,
    idempotent: own.idempotent === true,
    policy,
    signal: own.signal,
    timeoutMs: own.timeoutMs === undefined ? options.timeoutMs : normalizeTimeout(own.timeoutMs),
    // A call with `retry: false` (the hooks retry it themselves) still caps its waits alike.
    maxWaitMs: (policy || options.retry || defaultRetryPolicy).maxRetryAfterMs,
    attemptsBefore,
    retriedOutside: attempt !== undefined,
    keepSlot,
    endSlot: undefined,
    concurrency: undefined,
    requestUrl: url,
    attempts: attemptsBefore,
    permit: undefined,
    status: undefined,
    bodyText: undefined,
    plannedDelayMs: undefined,
    classified: undefined,
    keyError: undefined,
  };
}

/** The last string path resolved, per client options: calls repeat their paths. */
const lastResolved = new WeakMap<
  NormalizedClientOptions,
  { input: string; url: string; path: string }
>();

/**
 * The absolute URL of a call's path (checked by `resolvePath`) and its path below the base.
 * A string path the client resolved last time is not parsed again: its two strings are
 * shared, which is less work per call and less memory per queued call (docs/benchmarks.md).
 */
function resolved(
  input: AvalaPath,
  options: NormalizedClientOptions,
): { url: string; path: string } {
  const last = lastResolved.get(options);
  if (last !== undefined && last.input === input) return last;
  const url = resolvePath(input, options.base);
  const entry = {
    input: typeof input === 'string' ? input : '',
    url,
    path: relativePath(url, options.base.pathname),
  };
  if (typeof input === 'string') lastResolved.set(options, entry);
  return entry;
}

/** The URL's path below the base path, with a leading slash and no query (`/exports/`). */
function relativePath(url: string, basePath: string): string {
  const pathname = new URL(url).pathname;
  const rest = pathname.slice(basePath.length);
  return rest.startsWith('/') ? rest : `/${rest}`;
}

/**
 * Lets go of the attempt's permit: one whose attempt got no response is freed, one already
 * released with its response ignores this.
 */
export function releasePermit(call: CallState): void {
  const permit = call.permit;
  call.permit = undefined;
  permit?.release();
}
