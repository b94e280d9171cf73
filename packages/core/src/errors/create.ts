/**
 * Factories for failures that have no HTTP error body: no response at all (network,
 * timeout, abort) or a 2xx the call could not use. The client builds its errors with these
 * so the messages and redaction match `errorFromResponse`'s.
 */
import type { StandardSchemaV1Issue } from 'ky';
import type { RequestInfo } from '../types/errors.js';
import { isSecretPath, REDACTED, redactString } from '../utils/redact.js';
import { AbortedError, InvalidResponseError, NetworkError, TimeoutError } from './kinds.js';
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
    message: reason
      ? `Network error: the server could not be reached (${reason})`
      : 'Network error: the server could not be reached',
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
    message: isDefault ? 'The request was aborted' : `The request was aborted: ${text}`,
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
  const first = input.issues?.[0];
  let message: string;
  if (first) {
    const path = (first.path ?? [])
      .map((segment) => String(typeof segment === 'object' ? segment.key : segment))
      .join('.');
    const more =
      (input.issues?.length ?? 0) > 1 ? ` (+${(input.issues?.length ?? 1) - 1} more)` : '';
    const text = isSecretPath(path) ? REDACTED : first.message;
    message = `Invalid response${where}: ${path ? `${path}: ` : ''}${text}${more}`;
  } else {
    message = `Invalid response${where}: the body is not valid JSON`;
  }
  return new InvalidResponseError({
    status: input.status,
    issues: input.issues,
    cause: input.cause,
    body: truncateTextBody(input.body),
    request: input.request,
    idempotent: input.idempotent,
    attempts: input.attempts,
    message,
  });
}

function describe(value: unknown): string {
  if (typeof value === 'string') return redactString(value);
  if (value instanceof Error) return redactString(value.message);
  return '';
}
