/**
 * One `AvalaError` subclass per kind (docs/errors.md), so callers can use `instanceof` as well as
 * `kind`, and {@link createErrorOfKind}, which the classification uses to pick the class.
 */
import type { StandardSchemaV1Issue } from 'ky';
import type { AvalaErrorKind } from '../types/errors.js';
import { isSecretName, REDACTED, redactString } from '../utils/redact.js';
import { AvalaError, type AvalaErrorJSON, type AvalaErrorSubclassInit } from './avala-error.js';

/**
 * 400 Bad Request, 422 Unprocessable Content or 415 Unsupported Media Type (a body that is not
 * JSON): the request was invalid (see `fieldErrors`; `status` tells which). Never retried.
 */
export class BadRequestError extends AvalaError {
  declare readonly kind: 'bad_request';

  constructor(init: AvalaErrorSubclassInit = {}) {
    super({ ...init, kind: 'bad_request' });
    this.name = 'BadRequestError';
  }
}

/** 401: the key is missing, invalid, revoked or expired. Never retried. */
export class UnauthorizedError extends AvalaError {
  declare readonly kind: 'unauthorized';

  constructor(init: AvalaErrorSubclassInit = {}) {
    super({ ...init, kind: 'unauthorized' });
    this.name = 'UnauthorizedError';
  }
}

/** 403: the key is valid but not allowed (another organization, a role, the plan: see `code`). Never retried. */
export class ForbiddenError extends AvalaError {
  declare readonly kind: 'forbidden';

  constructor(init: AvalaErrorSubclassInit = {}) {
    super({ ...init, kind: 'forbidden' });
    this.name = 'ForbiddenError';
  }
}

/** 404: wrong id, deleted resource or wrong path. Never retried. */
export class NotFoundError extends AvalaError {
  declare readonly kind: 'not_found';

  constructor(init: AvalaErrorSubclassInit = {}) {
    super({ ...init, kind: 'not_found' });
    this.name = 'NotFoundError';
  }
}

/** 405: the endpoint does not support the method. Never retried. */
export class MethodNotAllowedError extends AvalaError {
  declare readonly kind: 'method_not_allowed';

  constructor(init: AvalaErrorSubclassInit = {}) {
    super({ ...init, kind: 'method_not_allowed' });
    this.name = 'MethodNotAllowedError';
  }
}

/** 409: a duplicate name or an illegal state transition. Never retried. */
export class ConflictError extends AvalaError {
  declare readonly kind: 'conflict';

  constructor(init: AvalaErrorSubclassInit = {}) {
    super({ ...init, kind: 'conflict' });
    this.name = 'ConflictError';
  }
}

/** 413: the upload or JSON body is over the size limit. Never retried. */
export class PayloadTooLargeError extends AvalaError {
  declare readonly kind: 'payload_too_large';

  constructor(init: AvalaErrorSubclassInit = {}) {
    super({ ...init, kind: 'payload_too_large' });
    this.name = 'PayloadTooLargeError';
  }
}

/** 429: over the rate limit; `retryAfterMs` says how long to wait. Transient. */
export class RateLimitError extends AvalaError {
  declare readonly kind: 'rate_limited';

  constructor(init: AvalaErrorSubclassInit = {}) {
    super({ ...init, kind: 'rate_limited' });
    this.name = 'RateLimitError';
  }
}

/** 500 and other 5xx but 503. 500, 502 and 504 are transient (for POST/PATCH only when marked idempotent); 501, 505… are not. */
export class ServerError extends AvalaError {
  declare readonly kind: 'server_error';

  constructor(init: AvalaErrorSubclassInit = {}) {
    super({ ...init, kind: 'server_error' });
    this.name = 'ServerError';
  }
}

/** 503: maintenance or overload; `retryAfterMs` when the server said how long. Transient. */
export class ServiceUnavailableError extends AvalaError {
  declare readonly kind: 'service_unavailable';

  constructor(init: AvalaErrorSubclassInit = {}) {
    super({ ...init, kind: 'service_unavailable' });
    this.name = 'ServiceUnavailableError';
  }
}

/** No response arrived (offline, DNS, connection refused or reset). Transient for idempotent calls. */
export class NetworkError extends AvalaError {
  declare readonly kind: 'network';

  constructor(init: AvalaErrorSubclassInit = {}) {
    super({ ...init, kind: 'network' });
    this.name = 'NetworkError';
  }
}

/** An attempt took longer than the per-attempt timeout. Transient for idempotent calls. */
export class TimeoutError extends AvalaError {
  declare readonly kind: 'timeout';

  constructor(init: AvalaErrorSubclassInit = {}) {
    super({ ...init, kind: 'timeout' });
    this.name = 'TimeoutError';
  }
}

/** The caller aborted the call through its `signal`. Never retried. */
export class AbortedError extends AvalaError {
  declare readonly kind: 'aborted';

  constructor(init: AvalaErrorSubclassInit = {}) {
    super({ ...init, kind: 'aborted' });
    this.name = 'AbortedError';
  }
}

/** Any other status (other 4xx such as 418, a 3xx that was not followed, a 1xx). Never retried. */
export class UnexpectedStatusError extends AvalaError {
  declare readonly kind: 'unexpected_status';

  constructor(init: AvalaErrorSubclassInit = {}) {
    super({ ...init, kind: 'unexpected_status' });
    this.name = 'UnexpectedStatusError';
  }
}

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
    const { issues, ...rest } = init;
    super({ ...rest, kind: 'invalid_response' });
    this.name = 'InvalidResponseError';
    this.issues = (issues ?? []).slice(0, 100).map(toSchemaIssue);
  }

  override toJSON(): AvalaErrorJSON {
    return { ...super.toJSON(), issues: this.issues.map((issue) => ({ ...issue })) };
  }
}

function toSchemaIssue(issue: StandardSchemaV1Issue): SchemaIssue {
  const path = issue.path?.map((segment) => {
    const key = typeof segment === 'object' && segment !== null ? segment.key : segment;
    return typeof key === 'number' ? key : redactString(String(key));
  });
  // A custom schema message may quote the value; under a secret-looking field it must not.
  const secret = path?.some((key) => typeof key === 'string' && isSecretName(key)) === true;
  const out: SchemaIssue = { message: secret ? REDACTED : redactString(String(issue.message)) };
  if (path) out.path = path;
  return out;
}

/** The subclass of each kind. */
export const ERROR_CLASSES = {
  bad_request: BadRequestError,
  unauthorized: UnauthorizedError,
  forbidden: ForbiddenError,
  not_found: NotFoundError,
  method_not_allowed: MethodNotAllowedError,
  conflict: ConflictError,
  payload_too_large: PayloadTooLargeError,
  rate_limited: RateLimitError,
  server_error: ServerError,
  service_unavailable: ServiceUnavailableError,
  network: NetworkError,
  timeout: TimeoutError,
  aborted: AbortedError,
  unexpected_status: UnexpectedStatusError,
  invalid_response: InvalidResponseError,
} as const satisfies Record<AvalaErrorKind, new (init?: AvalaErrorSubclassInit) => AvalaError>;

/**
 * Every error a call can end in: the union of the subclasses, discriminated by `kind`, so
 * `if (error.kind === 'invalid_response')` narrows to {@link InvalidResponseError} (and its
 * `issues`) and a `switch` over `kind` can be checked for exhaustiveness (docs/errors.md).
 * `isAvalaError(x)` narrows to it; the hooks of `@avala-fetch/react` type `error` with it.
 */
export type AnyAvalaError = InstanceType<(typeof ERROR_CLASSES)[AvalaErrorKind]>;

/** The subclass of one kind: `ErrorOfKind<'not_found'>` is {@link NotFoundError}. */
export type ErrorOfKind<K extends AvalaErrorKind> = InstanceType<(typeof ERROR_CLASSES)[K]>;

/** An instance of the kind's subclass (`not_found` → `NotFoundError`). */
export function createErrorOfKind<K extends AvalaErrorKind>(
  kind: K,
  init: AvalaErrorSubclassInit,
): ErrorOfKind<K> {
  return new ERROR_CLASSES[kind](init) as ErrorOfKind<K>;
}
