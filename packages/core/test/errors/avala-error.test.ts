import { describe, expect, it } from 'vitest';
import {
  AbortedError,
  AvalaError,
  type AvalaErrorKind,
  BadRequestError,
  ConflictError,
  createAbortedError,
  createErrorOfKind,
  createInvalidResponseError,
  createNetworkError,
  createTimeoutError,
  ERROR_CLASSES,
  errorFromHttp,
  ForbiddenError,
  InvalidResponseError,
  isAvalaError,
  MethodNotAllowedError,
  NetworkError,
  NotFoundError,
  PayloadTooLargeError,
  RateLimitError,
  ServerError,
  ServiceUnavailableError,
  TimeoutError,
  UnauthorizedError,
  UnexpectedStatusError,
} from './helpers.js';

const SUBCLASSES: [AvalaErrorKind, new () => AvalaError, string][] = [
  ['bad_request', BadRequestError, 'BadRequestError'],
  ['unauthorized', UnauthorizedError, 'UnauthorizedError'],
  ['forbidden', ForbiddenError, 'ForbiddenError'],
  ['not_found', NotFoundError, 'NotFoundError'],
  ['method_not_allowed', MethodNotAllowedError, 'MethodNotAllowedError'],
  ['conflict', ConflictError, 'ConflictError'],
  ['payload_too_large', PayloadTooLargeError, 'PayloadTooLargeError'],
  ['rate_limited', RateLimitError, 'RateLimitError'],
  ['server_error', ServerError, 'ServerError'],
  ['service_unavailable', ServiceUnavailableError, 'ServiceUnavailableError'],
  ['network', NetworkError, 'NetworkError'],
  ['timeout', TimeoutError, 'TimeoutError'],
  ['aborted', AbortedError, 'AbortedError'],
  ['unexpected_status', UnexpectedStatusError, 'UnexpectedStatusError'],
  ['invalid_response', InvalidResponseError, 'InvalidResponseError'],
];

describe('one subclass per kind', () => {
  it('covers every kind exactly once', () => {
    expect(Object.keys(ERROR_CLASSES).sort()).toEqual(SUBCLASSES.map(([kind]) => kind).sort());
  });

  it.each(SUBCLASSES)('%s → %s: instanceof, name, kind, isAvalaError', (kind, Class, name) => {
    const error = new Class();
    expect(error).toBeInstanceOf(Class);
    expect(error).toBeInstanceOf(AvalaError);
    expect(error).toBeInstanceOf(Error);
    expect(error.name).toBe(name);
    expect(Class.name).toBe(name);
    expect(error.kind).toBe(kind);
    expect(isAvalaError(error)).toBe(true);
    expect(Object.getPrototypeOf(error)).toBe(Class.prototype);
    expect(error.stack).toContain(name);
    expect(error.message.length).toBeGreaterThan(0);
    expect(createErrorOfKind(kind, {})).toBeInstanceOf(Class);
  });

  it('gives an error without status or server text a fallback message of its kind', () => {
    const fallbacks: Record<AvalaErrorKind, string> = {
      bad_request: 'Bad request',
      unauthorized: 'Unauthorized',
      forbidden: 'Forbidden',
      not_found: 'Not found',
      method_not_allowed: 'Method not allowed',
      conflict: 'Conflict',
      payload_too_large: 'Payload too large',
      rate_limited: 'Too many requests',
      server_error: 'Server error',
      service_unavailable: 'Service unavailable',
      network: 'Network error: the server could not be reached',
      timeout: 'The request timed out',
      aborted: 'The request was aborted',
      unexpected_status: 'Unexpected response status',
      invalid_response: 'Invalid response',
    };
    for (const [kind, Class] of SUBCLASSES) expect(new Class().message).toBe(fallbacks[kind]);
  });

  it('can be extended by an app, keeping instanceof and kind', () => {
    class DatasetNotFound extends NotFoundError {}
    const error = new DatasetNotFound({ detail: 'No dataset "x".' });
    expect(error).toBeInstanceOf(NotFoundError);
    expect(error).toBeInstanceOf(AvalaError);
    expect(error.kind).toBe('not_found');
    expect(error.message).toBe('No dataset "x".');
  });

  it('is not confused with other subclasses', () => {
    const error = new NotFoundError();
    expect(error).not.toBeInstanceOf(ConflictError);
    expect(error).not.toBeInstanceOf(ServerError);
  });
});

describe('isAvalaError', () => {
  it('rejects plain errors and non-errors', () => {
    for (const value of [new Error('x'), new TypeError('x'), null, undefined, 'x', 42, {}]) {
      expect(isAvalaError(value)).toBe(false);
    }
    expect(isAvalaError({ kind: 'not_found', message: 'x' })).toBe(false);
  });

  it('recognises an error from another copy of the package by its Symbol.for brand', () => {
    class ForeignError extends Error {
      kind = 'not_found';
      get [Symbol.for('@avala-fetch/core.AvalaError')](): true {
        return true;
      }
    }
    const foreign = new ForeignError('Not found.');
    expect(foreign instanceof AvalaError).toBe(false);
    expect(isAvalaError(foreign)).toBe(true);
  });
});

describe('properties (docs/errors.md table)', () => {
  it('has every property of the table, with defaults', () => {
    const error = new NotFoundError({ status: 404 });
    for (const prop of [
      'kind',
      'status',
      'message',
      'detail',
      'code',
      'docUrl',
      'fieldErrors',
      'nonFieldErrors',
      'retryAfterMs',
      'rateLimit',
      'method',
      'url',
      'attempts',
      'transient',
      'body',
    ]) {
      expect(prop in error, prop).toBe(true);
    }
    expect(error).toMatchObject({
      fieldErrors: {},
      nonFieldErrors: [],
      attempts: 1,
      transient: false,
      message: 'Not Found (404)',
    });
  });

  it('upper-cases the method and computes transient for it', () => {
    const error = new ServerError({ status: 500, request: { method: 'get', url: '/x/' } });
    expect(error.method).toBe('GET');
    expect(error.transient).toBe(true);
    expect(new ServerError({ status: 500, request: { method: 'post' } }).transient).toBe(false);
    expect(
      new ServerError({ status: 500, request: { method: 'post' }, idempotent: true }).transient,
    ).toBe(true);
  });

  it('lets the client set attempts after retrying', () => {
    const error = new ServiceUnavailableError({ status: 503 });
    expect(error.withAttempts(4)).toBe(error);
    expect(error.attempts).toBe(4);
    error.attempts = 5;
    expect(error.toJSON().attempts).toBe(5);
    expect(errorFromHttp({ status: 503, body: undefined, attempts: 3 }).attempts).toBe(3);
  });

  it('keeps cause', () => {
    const cause = new TypeError('fetch failed');
    expect(new NetworkError({ cause }).cause).toBe(cause);
  });
});

describe('toJSON', () => {
  it('returns a plain object of every property, without the cause stack', () => {
    const cause = new TypeError('socket hang up');
    const error = errorFromHttp({
      status: 429,
      headers: { 'Retry-After': '30', 'X-RateLimit-Limit': '100', 'X-RateLimit-Remaining': '0' },
      body: { detail: 'Request was throttled.', code: 'throttled' },
      request: { method: 'GET', url: 'https://api.avala.ai/api/v1/datasets/' },
      cause,
      attempts: 4,
    });
    const json = error.toJSON();
    expect(json).toEqual({
      name: 'RateLimitError',
      kind: 'rate_limited',
      status: 429,
      message: 'Request was throttled.',
      detail: 'Request was throttled.',
      code: 'throttled',
      fieldErrors: {},
      nonFieldErrors: [],
      retryAfterMs: 30_000,
      rateLimit: { limit: 100, remaining: 0 },
      method: 'GET',
      url: 'https://api.avala.ai/api/v1/datasets/',
      attempts: 4,
      transient: true,
      body: { detail: 'Request was throttled.', code: 'throttled' },
      cause: { name: 'TypeError', message: 'socket hang up' },
    });
    expect(JSON.stringify(json)).not.toContain('at ');
  });

  it('is what JSON.stringify uses, and round-trips', () => {
    const error = errorFromHttp({ status: 400, body: { name: ['Required.'] } });
    const parsed = JSON.parse(JSON.stringify(error)) as Record<string, unknown>;
    expect(parsed).toEqual(error.toJSON());
    expect(parsed.fieldErrors).toEqual({ name: ['Required.'] });
    expect(parsed.message).toBe('name: Required.');
    expect(parsed.stack).toBeUndefined();
  });

  it('includes schema issues for an invalid response', () => {
    const error = createInvalidResponseError({
      status: 200,
      issues: [{ message: 'Invalid input: expected string', path: ['results', 0, { key: 'uid' }] }],
    });
    expect(error.toJSON().issues).toEqual([
      { message: 'Invalid input: expected string', path: ['results', 0, 'uid'] },
    ]);
  });
});

describe('factories', () => {
  const request = { method: 'GET', url: 'https://api.avala.ai/api/v1/datasets/' };

  it('createNetworkError: no status, transient for a GET, the cause kept', () => {
    const cause = new TypeError('fetch failed');
    const error = createNetworkError(cause, request);
    expect(error).toBeInstanceOf(NetworkError);
    expect(error).toMatchObject({ kind: 'network', status: undefined, transient: true, cause });
    expect(error.message).toBe('Network error: the server could not be reached (fetch failed)');
    expect(createNetworkError(undefined).message).toBe(
      'Network error: the server could not be reached',
    );
    expect(createNetworkError(cause, { method: 'POST' }).transient).toBe(false);
    expect(createNetworkError(cause, { method: 'POST' }, { idempotent: true }).transient).toBe(
      true,
    );
  });

  it('createTimeoutError: names the timeout', () => {
    const error = createTimeoutError(30_000, request, { attempts: 2 });
    expect(error).toBeInstanceOf(TimeoutError);
    expect(error).toMatchObject({ kind: 'timeout', transient: true, attempts: 2 });
    expect(error.message).toBe('The request timed out after 30000 ms');
  });

  it('createAbortedError: never transient, shows a custom reason', () => {
    const error = createAbortedError(new DOMException('This operation was aborted', 'AbortError'));
    expect(error).toBeInstanceOf(AbortedError);
    expect(error).toMatchObject({ kind: 'aborted', transient: false });
    expect(error.message).toBe('The request was aborted');
    expect(createAbortedError('user left the page', request).message).toBe(
      'The request was aborted: user left the page',
    );
    expect(createAbortedError().message).toBe('The request was aborted');
  });

  it('createInvalidResponseError: not JSON, or the first schema issue with its path', () => {
    const notJson = createInvalidResponseError({ status: 200, body: '<html>login</html>' });
    expect(notJson).toBeInstanceOf(InvalidResponseError);
    expect(notJson).toMatchObject({ kind: 'invalid_response', status: 200, transient: false });
    expect(notJson.message).toBe('Invalid response (200): the body is not valid JSON');
    expect(notJson.issues).toEqual([]);

    const schema = createInvalidResponseError({
      status: 200,
      issues: [
        { message: 'Invalid input: expected string, received number', path: ['name'] },
        { message: 'Required', path: ['uid'] },
      ],
      request,
    });
    expect(schema.message).toBe(
      'Invalid response (200): name: Invalid input: expected string, received number (+1 more)',
    );
    expect(schema.issues).toHaveLength(2);
  });
});
