import { describe, expect, it } from 'vitest';
import {
  defaultPools,
  defaultRateLimitOptions,
  defaultScopes,
  normalizeRateLimitOptions,
} from '../../src/governor/index.js';

describe('normalizeRateLimitOptions', () => {
  it('fills in the defaults the API documents', () => {
    expect(normalizeRateLimitOptions()).toEqual({
      initialConcurrency: 4,
      burstPerSecond: 20,
      pools: [...defaultPools],
      broadcastChannel: 'avala-fetch',
      scopes: [...defaultScopes],
    });
    expect(defaultScopes.map((scope) => scope.name)).toEqual(['inference']);
    expect(defaultPools.map((pool) => [pool.name, pool.size])).toEqual([
      ['uploads', 10],
      ['exports', 5],
    ]);
  });

  it('passes false through, which turns the governor off', () => {
    expect(normalizeRateLimitOptions(false)).toBe(false);
  });

  it('replaces the default pools with the given ones', () => {
    const pools = [{ name: 'inference', match: /^POST \/inference\//, size: 2 }];
    const options = normalizeRateLimitOptions({ pools, broadcastChannel: false });
    expect(options.pools).toEqual(pools);
    expect(options.broadcastChannel).toBe(false);
    expect(options.initialConcurrency).toBe(defaultRateLimitOptions.initialConcurrency);
  });

  it('accepts an infinite burst to turn the burst cap off', () => {
    expect(normalizeRateLimitOptions({ burstPerSecond: Infinity }).burstPerSecond).toBe(Infinity);
  });

  it.each([
    [{ initialConcurrency: 0 }, /initialConcurrency/],
    [{ burstPerSecond: 2.5 }, /burstPerSecond/],
    [{ pools: [{ name: 'x', match: /x/, size: 0 }] }, /pools\[x\]\.size/],
    [
      {
        pools: [
          { name: 'x', match: /x/, size: 1 },
          { name: 'x', match: /y/, size: 1 },
        ],
      },
      /duplicate/,
    ],
    [{ broadcastChannel: '' }, /broadcastChannel/],
  ])('refuses %o', (input, message) => {
    expect(() => normalizeRateLimitOptions(input)).toThrow(message);
  });

  it('matches the default pools on method and path', () => {
    const [uploads, exports] = defaultPools;
    expect(uploads?.match).toBeInstanceOf(RegExp);
    const test = (pattern: unknown, key: string) => (pattern as RegExp).test(key);
    expect(test(uploads?.match, 'POST /datasets/manual-upload/file-upload-url/')).toBe(true);
    expect(test(uploads?.match, 'POST /datasets/manual-upload/')).toBe(false);
    expect(test(uploads?.match, 'POST /uploads/')).toBe(false);
    expect(test(exports?.match, 'POST /exports/')).toBe(true);
    expect(test(exports?.match, 'GET /exports/')).toBe(false);
    expect(test(exports?.match, 'POST /exports/abc/cancel/')).toBe(false);
  });
});
