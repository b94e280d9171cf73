import { describe, expect, it } from 'vitest';
import { refusalOf } from '../../src/governor/index.js';

const budgetLeft = { limit: 100, remaining: 91, resetAt: 0 };
const spent = { limit: 100, remaining: 0, resetAt: 0 };

describe('refusalOf: a concurrency 429 from a rate 429', () => {
  it.each([
    [
      'the code names a concurrency limit',
      429,
      spent,
      'too_many_exports',
      false,
      'concurrency_limited',
    ],
    [
      'the code says concurrent',
      429,
      undefined,
      'concurrent_uploads_exceeded',
      true,
      'concurrency_limited',
    ],
    ['the code says throttled', 429, budgetLeft, 'throttled', true, 'rate_limited'],
    ['a pooled request with budget left', 429, budgetLeft, undefined, true, 'concurrency_limited'],
    [
      'a pooled request with the headers stripped',
      429,
      undefined,
      undefined,
      true,
      'concurrency_limited',
    ],
    ['a pooled request with the budget spent', 429, spent, undefined, true, 'rate_limited'],
    [
      'any other request with budget left (the burst)',
      429,
      budgetLeft,
      undefined,
      false,
      'rate_limited',
    ],
    ['a 503', 503, budgetLeft, undefined, true, 'service_unavailable'],
    ['a 200', 200, budgetLeft, undefined, true, undefined],
  ] as const)('%s', (_, status, view, code, pooled, expected) => {
    expect(refusalOf(status, view, code, pooled)).toBe(expected);
  });
});
