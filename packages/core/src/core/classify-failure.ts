import {
  type HTTPError,
  isHTTPError,
  isNetworkError,
  isTimeoutError,
  SchemaValidationError,
} from 'ky';
import { type AvalaError, isAvalaError } from '../errors/avala-error.js';
import { errorFromHttp } from '../errors/classify-response.js';
import {
  createAbortedError,
  createInvalidResponseError,
  createNetworkError,
  createTimeoutError,
} from '../errors/create.js';
import { createErrorOfKind } from '../errors/kinds.js';
import { markRetriedInClient, markRetriedOutside } from '../retry/layers.js';
import type { RequestInfo } from '../types/errors.js';
import type { CallState } from './call.js';

/**
 * Classifies whatever a call failed with — ky's `HTTPError`/`TimeoutError`/`NetworkError`,
 * `SchemaValidationError`, a JSON `SyntaxError`, an abort — into an `AvalaError` with the
 * call's method, URL and attempt count. Returns `undefined` for what is not a request failure
 * (a refused path, the caller's own `apiKey` function throwing, an invalid call that fetch
 * refused before sending): those pass through as is.
 */
export function classifyFailure(raw: unknown, call: CallState): AvalaError | undefined {
  if (isAvalaError(raw)) return raw;
  const isObject = raw !== null && typeof raw === 'object';
  const known = isObject ? call.classified?.get(raw) : undefined;
  if (known) return known;
  const error = classify(raw, call);
  if (!error) return undefined;
  if (isObject) {
    call.classified ??= new WeakMap();
    call.classified.set(raw, error);
  }
  markLayer(error, call);
  return error;
}

/** Marks on a call's error which layer retries it and announces its retry or final error. */
export function markLayer(error: AvalaError, call: CallState): void {
  // The client runs this call's retries itself (inside ky): a TanStack retry on top would
  // multiply them (docs/retry-rule.md), so `createRetryCallbacks` leaves such errors alone.
  if (call.policy !== false && call.policy.limit > 0) markRetriedInClient(error);
  // …and the outer layer announces the retry (or the final error) of a call it retries.
  if (call.retriedOutside) markRetriedOutside(error);
}

function classify(raw: unknown, call: CallState): AvalaError | undefined {
  if (raw === call.keyError && raw !== undefined) return undefined;
  if (raw instanceof TypeError && raw.name === 'UnsafeUrlError') return undefined;
  const request: RequestInfo = { method: call.method, url: call.requestUrl };
  const context = { idempotent: call.idempotent, attempts: call.attempts };
  // The caller's abort wins over however the platform reported it (AbortError, a custom
  // reason, a rejected governor wait).
  if (call.signal?.aborted) return createAbortedError(call.signal.reason, request, context);
  if (isHTTPError(raw)) return fromHttpError(raw, request, context);
  // No `cause`: ky's TimeoutError holds the Request, key header and all, which anyone could
  // expand in a browser's devtools; the AvalaError already says all it knew.
  if (isTimeoutError(raw)) return createTimeoutError(call.timeoutMs, request, context);
  if (isNetworkError(raw)) return createNetworkError(raw.cause ?? raw, request, context);
  if (raw instanceof SchemaValidationError) {
    return createInvalidResponseError({
      ...context,
      status: call.status,
      issues: raw.issues,
      cause: raw,
      body: parseQuietly(call.bodyText),
      request,
    });
  }
  if (raw instanceof SyntaxError) {
    return createInvalidResponseError({
      ...context,
      status: call.status,
      cause: raw,
      body: call.bodyText,
      request,
    });
  }
  if (isAbortError(raw)) return createAbortedError(raw, request, context);
  // Before any request was sent nothing but the call itself can be wrong (a GET with a
  // body, a header value fetch refuses): the caller's bug, not an outage to retry.
  if (call.attempts === call.attemptsBefore) return undefined;
  // A custom fetch that failed in a way ky does not recognise is still "no response came".
  return createNetworkError(raw, request, context);
}

/**
 * ky's `HTTPError` as an `AvalaError`: a 3xx that was not followed says so, anything else is
 * classified from its status, headers and body (`errorFromHttp`).
 */
export function fromHttpError(
  raw: HTTPError,
  request: RequestInfo,
  context: { idempotent: boolean; attempts: number },
): AvalaError {
  const { response } = raw;
  // `redirect: 'manual'`: Node hands back the 3xx itself, browsers an `opaqueredirect` with
  // status 0 and no headers. Either way it was not followed, so the key went nowhere else.
  if (response.type === 'opaqueredirect' || (response.status >= 300 && response.status < 400)) {
    const location = response.headers.get('location');
    const where = location ? ` to ${describeLocation(location, request.url)}` : '';
    return createErrorOfKind('unexpected_status', {
      ...context,
      status: response.status || undefined,
      request,
      message: `Redirect${response.status ? ` (${response.status})` : ''}${where} not followed: the API key is only sent to the base URL`,
    });
  }
  return errorFromHttp({
    ...context,
    status: response.status,
    statusText: response.statusText,
    headers: response.headers,
    body: raw.data,
    request,
  });
}

function describeLocation(location: string, base: string | undefined): string {
  try {
    const url = new URL(location, base);
    return `${url.origin}${url.pathname}`;
  } catch {
    return 'an unreadable location';
  }
}

function isAbortError(value: unknown): boolean {
  return (
    typeof value === 'object' &&
    value !== null &&
    (value as { name?: unknown }).name === 'AbortError'
  );
}

function parseQuietly(text: string | undefined): unknown {
  if (text === undefined) return undefined;
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}
