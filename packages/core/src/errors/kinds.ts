/**
 * One `AvalaError` subclass per kind (docs/errors.md), so callers can use `instanceof` as well as
 * `kind`, and {@link createErrorOfKind}, which the classification uses to pick the class.
 *
 * Fourteen of them differ only in `kind` and `name`: they are made from one table by
 * `kindClass` instead of being written out fourteen times — the same classes at runtime
 * (`instanceof`, `name`, the stack's first line), a fraction of the bundle. Only
 * `InvalidResponseError` adds something (`issues`), so it is written out.
 */
import type { StandardSchemaV1Issue } from 'ky';
import type { AvalaErrorKind } from '../types/errors.js';
import { isSecretName, REDACTED, redactString } from '../utils/redact.js';
import { AvalaError, type AvalaErrorJSON, type AvalaErrorSubclassInit } from './avala-error.js';

/** A schema issue as stored on an error: message redacted, path as plain keys. */
export interface SchemaIssue {
  message: string;
  path?: (string | number)[];
}

/** What an {@link InvalidResponseError} is built from. */
export interface InvalidResponseErrorInit extends AvalaErrorSubclassInit {
  /** The Standard Schema (zod) issues, when the body failed the call's schema. */
  issues?: readonly StandardSchemaV1Issue[];
}

/**
 * A 2xx response whose body is not JSON or fails the call's `schema` — the API (or a proxy
 * in front of it) sent something this code cannot use. Never retried. `issues` holds the
 * schema's complaints.
 */
export class InvalidResponseError extends AvalaError {
  declare readonly kind: 'invalid_response';
  /** The schema issues (messages redacted), empty when the body was simply not JSON. */
  readonly issues: readonly SchemaIssue[];

  constructor(init: InvalidResponseErrorInit = {}) {
    super({ ...init, kind: 'invalid_response' });
    this.name = 'InvalidResponseError';
    this.issues = (init.issues ?? []).slice(0, 100).map(toSchemaIssue);
  }

  override toJSON(): AvalaErrorJSON {
    return { ...super.toJSON(), issues: this.issues.map((issue) => ({ ...issue })) };
  }
}

/** A Standard Schema issue as an error stores it: path as plain keys, message redacted. */
export function toSchemaIssue(issue: StandardSchemaV1Issue): SchemaIssue {
  const path = issue.path?.map((segment) => {
    const key = typeof segment === 'object' && segment !== null ? segment.key : segment;
    return typeof key === 'number' ? key : redactString(String(key));
  });
  // A custom schema message may quote the value; under a secret-looking field it must not.
  const secret = path?.some((key) => isSecretName(String(key)));
  const out: SchemaIssue = { message: secret ? REDACTED : redactString(String(issue.message)) };
  if (path) out.path = path;
  return out;
}

/**
 * The error of one kind: `ErrorOfKind<'not_found'>` is {@link NotFoundError} (an `AvalaError`
 * whose `kind` is `'not_found'`), `ErrorOfKind<'invalid_response'>` is {@link InvalidResponseError}.
 */
export type ErrorOfKind<K extends AvalaErrorKind> = K extends 'invalid_response'
  ? InvalidResponseError
  : AvalaError & { readonly kind: K };

/**
 * Every error a call can end in: the union of the subclasses, discriminated by `kind`, so
 * `if (error.kind === 'invalid_response')` narrows to {@link InvalidResponseError} (and its
 * `issues`) and a `switch` over `kind` can be checked for exhaustiveness (docs/errors.md).
 * `isAvalaError(x)` narrows to it; the hooks of `@avala-fetch/react` type `error` with it.
 */
export type AnyAvalaError = ErrorOfKind<AvalaErrorKind>;

/** The class of one kind's errors: `new NotFoundError({ … })`, `error instanceof NotFoundError`. */
export type ErrorClassOfKind<K extends AvalaErrorKind> = new (
  init?: AvalaErrorSubclassInit,
) => ErrorOfKind<K>;

type PlainKind = Exclude<AvalaErrorKind, 'invalid_response'>;

// The class name of each kind that adds nothing to `AvalaError`.
const CLASS_NAMES: Record<PlainKind, string> = {
  bad_request: 'BadRequestError',
  unauthorized: 'UnauthorizedError',
  forbidden: 'ForbiddenError',
  not_found: 'NotFoundError',
  method_not_allowed: 'MethodNotAllowedError',
  conflict: 'ConflictError',
  payload_too_large: 'PayloadTooLargeError',
  rate_limited: 'RateLimitError',
  server_error: 'ServerError',
  service_unavailable: 'ServiceUnavailableError',
  network: 'NetworkError',
  timeout: 'TimeoutError',
  aborted: 'AbortedError',
  unexpected_status: 'UnexpectedStatusError',
};

function kindClass(kind: PlainKind, name: string): ErrorClassOfKind<PlainKind> {
  class KindError extends AvalaError {
    constructor(init: AvalaErrorSubclassInit = {}) {
      super({ ...init, kind });
      this.name = name;
    }
  }
  // The name a written-out class would have (Node's `inspect` prints it).
  Object.defineProperty(KindError, 'name', { value: name });
  return KindError as ErrorClassOfKind<PlainKind>;
}

/** The subclass of each kind. */
export const ERROR_CLASSES = {
  ...Object.fromEntries(
    Object.entries(CLASS_NAMES).map(([kind, name]) => [kind, kindClass(kind as PlainKind, name)]),
  ),
  invalid_response: InvalidResponseError,
} as unknown as { readonly [K in AvalaErrorKind]: ErrorClassOfKind<K> };

/** An instance of the kind's subclass (`not_found` → `NotFoundError`). */
export function createErrorOfKind<K extends AvalaErrorKind>(
  kind: K,
  init: AvalaErrorSubclassInit,
): ErrorOfKind<K> {
  return new ERROR_CLASSES[kind](init) as ErrorOfKind<K>;
}

/**
 * 400 Bad Request, 422 Unprocessable Content or 415 Unsupported Media Type (a body that is not
 * JSON): the request was invalid (see `fieldErrors`; `status` tells which). Never retried.
 */
export const BadRequestError = ERROR_CLASSES.bad_request;
/** An error of kind `bad_request` (see the class {@link BadRequestError}). */
export type BadRequestError = ErrorOfKind<'bad_request'>;

/** 401: the key is missing, invalid, revoked or expired. Never retried. */
export const UnauthorizedError = ERROR_CLASSES.unauthorized;
/** An error of kind `unauthorized` (see the class {@link UnauthorizedError}). */
export type UnauthorizedError = ErrorOfKind<'unauthorized'>;

/** 403: the key is valid but not allowed (another organization, a role, the plan: see `code`). Never retried. */
export const ForbiddenError = ERROR_CLASSES.forbidden;
/** An error of kind `forbidden` (see the class {@link ForbiddenError}). */
export type ForbiddenError = ErrorOfKind<'forbidden'>;

/** 404: wrong id, deleted resource or wrong path. Never retried. */
export const NotFoundError = ERROR_CLASSES.not_found;
/** An error of kind `not_found` (see the class {@link NotFoundError}). */
export type NotFoundError = ErrorOfKind<'not_found'>;

/** 405: the endpoint does not support the method. Never retried. */
export const MethodNotAllowedError = ERROR_CLASSES.method_not_allowed;
/** An error of kind `method_not_allowed` (see the class {@link MethodNotAllowedError}). */
export type MethodNotAllowedError = ErrorOfKind<'method_not_allowed'>;

/** 409: a duplicate name or an illegal state transition. Never retried. */
export const ConflictError = ERROR_CLASSES.conflict;
/** An error of kind `conflict` (see the class {@link ConflictError}). */
export type ConflictError = ErrorOfKind<'conflict'>;

/** 413: the upload or JSON body is over the size limit. Never retried. */
export const PayloadTooLargeError = ERROR_CLASSES.payload_too_large;
/** An error of kind `payload_too_large` (see the class {@link PayloadTooLargeError}). */
export type PayloadTooLargeError = ErrorOfKind<'payload_too_large'>;

/** 429: over the rate limit; `retryAfterMs` says how long to wait. Transient. */
export const RateLimitError = ERROR_CLASSES.rate_limited;
/** An error of kind `rate_limited` (see the class {@link RateLimitError}). */
export type RateLimitError = ErrorOfKind<'rate_limited'>;

/** 500 and other 5xx but 503. 500, 502 and 504 are transient (for POST/PATCH only when marked idempotent); 501, 505… are not. */
export const ServerError = ERROR_CLASSES.server_error;
/** An error of kind `server_error` (see the class {@link ServerError}). */
export type ServerError = ErrorOfKind<'server_error'>;

/** 503: maintenance or overload; `retryAfterMs` when the server said how long. Transient. */
export const ServiceUnavailableError = ERROR_CLASSES.service_unavailable;
/** An error of kind `service_unavailable` (see the class {@link ServiceUnavailableError}). */
export type ServiceUnavailableError = ErrorOfKind<'service_unavailable'>;

/** No response arrived (offline, DNS, connection refused or reset). Transient for idempotent calls. */
export const NetworkError = ERROR_CLASSES.network;
/** An error of kind `network` (see the class {@link NetworkError}). */
export type NetworkError = ErrorOfKind<'network'>;

/** An attempt took longer than the per-attempt timeout. Transient for idempotent calls. */
export const TimeoutError = ERROR_CLASSES.timeout;
/** An error of kind `timeout` (see the class {@link TimeoutError}). */
export type TimeoutError = ErrorOfKind<'timeout'>;

/** The caller aborted the call through its `signal`. Never retried. */
export const AbortedError = ERROR_CLASSES.aborted;
/** An error of kind `aborted` (see the class {@link AbortedError}). */
export type AbortedError = ErrorOfKind<'aborted'>;

/** Any other status (other 4xx such as 418, a 3xx that was not followed, a 1xx). Never retried. */
export const UnexpectedStatusError = ERROR_CLASSES.unexpected_status;
/** An error of kind `unexpected_status` (see the class {@link UnexpectedStatusError}). */
export type UnexpectedStatusError = ErrorOfKind<'unexpected_status'>;
