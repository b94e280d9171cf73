/**
 * Parsing of the wait and budget headers the Avala API sends (docs/avala-api.md, §3): `Retry-After`
 * and `X-RateLimit-Limit` / `-Remaining` / `-Reset`. Pure; malformed values are ignored
 * rather than guessed at, so a broken proxy header can never make the client wait forever
 * or hammer the API.
 */
import type { RateLimitInfo } from '../types/errors.js';

/** The longest wait a header can ask for that we represent (one day); longer is clamped. */
export const MAX_HEADER_WAIT_MS = 24 * 60 * 60 * 1000;

// `X-RateLimit-Reset` values below this are read as "seconds from now" rather than a Unix
// time (no real reset time is before 2001-09-09); some gateways send a delta.
const EPOCH_SECONDS_THRESHOLD = 1_000_000_000;

const NON_NEGATIVE_NUMBER = /^\d+(\.\d+)?$/;
const HTTP_DATE =
  /^[a-z]{3,9},? +(\d{1,2}[ -](jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)[a-z]*[ -]\d{2,4} +\d{1,2}:\d{2}:\d{2}|(jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)[a-z]* +\d{1,2} +\d{1,2}:\d{2}:\d{2} +\d{4})( +(GMT|UTC))?$/i;

/**
 * The wait a `Retry-After` header asks for, in milliseconds from `now`.
 *
 * - delay-seconds (`"30"`, also `"1.5"`) → `30 000`;
 * - an HTTP date (`"Wed, 21 Oct 2026 07:28:00 GMT"`) → the time until then; a date in the
 *   past → `0` (retry now);
 * - missing, empty, negative (`"-5"`), `NaN` or otherwise unparsable → `undefined`
 *   (ignored: the caller falls back to its own backoff);
 * - longer than a day → clamped to {@link MAX_HEADER_WAIT_MS}.
 */
export function parseRetryAfter(
  value: string | null | undefined,
  now: number = Date.now(),
): number | undefined {
  const text = value?.trim();
  if (!text) return undefined;
  if (NON_NEGATIVE_NUMBER.test(text)) return clampWait(Number(text) * 1000);
  // Only text shaped like an HTTP date (a month name and an hh:mm:ss time: IMF-fixdate,
  // RFC 850 or asctime) is parsed, since `Date.parse` turns garbage like "x 1" into 2001.
  if (!HTTP_DATE.test(text)) return undefined;
  // asctime carries no zone; HTTP dates are always GMT.
  const at = Date.parse(/GMT|UTC|[+-]\d{4}$/i.test(text) ? text : `${text} GMT`);
  if (Number.isNaN(at)) return undefined;
  return clampWait(at - now);
}

/**
 * The rate-limit budget announced by `X-RateLimit-Limit`, `-Remaining` and `-Reset`, or
 * `undefined` when none of them is present and valid.
 *
 * - Limit and remaining must be non-negative numbers; anything else is left out.
 * - Reset is Unix time in seconds → `resetAt` in epoch milliseconds. A value below 10⁹ is
 *   read as seconds from `now` (a delta, as some gateways send). Negative or garbage → left out.
 */
export function parseRateLimit(
  headers: Headers,
  now: number = Date.now(),
): RateLimitInfo | undefined {
  const limit = parseCount(headers.get('x-ratelimit-limit'));
  const remaining = parseCount(headers.get('x-ratelimit-remaining'));
  const resetAt = parseResetAt(headers.get('x-ratelimit-reset'), now);
  const info: RateLimitInfo = {};
  if (limit !== undefined) info.limit = limit;
  if (remaining !== undefined) info.remaining = remaining;
  if (resetAt !== undefined) info.resetAt = resetAt;
  return Object.keys(info).length > 0 ? info : undefined;
}

/**
 * The wait the server asked for, in ms from `now`: `Retry-After` when it is valid,
 * otherwise the time until `X-RateLimit-Reset` (a reset in the past → `0`) on a 429, and on
 * a 503 whose `X-RateLimit-Remaining` is `0` or absent. A 503 that still has budget left says
 * nothing about the outage with its reset (every Avala response carries one), so it gets the
 * backoff instead of waiting out the rate window. `undefined` when the server said nothing usable.
 */
export function parseServerWait(
  status: number,
  headers: Headers,
  now: number = Date.now(),
): number | undefined {
  const retryAfter = parseRetryAfter(headers.get('retry-after'), now);
  if (retryAfter !== undefined) return retryAfter;
  if (status !== 429 && status !== 503) return undefined;
  const { remaining = 0, resetAt } = parseRateLimit(headers, now) ?? {};
  if (resetAt === undefined || (status === 503 && remaining > 0)) return undefined;
  return clampWait(resetAt - now);
}

/** Reads `HeadersInit` (or nothing) as `Headers`; invalid input yields empty headers. */
export function toHeaders(init: HeadersInit | undefined | null): Headers {
  if (init instanceof Headers) return init;
  try {
    return new Headers(init ?? undefined);
  } catch {
    return new Headers();
  }
}

// A header's non-negative decimal number (`30`, `1.5`); anything else (`-5`, `1e3`, `soon`) → `undefined`.
function parseNonNegative(value: string | null): number | undefined {
  const text = value?.trim();
  return text && NON_NEGATIVE_NUMBER.test(text) ? Number(text) : undefined;
}

function parseCount(value: string | null): number | undefined {
  const number = parseNonNegative(value);
  if (number === undefined) return undefined;
  const count = Math.floor(number);
  return Number.isSafeInteger(count) ? count : undefined;
}

function parseResetAt(value: string | null, now: number): number | undefined {
  const seconds = parseNonNegative(value);
  // Hundreds of digits parse to Infinity: no time at all.
  if (seconds === undefined || !Number.isFinite(seconds)) return undefined;
  if (seconds < EPOCH_SECONDS_THRESHOLD) return now + clampWait(seconds * 1000);
  return Math.round(seconds * 1000);
}

function clampWait(ms: number): number {
  if (!Number.isFinite(ms)) return MAX_HEADER_WAIT_MS;
  return Math.min(Math.max(0, Math.ceil(ms)), MAX_HEADER_WAIT_MS);
}
