/**
 * The base of every error the client throws (docs/errors.md). Each failure kind has its own
 * subclass (`errors/kinds.ts`); `kind` is the stable string to branch on.
 *
 * Redaction happens here, in the constructor: whoever builds an `AvalaError` (the client,
 * a test, an app), the key cannot end up in its message, detail, field errors, body, URL or
 * `toJSON()` (docs/security.md).
 */
import type { AvalaErrorKind, RateLimitInfo, RequestInfo } from '../types/errors.js';
import {
  isSecretName,
  REDACTED,
  redactString,
  redactUrl,
  redactValue,
  setOwn,
} from '../utils/redact.js';
import { AVALA_ERROR_BRAND, hasAvalaErrorBrand } from './brand.js';
import { INSPECT, inspectRedacted } from './inspect.js';
import type { AnyAvalaError } from './kinds.js';
import { buildMessage, finishMessage } from './message.js';
import { isTransientKind } from './transient.js';

/** What an `AvalaError` is built from; everything but `kind` is optional. */
export interface AvalaErrorInit {
  kind: AvalaErrorKind;
  /** Overrides the derived message (still redacted, one line, ≤ 500 characters). */
  message?: string;
  status?: number;
  /** The response's reason phrase, used in the fallback message. */
  statusText?: string;
  detail?: string;
  code?: string;
  docUrl?: string;
  fieldErrors?: Record<string, string[]>;
  nonFieldErrors?: string[];
  retryAfterMs?: number;
  rateLimit?: RateLimitInfo;
  /** The request the error belongs to; its URL is redacted. */
  request?: RequestInfo;
  /** The caller marked the call idempotent (POST/PATCH then follow the full §3 rule). */
  idempotent?: boolean;
  /** Requests sent for this call so far. Default 1. */
  attempts?: number;
  /** The parsed body or its (truncated) text; redacted before it is stored. */
  body?: unknown;
  cause?: unknown;
}

/** What a subclass is built from: the init without `kind` (the class fixes it). */
export type AvalaErrorSubclassInit = Omit<AvalaErrorInit, 'kind'>;

/** The plain, redacted object `AvalaError#toJSON()` returns (for logs and error trackers). */
export interface AvalaErrorJSON {
  name: string;
  kind: AvalaErrorKind;
  message: string;
  status?: number;
  detail?: string;
  code?: string;
  docUrl?: string;
  fieldErrors: Record<string, string[]>;
  nonFieldErrors: string[];
  retryAfterMs?: number;
  rateLimit?: RateLimitInfo;
  method?: string;
  url?: string;
  attempts: number;
  transient: boolean;
  body?: unknown;
  /** The cause's name and (redacted) message; never its stack. */
  cause?: { name: string; message: string };
  /** Schema issues (`InvalidResponseError` only). */
  issues?: { message: string; path?: (string | number)[] }[];
}

/**
 * A failed call to the Avala API, classified (docs/errors.md). Branch on `kind` (or `code` for
 * structured errors such as `plan_insufficient`), put `fieldErrors` into a form, show
 * `message` to a person. Every property is redacted: no `avk_…` key survives in it.
 *
 * The props are read-only to callers, except `attempts`, which the client sets after its
 * retries (see {@link AvalaError.withAttempts}).
 */
export class AvalaError extends Error {
  // Declared, not initialised as class fields: the constructor assigns each one, in this order
  // (the order `inspect` and spreads show), and the bundle carries no field list.
  /** What went wrong, the stable thing to branch on. */
  declare readonly kind: AvalaErrorKind;
  /** The HTTP status; `undefined` when no response arrived (network, timeout, aborted). */
  declare readonly status: number | undefined;
  /** The server's human-readable text (`detail`), when it sent a string one. */
  declare readonly detail: string | undefined;
  /** A machine code from a structured error (`plan_insufficient`), when present. */
  declare readonly code: string | undefined;
  /** The documentation link of a structured error (`doc_url`), when present. */
  declare readonly docUrl: string | undefined;
  /** Field messages keyed by dotted path (`name`, `filters.split`, `items.1.weight`). */
  declare readonly fieldErrors: Record<string, string[]>;
  /** Object-level messages (`non_field_errors`, or a top-level list). */
  declare readonly nonFieldErrors: string[];
  /** The wait the server asked for (`Retry-After`, else `X-RateLimit-Reset` on 429/503). */
  declare readonly retryAfterMs: number | undefined;
  /** The budget from the `X-RateLimit-*` headers, when present. */
  declare readonly rateLimit: RateLimitInfo | undefined;
  /** The request's method (upper case). */
  declare readonly method: string | undefined;
  /** The request's URL, with any key and secret query parameters redacted. */
  declare readonly url: string | undefined;
  /** How many requests were sent for this call; the client sets it after retrying. */
  declare attempts: number;
  /** Whether the docs/retry-rule.md rule calls this error transient for its method. */
  declare readonly transient: boolean;
  /** The caller marked the call idempotent. */
  declare readonly idempotent: boolean;
  /** The parsed body, or its truncated text, with secrets redacted. */
  declare readonly body: unknown;

  constructor(init: AvalaErrorInit) {
    const fieldErrors = redactFieldErrors(init.fieldErrors);
    const nonFieldErrors = (init.nonFieldErrors ?? []).map(redactString);
    const detail = ifDefined(init.detail, redactString);
    const message = buildMessage({ ...init, detail, fieldErrors, nonFieldErrors });
    super(message, init.cause === undefined ? undefined : { cause: init.cause });
    // Keeps `instanceof` right when the class is compiled down to ES5 by a consumer.
    Object.setPrototypeOf(this, new.target.prototype);
    const { kind, status } = init;
    const { method, url } = init.request ?? {};
    const upperMethod = typeof method === 'string' && method ? method.toUpperCase() : undefined;
    const idempotent = init.idempotent === true;
    this.kind = kind;
    this.status = status;
    this.detail = detail;
    this.code = ifDefined(init.code, redactString);
    this.docUrl = ifDefined(init.docUrl, redactUrl);
    this.fieldErrors = fieldErrors;
    this.nonFieldErrors = nonFieldErrors;
    this.retryAfterMs = init.retryAfterMs;
    this.rateLimit = ifDefined(init.rateLimit, (info) => ({ ...info }));
    this.method = upperMethod;
    this.url = typeof url === 'string' ? redactUrl(url) : undefined;
    this.attempts = init.attempts ?? 1;
    this.transient = isTransientKind(kind, status, upperMethod, { idempotent });
    this.idempotent = idempotent;
    this.body = ifDefined(init.body, redactValue);
    this.name = 'AvalaError';
  }

  /** Marks every `AvalaError`, from any copy of the package (see {@link isAvalaError}). */
  get [AVALA_ERROR_BRAND](): true {
    return true;
  }

  /**
   * What Node's `console.log` and `util.inspect` print: the error as usual, but with its
   * cause chain reduced to names, messages, stacks and plain fields, redacted. The cause is
   * kept as is on the error (for `instanceof` checks), yet ky's `TimeoutError` or
   * `HTTPError` there holds the `Request`, whose headers carry the key (docs/security.md).
   */
  [INSPECT](
    _depth: number,
    options: unknown,
    inspect: (value: unknown, options?: unknown) => string,
  ): string {
    return inspectRedacted(this, options, inspect);
  }

  /** Sets {@link AvalaError.attempts} (the client calls it after its retries) and returns `this`. */
  withAttempts(attempts: number): this {
    this.attempts = attempts;
    return this;
  }

  /**
   * A plain object of every property above, redacted, for logs and error trackers
   * (`JSON.stringify(error)` uses it). The cause is reduced to its name and message.
   */
  toJSON(): AvalaErrorJSON {
    const json: Record<string, unknown> = {};
    for (const key of JSON_KEYS) if (this[key] !== undefined) json[key] = this[key];
    const cause = describeCause(this.cause);
    if (cause) json.cause = cause;
    return json as unknown as AvalaErrorJSON;
  }
}

/**
 * Whether `value` is an `AvalaError` — also one thrown by another copy of this package
 * (checked through a `Symbol.for` brand, where `instanceof` would fail). It narrows to
 * {@link AnyAvalaError}, the union of the subclasses, so `kind` then narrows further. (An
 * error you build yourself should be one of the subclasses, or `createErrorOfKind`'s.)
 */
export function isAvalaError(value: unknown): value is AnyAvalaError {
  return value instanceof AvalaError || hasAvalaErrorBrand(value);
}

// What `toJSON` copies, in this order, when it is set: the first seven always are.
const JSON_KEYS = [
  'name',
  'kind',
  'message',
  'fieldErrors',
  'nonFieldErrors',
  'attempts',
  'transient',
  'status',
  'detail',
  'code',
  'docUrl',
  'retryAfterMs',
  'rateLimit',
  'method',
  'url',
  'body',
] as const satisfies readonly (keyof AvalaErrorJSON & keyof AvalaError)[];

function ifDefined<T, R>(value: T | undefined, map: (value: T) => R): R | undefined {
  return value === undefined ? undefined : map(value);
}

function redactFieldErrors(
  fieldErrors: Record<string, string[]> | undefined,
): Record<string, string[]> {
  const out: Record<string, string[]> = {};
  for (const [path, messages] of Object.entries(fieldErrors ?? {})) {
    if (!Array.isArray(messages) || messages.length === 0) continue;
    const secret = isSecretName(path);
    const redacted = messages.map((message) => (secret ? REDACTED : redactString(String(message))));
    setOwn(out, redactString(path), redacted);
  }
  return out;
}

function describeCause(cause: unknown): { name: string; message: string } | undefined {
  if (typeof cause === 'string') return { name: 'string', message: finishMessage(cause) };
  // An error, from this realm or another, or anything shaped like one.
  if (typeof cause !== 'object' || cause === null || !('message' in cause)) return undefined;
  const { name, message } = cause as { name?: unknown; message?: unknown };
  return {
    name: typeof name === 'string' ? name : 'Error',
    message: finishMessage(typeof message === 'string' ? message : ''),
  };
}
