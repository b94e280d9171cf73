/**
 * Classification of an HTTP error response (a status, headers and a body) into an `AvalaError`
 * (docs/errors.md). Failures without a usable response — a thrown ky error, a network failure,
 * a timeout, an abort — are classified in `core/classify-failure.ts`, which calls this for ky's
 * `HTTPError`.
 *
 * `errorFromHttp` is pure and synchronous: the client calls it with ky's `HTTPError`
 * (whose body ky has already consumed and parsed into `error.data`, docs/ky-notes.md).
 * `errorFromResponse` is for a raw fetch `Response`: it reads a bounded prefix of the body
 * first. Neither ever throws.
 */
import type { AvalaErrorKind, RequestInfo } from '../types/errors.js';
import { parseRateLimit, parseServerWait, toHeaders } from '../utils/headers.js';
import type { AvalaError } from './avala-error.js';
import { createErrorOfKind } from './kinds.js';
import { looksLikeMarkup, oneLine, statusLine } from './message.js';
import { parseErrorBody, truncateTextBody } from './parse-body.js';

/** What {@link errorFromHttp} classifies. */
export interface HttpErrorInput {
  status: number;
  statusText?: string;
  /** The response headers (`Retry-After`, `X-RateLimit-*`). */
  headers?: HeadersInit;
  /** The body: parsed JSON, text, or `undefined` when empty or unreadable (ky's `error.data`). */
  body: unknown;
  request?: RequestInfo;
  /** The caller marked the call idempotent (affects `transient` for POST/PATCH). */
  idempotent?: boolean;
  /** Requests sent for this call so far. Default 1. */
  attempts?: number;
  /** "Now" for header dates, in epoch ms. Default `Date.now()`. */
  now?: number;
  /** The underlying error (ky's `HTTPError`), kept as `cause`. */
  cause?: unknown;
}

/** Options of {@link errorFromResponse}. */
export interface ErrorFromResponseOptions {
  /** The most body bytes read before the rest is cancelled. Default 64 KiB. */
  maxBodyBytes?: number;
  /** Gives up reading a stalled body after this long. Default 10 000 ms. */
  readTimeoutMs?: number;
  idempotent?: boolean;
  attempts?: number;
  now?: number;
}

const DEFAULT_MAX_BODY_BYTES = 64 * 1024;
const DEFAULT_READ_TIMEOUT_MS = 10_000;
// A plain-text body this short (and not markup) is worth appending to the status line.
const MAX_TEXT_IN_MESSAGE = 200;

// The statuses with a kind of their own; the others fall into ranges (`kindFromStatus`).
const STATUS_KINDS: Readonly<Record<number, AvalaErrorKind>> = {
  // An opaque `Response.error()`: no response arrived.
  0: 'network',
  400: 'bad_request',
  422: 'bad_request',
  // DRF's 415 ("Unsupported media type …"): the request's body is not JSON, a malformed
  // request like a 400 with broken JSON — the caller's to fix, never retried (docs/errors.md).
  415: 'bad_request',
  401: 'unauthorized',
  403: 'forbidden',
  404: 'not_found',
  405: 'method_not_allowed',
  409: 'conflict',
  413: 'payload_too_large',
  429: 'rate_limited',
  503: 'service_unavailable',
};

/**
 * The kind of an HTTP status (docs/errors.md): 400/415/422 `bad_request`, 401, 403, 404, 405, 409, 413,
 * 429 their own kinds, 503 `service_unavailable`, other 5xx `server_error`, 2xx
 * `invalid_response` (a success this code could not use), 0 `network` (an opaque
 * `Response.error()`), anything else (other 4xx, 3xx, 1xx) `unexpected_status`.
 */
export function kindFromStatus(status: number): AvalaErrorKind {
  const own = STATUS_KINDS[status];
  if (own !== undefined) return own;
  if (status >= 500 && status <= 599) return 'server_error';
  if (status >= 200 && status <= 299) return 'invalid_response';
  return 'unexpected_status';
}

/**
 * Classifies an HTTP error from its status, headers and already-read body. Pure and
 * synchronous; never throws (on any internal surprise it still returns the right kind).
 *
 * @example
 * // in a ky beforeError hook
 * errorFromHttp({ status: error.response.status, headers: error.response.headers,
 *   body: error.data, request: { method, url } })
 */
export function errorFromHttp(input: HttpErrorInput): AvalaError {
  const status = input.status;
  const kind = kindFromStatus(status);
  // Status 0 (`Response.error()`) means no response arrived: no status on the error.
  const ownStatus = kind === 'network' ? undefined : status;
  const cause = input.cause;
  try {
    const { statusText, body } = input;
    const now = input.now ?? Date.now();
    const headers = toHeaders(input.headers);
    const { text, json, ...parts } = parseErrorBody(body);
    let message: string | undefined;
    if (kind === 'invalid_response') {
      message = `Invalid response (${status}): the body could not be used`;
    } else if (kind !== 'network' && text !== undefined && parts.detail === undefined) {
      // A text body has no field errors; unless a `detail` was salvaged from it, the message
      // is the status line, and the text when it is a short line.
      message = textMessage(status, statusText, text);
    }
    return createErrorOfKind(kind, {
      ...parts,
      message,
      status: ownStatus,
      statusText,
      request: input.request,
      idempotent: input.idempotent,
      attempts: input.attempts,
      retryAfterMs: parseServerWait(status, headers, now),
      rateLimit: parseRateLimit(headers, now),
      body: json !== undefined ? json : truncateTextBody(body),
      cause,
    });
  } catch {
    // Only input the types rule out gets here (a `statusText` that is no string, a request
    // whose getters throw): the error still has its kind and status.
    return createErrorOfKind(kind, { status: ownStatus, cause });
  }
}

/**
 * Classifies any non-2xx fetch `Response` (docs/errors.md). Reads at most `maxBodyBytes` (64 KiB)
 * of the body through its stream reader and cancels the rest, so a megabyte body costs
 * bounded work; JSON is parsed when the text is a JSON object or list (whatever the content
 * type says: only such bodies carry `detail` or field errors).
 * Never throws and never rejects: a body that cannot be read (already used, a broken
 * stream, a stall past `readTimeoutMs`) still yields the right kind from the status.
 *
 * `request` defaults to the response's own URL.
 */
export async function errorFromResponse(
  response: Response,
  request?: RequestInfo,
  options: ErrorFromResponseOptions = {},
): Promise<AvalaError> {
  let body: string | undefined;
  try {
    const text = await readBoundedText(
      response,
      options.maxBodyBytes ?? DEFAULT_MAX_BODY_BYTES,
      options.readTimeoutMs ?? DEFAULT_READ_TIMEOUT_MS,
    );
    // The text as it came: `errorFromHttp` parses it when it is a JSON object or list.
    if (text?.trim()) body = text;
  } catch {
    // No body to read (not a stream, already locked): the status still gives the kind.
  }
  // Something that is not a Response (null, a plain object, throwing getters) has no status:
  // it still gets its error, `unexpected_status`, rather than a rejection.
  let head: Partial<Response> = {};
  try {
    const { status, statusText, headers, url } = response;
    head = { status, statusText, headers, url };
  } catch {}
  return errorFromHttp({
    ...options,
    status: head.status as number,
    statusText: head.statusText,
    headers: head.headers,
    body,
    request: { method: request?.method, url: request?.url ?? (head.url || undefined) },
  });
}

/**
 * The body text (at most `maxBytes` bytes of it; what arrived before a stall or a broken
 * stream), or `undefined` when it cannot be read.
 */
async function readBoundedText(
  response: Response,
  maxBytes: number,
  timeoutMs: number,
): Promise<string | undefined> {
  const stream = response.body;
  if (stream === null) return response.bodyUsed ? undefined : '';
  const reader = stream.getReader();
  const decoder = new TextDecoder();
  let text = '';
  let bytes = 0;
  // Set when the stream ended: otherwise (a stall, the limit, a broken stream) the rest is cancelled.
  let finished = false;
  let timer: ReturnType<typeof setTimeout> | undefined;
  const stalled = new Promise<'stalled'>((resolve) => {
    timer = setTimeout(() => resolve('stalled'), timeoutMs);
  });
  try {
    for (;;) {
      const chunk = await Promise.race([reader.read(), stalled]);
      if (chunk === 'stalled') break;
      if (chunk.done) {
        finished = true;
        break;
      }
      const room = maxBytes - bytes;
      const kept = chunk.value.subarray(0, room);
      text += decoder.decode(kept, { stream: true });
      bytes += kept.byteLength;
      if (chunk.value.byteLength > room) break;
    }
    text += decoder.decode();
  } catch {
    // A broken stream: what arrived before still counts.
  } finally {
    clearTimeout(timer);
    // Stop the download of whatever we did not read; a failing cancel is of no interest.
    if (finished) reader.releaseLock();
    else reader.cancel().catch(() => undefined);
  }
  return text;
}

// `Bad Gateway (502)`, plus a short plain-text body (a proxy's one-liner); never markup.
function textMessage(status: number, statusText: string | undefined, text: string): string {
  const line = statusLine(status, statusText);
  // Text this long is no one-liner whatever its whitespace; not collapsing it keeps a
  // megabyte proxy page cheap.
  if (text.length > MAX_TEXT_IN_MESSAGE * 8) return line;
  const snippet = oneLine(text);
  // Markup, long text and cut-off JSON are no message for a person.
  if (!snippet || snippet.length > MAX_TEXT_IN_MESSAGE || looksLikeMarkup(snippet)) return line;
  if (/^[[{]/.test(snippet)) return line;
  return `${line}: ${snippet}`;
}
