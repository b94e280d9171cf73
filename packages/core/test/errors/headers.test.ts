import { describe, expect, it } from 'vitest';
import { parseRateLimit, parseRetryAfter, parseServerWait } from './helpers.js';

const NOW = Date.UTC(2026, 10, 25, 12, 0, 0); // Wed, 25 Nov 2026 12:00:00 GMT
const DAY = 24 * 60 * 60 * 1000;

describe('parseRetryAfter', () => {
  const table: [string, string | null | undefined, number | undefined][] = [
    ['delay-seconds', '30', 30_000],
    ['zero seconds', '0', 0],
    ['seconds with spaces', '  7 ', 7_000],
    ['fractional seconds', '1.5', 1_500],
    ['an IMF-fixdate in the future', 'Wed, 25 Nov 2026 12:00:45 GMT', 45_000],
    ['an RFC 850 date', 'Wednesday, 25-Nov-26 12:01:00 GMT', 60_000],
    ['an asctime date (read as GMT)', 'Wed Nov 25 12:00:10 2026', 10_000],
    ['a date in the past → 0', 'Sun, 06 Nov 1994 08:49:37 GMT', 0],
    ['a date a week ahead → clamped to a day', 'Wed, 02 Dec 2026 12:00:00 GMT', DAY],
    ['huge seconds → clamped to a day', '99999999999', DAY],
    ['negative seconds → ignored', '-5', undefined],
    ['NaN → ignored', 'NaN', undefined],
    ['garbage → ignored', 'soon', undefined],
    ['garbage that Date.parse would accept → ignored', 'x 1', undefined],
    ['seconds with a unit → ignored', '5s', undefined],
    ['empty → ignored', '', undefined],
    ['missing → ignored', null, undefined],
    ['undefined → ignored', undefined, undefined],
    ['an impossible date → ignored', 'Wed, 99 Foo 2026 12:00:00 GMT', undefined],
  ];
  it.each(table)('reads %s', (_name, value, expected) => {
    expect(parseRetryAfter(value, NOW)).toBe(expected);
  });
});

describe('parseRateLimit', () => {
  const headers = (init: Record<string, string>) => new Headers(init);

  it('reads limit, remaining and reset (Unix seconds → epoch ms)', () => {
    expect(
      parseRateLimit(
        headers({
          'X-RateLimit-Limit': '100',
          'X-RateLimit-Remaining': '42',
          'X-RateLimit-Reset': String(NOW / 1000 + 60),
        }),
        NOW,
      ),
    ).toEqual({ limit: 100, remaining: 42, resetAt: NOW + 60_000 });
  });

  it('is undefined when no header is present', () => {
    expect(parseRateLimit(headers({}), NOW)).toBeUndefined();
  });

  it('keeps the valid headers and drops garbage ones', () => {
    expect(
      parseRateLimit(
        headers({
          'X-RateLimit-Limit': 'lots',
          'X-RateLimit-Remaining': '-1',
          'X-RateLimit-Reset': String(NOW / 1000),
        }),
        NOW,
      ),
    ).toEqual({ resetAt: NOW });
    expect(
      parseRateLimit(headers({ 'X-RateLimit-Limit': 'NaN', 'X-RateLimit-Reset': 'tomorrow' }), NOW),
    ).toBeUndefined();
  });

  it('drops a negative reset', () => {
    expect(parseRateLimit(headers({ 'X-RateLimit-Reset': '-100' }), NOW)).toBeUndefined();
  });

  it('drops a reset of hundreds of digits (no time at all) or a signed zero', () => {
    expect(parseRateLimit(headers({ 'X-RateLimit-Reset': '9'.repeat(400) }), NOW)).toBeUndefined();
    expect(parseRateLimit(headers({ 'X-RateLimit-Reset': '-0' }), NOW)).toBeUndefined();
  });

  it('keeps a reset in the past as it is (the window is over)', () => {
    expect(parseRateLimit(headers({ 'X-RateLimit-Reset': String(NOW / 1000 - 10) }), NOW)).toEqual({
      resetAt: NOW - 10_000,
    });
  });

  it('reads a small reset value as seconds from now (a delta some gateways send)', () => {
    expect(parseRateLimit(headers({ 'X-RateLimit-Reset': '30' }), NOW)).toEqual({
      resetAt: NOW + 30_000,
    });
  });
});

describe('parseServerWait', () => {
  const reset = (seconds: number) => new Headers({ 'X-RateLimit-Reset': String(seconds) });

  it('prefers Retry-After over X-RateLimit-Reset', () => {
    const h = new Headers({ 'Retry-After': '5', 'X-RateLimit-Reset': String(NOW / 1000 + 60) });
    expect(parseServerWait(429, h, NOW)).toBe(5_000);
  });

  it('falls back to X-RateLimit-Reset on 429 and 503', () => {
    expect(parseServerWait(429, reset(NOW / 1000 + 20), NOW)).toBe(20_000);
    expect(parseServerWait(503, reset(NOW / 1000 + 20), NOW)).toBe(20_000);
  });

  it('reads the reset as a 503 wait only when the rate budget is spent', () => {
    const window = (remaining: string) =>
      new Headers({
        'X-RateLimit-Remaining': remaining,
        'X-RateLimit-Reset': String(NOW / 1000 + 20),
      });
    expect(parseServerWait(503, window('0'), NOW)).toBe(20_000);
    expect(parseServerWait(503, window('42'), NOW)).toBeUndefined();
    // A 429 is about the window itself, whatever the remaining count says.
    expect(parseServerWait(429, window('42'), NOW)).toBe(20_000);
  });

  it('falls back to X-RateLimit-Reset when Retry-After is garbage', () => {
    const h = new Headers({ 'Retry-After': 'later', 'X-RateLimit-Reset': String(NOW / 1000 + 3) });
    expect(parseServerWait(429, h, NOW)).toBe(3_000);
  });

  it('turns a reset in the past into 0', () => {
    expect(parseServerWait(429, reset(NOW / 1000 - 30), NOW)).toBe(0);
  });

  it('ignores X-RateLimit-Reset on other statuses', () => {
    expect(parseServerWait(500, reset(NOW / 1000 + 20), NOW)).toBeUndefined();
    expect(parseServerWait(400, reset(NOW / 1000 + 20), NOW)).toBeUndefined();
  });

  it('is undefined when the server said nothing', () => {
    expect(parseServerWait(429, new Headers(), NOW)).toBeUndefined();
  });
});
