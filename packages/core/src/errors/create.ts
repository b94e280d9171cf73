/**
 * Factories for failures that have no HTTP error body: no response at all (network,
 * timeout, abort) or a 2xx the call could not use. The client builds its errors with these
 * so the messages and redaction match `errorFromResponse`'s.
 */
import type { StandardSchemaV1Issue } from 'ky';
import type { RequestInfo } from '../types/errors.js';
import { redactString } from '../utils/redact.js';
import {
  AbortedError,
  InvalidResponseError,
  NetworkError,
  TimeoutError,
  toSchemaIssue,
} from './kinds.js';
import { truncateTextBody } from './parse-body.js';

/** Extra facts the client may add to a factory-built error. */
export interface FailureContext {
  /** The caller marked the call idempotent. */
  idempotent?: boolean;
  /** Requests sent for this call so far. Default 1. */
  attempts?: number;
}

/**
 * A `network` error: no response arrived (offline, DNS, connection refused or reset, CORS).
 * `cause` is the underlying error (fetch's `TypeError`); its message is shown, redacted.
 */
export function createNetworkError(
  cause: unknown,
  request?: RequestInfo,
  context: FailureContext = {},
): NetworkError {
  const reason = describe(cause);
  return new NetworkError({
    ...context,
    cause,
    request,
    // Without a reason, the kind's own message: "Network error: the server could not be reached".
    message: reason && `Network error: the server could not be reached (${reason})`,
  });
}

/** A `timeout` error: an attempt took longer than `timeoutMs`. */
export function createTimeoutError(
  timeoutMs: number,
  request?: RequestInfo,
  context: FailureContext & { cause?: unknown } = {},
): TimeoutError {
  const after = Number.isFinite(timeoutMs) ? ` after ${Math.round(timeoutMs)} ms` : '';
  return new TimeoutError({ ...context, request, message: `The request timed out${after}` });
}

/**
 * An `aborted` error: the caller's signal was aborted. `reason` is the signal's reason
 * (kept as `cause`); a string or an error message other than the platform's default is
 * shown in the message.
 */
export function createAbortedError(
  reason?: unknown,
  request?: RequestInfo,
  context: FailureContext = {},
): AbortedError {
  const text = describe(reason);
  const isDefault = !text || /operation was aborted|signal is aborted/i.test(text);
  return new AbortedError({
    ...context,
    cause: reason,
    request,
    // The platform's default reason adds nothing to the kind's message, "The request was aborted".
    message: isDefault ? undefined : `The request was aborted: ${text}`,
  });
}

/** What {@link createInvalidResponseError} is built from. */
export interface InvalidResponseInput extends FailureContext {
  status?: number;
  /** The schema's issues (ky's `SchemaValidationError.issues`). */
  issues?: readonly StandardSchemaV1Issue[];
  cause?: unknown;
  /** The body as received (parsed, or text). */
  body?: unknown;
  request?: RequestInfo;
}

/**
 * An `invalid_response` error: a 2xx whose body is not JSON (`issues` absent) or fails the
 * call's schema (`issues` given). The message names the first issue and its path.
 */
export function createInvalidResponseError(input: InvalidResponseInput = {}): InvalidResponseError {
  const where = input.status === undefined ? '' : ` (${input.status})`;
  const issues = input.issues ?? [];
  let message = `Invalid response${where}: the body is not valid JSON`;
  if (issues[0]) {
    // The issue as the error stores it: its path as plain keys, its message redacted.
    const first = toSchemaIssue(issues[0]);
    const path = first.path?.join('.');
    const more = issues.length > 1 ? ` (+${issues.length - 1} more)` : '';
    message = `Invalid response${where}: ${path ? `${path}: ` : ''}${first.message}${more}`;
  }
  return new InvalidResponseError({ ...input, body: truncateTextBody(input.body), message });
}

function describe(value: unknown): string {
  if (typeof value === 'string') return redactString(value);
  if (value instanceof Error) return redactString(value.message);
  return '';
}
