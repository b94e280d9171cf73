import { describe, expect, it } from 'vitest';
import {
  type AvalaError,
  createAbortedError,
  createInvalidResponseError,
  createNetworkError,
  createTimeoutError,
  errorFromHttp,
  isIdempotentMethod,
  isTransientError,
} from './helpers.js';

const IDEMPOTENT = ['GET', 'HEAD', 'PUT', 'DELETE', 'OPTIONS'] as const;
const NON_IDEMPOTENT = ['POST', 'PATCH'] as const;

type Case = [label: string, make: () => AvalaError, idempotentMethods: boolean, others: boolean];

const http = (status: number) => () => errorFromHttp({ status, body: undefined });

// [what, error, transient for GET…OPTIONS, transient for POST/PATCH (unmarked)]
const CASES: Case[] = [
  ['400', http(400), false, false],
  ['401', http(401), false, false],
  ['403', http(403), false, false],
  ['404', http(404), false, false],
  ['405', http(405), false, false],
  ['409', http(409), false, false],
  ['413', http(413), false, false],
  ['422', http(422), false, false],
  ['418', http(418), false, false],
  ['302', http(302), false, false],
  ['429', http(429), true, true],
  ['500', http(500), true, false],
  ['501', http(501), false, false],
  ['502', http(502), true, false],
  ['503', http(503), true, true],
  ['504', http(504), true, false],
  ['network', () => createNetworkError(new TypeError('fetch failed')), true, false],
  ['timeout', () => createTimeoutError(1000), true, false],
  ['aborted', () => createAbortedError(), false, false],
  ['invalid_response', () => createInvalidResponseError({ status: 200 }), false, false],
];

describe('isTransientError: docs/retry-rule.md for every method × kind', () => {
  for (const [label, make, forIdempotent, forOthers] of CASES) {
    it.each(IDEMPOTENT)(`${label} on %s → ${forIdempotent}`, (method) => {
      expect(isTransientError(make(), method)).toBe(forIdempotent);
      expect(isTransientError(make(), method.toLowerCase())).toBe(forIdempotent);
    });
    it.each(NON_IDEMPOTENT)(`${label} on %s → ${forOthers}`, (method) => {
      expect(isTransientError(make(), method)).toBe(forOthers);
    });
    // Marking a POST/PATCH idempotent makes it follow the full rule.
    it.each(NON_IDEMPOTENT)(`${label} on %s marked idempotent → ${forIdempotent}`, (method) => {
      expect(isTransientError(make(), method, { idempotent: true })).toBe(forIdempotent);
    });
  }
});

describe('isTransientError defaults', () => {
  it('uses the method and idempotent flag recorded on the error', () => {
    const post = errorFromHttp({ status: 500, body: undefined, request: { method: 'POST' } });
    expect(isTransientError(post)).toBe(false);
    expect(post.transient).toBe(false);
    const marked = errorFromHttp({
      status: 500,
      body: undefined,
      request: { method: 'POST' },
      idempotent: true,
    });
    expect(isTransientError(marked)).toBe(true);
    expect(marked.transient).toBe(true);
    expect(isTransientError(marked, 'POST', { idempotent: false })).toBe(false);
  });

  it('treats an error without a method as a GET', () => {
    expect(isTransientError(errorFromHttp({ status: 502, body: undefined }))).toBe(true);
  });

  it('matches error.transient for every case', () => {
    for (const [, make] of CASES) {
      const error = make();
      expect(isTransientError(error)).toBe(error.transient);
    }
  });

  it('says false for anything that is not an AvalaError', () => {
    for (const value of [
      new TypeError('fetch failed'),
      new Error('500'),
      { kind: 'server_error', status: 500 },
      null,
      undefined,
      'timeout',
    ]) {
      expect(isTransientError(value, 'GET')).toBe(false);
    }
  });
});

describe('isIdempotentMethod', () => {
  it.each([
    ['GET', true],
    ['get', true],
    ['HEAD', true],
    ['PUT', true],
    ['DELETE', true],
    ['OPTIONS', true],
    ['TRACE', true],
    [undefined, true],
    ['POST', false],
    ['PATCH', false],
    ['patch', false],
    ['CONNECT', false],
    ['PURGE', false],
  ] as const)('%s → %s', (method, expected) => {
    expect(isIdempotentMethod(method)).toBe(expected);
  });
});
