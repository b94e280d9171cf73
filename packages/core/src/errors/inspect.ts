/**
 * What Node's `console.log` and `util.inspect` print for an `AvalaError` (its `[INSPECT]`
 * method calls {@link inspectRedacted}): the error as usual, but with its cause chain reduced
 * to names, messages, stacks and plain fields, redacted. The cause stays as is on the error
 * itself; only the printed copy is reduced (docs/security.md).
 */
import { isSecretName, REDACTED, redactString, redactValue } from '../utils/redact.js';

/** Node's `util.inspect` hook; a registered symbol, so no import of `node:util`. */
export const INSPECT = Symbol.for('nodejs.util.inspect.custom');

/** Prints `error` through Node's `inspect` with its cause chain made safe to log. */
export function inspectRedacted(
  error: Error,
  options: unknown,
  inspect: (value: unknown, options?: unknown) => string,
): string {
  const cause = error.cause === undefined ? undefined : loggableCause(error.cause, 0);
  return inspect(Object.assign(copyError(error, error.message, cause), error), options);
}

// How deep a cause chain is copied for a log line (fetch's TypeError → its socket error).
const MAX_CAUSE_DEPTH = 3;

// A redacted stand-in for a cause: an error keeps its class, message, stack and primitive
// fields (`code: 'ECONNREFUSED'`) but drops objects such as a `Request` and its headers.
function loggableCause(cause: unknown, depth: number): unknown {
  if (!(cause instanceof Error)) return redactValue(cause);
  const next =
    cause.cause !== undefined && depth < MAX_CAUSE_DEPTH
      ? loggableCause(cause.cause, depth + 1)
      : undefined;
  const copy = copyError(cause, redactString(cause.message), next);
  const fields = copy as unknown as Record<string, unknown>;
  for (const [key, value] of Object.entries(cause)) {
    if (key === 'message' || key === 'stack' || key === 'cause') continue;
    if (value !== null && typeof value === 'object') continue;
    fields[key] = isSecretName(key) ? REDACTED : redactValue(value);
  }
  return copy;
}

// An error of `source`'s class with only a message, a redacted stack and a cause, laid out
// like a real one (own, hidden), so Node prints it under its class name. The hidden
// inspector stops a copy of an `AvalaError` from calling back into its class's.
function copyError(source: Error, message: string, cause: unknown): Error {
  const hidden = (value: unknown): PropertyDescriptor => ({
    value,
    writable: true,
    configurable: true,
    enumerable: false,
  });
  const fields: PropertyDescriptorMap = {
    message: hidden(message),
    stack: hidden(source.stack === undefined ? undefined : redactString(source.stack)),
    [INSPECT]: hidden(undefined),
  };
  if (cause !== undefined) fields.cause = hidden(cause);
  return Object.create(Object.getPrototypeOf(source) as object, fields) as Error;
}
