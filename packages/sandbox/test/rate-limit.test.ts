import { describe, expect, it } from 'vitest';
import { SlidingWindowLimiter, toRetryAfterSeconds } from '../src/rate-limiter.js';
import { call, manualClock, useSandbox } from './helpers.js';

function rateHeaders(response: Response) {
  return {
    limit: response.headers.get('X-RateLimit-Limit'),
    remaining: response.headers.get('X-RateLimit-Remaining'),
    reset: response.headers.get('X-RateLimit-Reset'),
    retryAfter: response.headers.get('Retry-After'),
  };
}

describe('sliding window per key (injected clock)', () => {
  const clock = manualClock();
  const ctx = useSandbox({
    now: clock.now,
    rateLimit: { limit: 5, windowMs: 10_000, burst: 100, burstWindowMs: 1_000 },
  });

  it('counts down X-RateLimit-Remaining and announces the reset in Unix seconds', async () => {
    const start = clock.now();
    for (let sent = 1; sent <= 5; sent++) {
      const response = await call(ctx.sandbox, '/datasets/?limit=1');
      expect(response.status).toBe(200);
      expect(rateHeaders(response)).toMatchObject({
        limit: '5',
        remaining: String(5 - sent),
        reset: String(Math.ceil((start + 10_000) / 1000)),
      });
      clock.advance(1_000);
    }
  });

  it('answers 429 with Retry-After and DRF detail once the window is full', async () => {
    for (let i = 0; i < 5; i++) await call(ctx.sandbox, '/health/');
    clock.advance(2_500);
    const refused = await call(ctx.sandbox, '/datasets/');
    expect(refused.status).toBe(429);
    expect(rateHeaders(refused)).toMatchObject({ limit: '5', remaining: '0', retryAfter: '8' });
    expect(await refused.json()).toEqual({
      detail: 'Request was throttled. Expected available in 8 seconds.',
    });
  });

  it('recovers when the oldest request leaves the window, and refused requests do not count', async () => {
    for (let i = 0; i < 5; i++) {
      await call(ctx.sandbox, '/datasets/?limit=1');
      clock.advance(100);
    }
    for (let i = 0; i < 3; i++) expect((await call(ctx.sandbox, '/health/')).status).toBe(429);
    clock.advance(10_000 - 500);
    const back = await call(ctx.sandbox, '/datasets/?limit=1');
    expect(back.status).toBe(200);
    // Only the first of the five left the window; the three 429s were never counted.
    expect(back.headers.get('X-RateLimit-Remaining')).toBe('0');
    expect((await call(ctx.sandbox, '/health/')).status).toBe(429);
    clock.advance(100);
    expect((await call(ctx.sandbox, '/health/')).status).toBe(200);
  });

  it('limits each key separately', async () => {
    for (let i = 0; i < 5; i++) await call(ctx.sandbox, '/datasets/?limit=1');
    expect((await call(ctx.sandbox, '/datasets/')).status).toBe(429);
    const other = await call(ctx.sandbox, '/datasets/', { key: ctx.sandbox.keys.readonly });
    expect(other.status).toBe(200);
    expect(other.headers.get('X-RateLimit-Remaining')).toBe('4');
  });

  it('puts the headers on every response under /api/v1, errors included', async () => {
    ctx.sandbox.injectFault({ type: 'status', status: 500 });
    const responses = [
      await call(ctx.sandbox, '/datasets/'),
      await call(ctx.sandbox, '/datasets/', { key: null }),
      await call(ctx.sandbox, '/nowhere/'),
      await call(ctx.sandbox, '/datasets/', { method: 'PUT' }),
      await call(ctx.sandbox, '/datasets/', { method: 'POST', json: {} }),
    ];
    ctx.sandbox.setMaintenance({ retryAfterS: 1 });
    responses.push(await call(ctx.sandbox, '/datasets/'));
    expect(responses.map((r) => r.status)).toEqual([500, 401, 404, 405, 400, 503]);
    for (const response of responses) {
      const { limit, remaining, reset } = rateHeaders(response);
      expect(limit).toMatch(/^\d+$/);
      expect(remaining).toMatch(/^\d+$/);
      expect(reset).toMatch(/^\d{10}$/);
    }
  });

  it('does not spend the budget on requests answered before the throttle (fault, maintenance, 401)', async () => {
    ctx.sandbox.injectFault({ type: 'status', status: 503 });
    await call(ctx.sandbox, '/datasets/');
    const after = await call(ctx.sandbox, '/datasets/?limit=1');
    expect(after.headers.get('X-RateLimit-Remaining')).toBe('4');
  });
});

describe('burst limit', () => {
  const clock = manualClock();
  const ctx = useSandbox({
    now: clock.now,
    rateLimit: { limit: 100, windowMs: 60_000, burst: 3, burstWindowMs: 1_000 },
  });

  it('refuses the request past the burst, with Retry-After from the burst window', async () => {
    for (let i = 0; i < 3; i++) expect((await call(ctx.sandbox, '/health/')).status).toBe(200);
    clock.advance(400);
    const refused = await call(ctx.sandbox, '/health/');
    expect(refused.status).toBe(429);
    expect(refused.headers.get('Retry-After')).toBe('1');
    // The sustained budget still has room; Retry-After is what to follow.
    expect(refused.headers.get('X-RateLimit-Remaining')).toBe('97');
    clock.advance(600);
    expect((await call(ctx.sandbox, '/health/')).status).toBe(200);
  });
});

describe('unauthenticated requests', () => {
  const clock = manualClock();
  const ctx = useSandbox({
    now: clock.now,
    rateLimit: { limit: 10, windowMs: 2_000, burst: 100, burstWindowMs: 1_000 },
  });

  it('are limited per IP to 30 % of the per-key limit', async () => {
    for (let i = 0; i < 3; i++) {
      const response = await call(ctx.sandbox, '/health/', { key: null });
      expect(response.status).toBe(200);
      expect(response.headers.get('X-RateLimit-Limit')).toBe('3');
    }
    const refused = await call(ctx.sandbox, '/health/', { key: null });
    expect(refused.status).toBe(429);
    // A key has its own budget.
    expect((await call(ctx.sandbox, '/health/')).status).toBe(200);
    clock.advance(2_000);
    expect((await call(ctx.sandbox, '/health/', { key: null })).status).toBe(200);
  });
});

describe('real time', () => {
  const ctx = useSandbox({ rateLimit: { limit: 2, windowMs: 300, burst: 10, burstWindowMs: 300 } });

  it('lets requests through again after a short window passes', async () => {
    expect((await call(ctx.sandbox, '/health/')).status).toBe(200);
    expect((await call(ctx.sandbox, '/health/')).status).toBe(200);
    const refused = await call(ctx.sandbox, '/health/');
    expect(refused.status).toBe(429);
    // Whole seconds, at least one, even for a 300 ms window.
    expect(refused.headers.get('Retry-After')).toBe('1');
    await new Promise((resolve) => setTimeout(resolve, 350));
    expect((await call(ctx.sandbox, '/health/')).status).toBe(200);
  });
});

describe('rateLimit: false', () => {
  const ctx = useSandbox({ rateLimit: false });

  it('never throttles and sends no rate-limit headers', async () => {
    for (let i = 0; i < 30; i++) expect((await call(ctx.sandbox, '/health/')).status).toBe(200);
    const response = await call(ctx.sandbox, '/health/');
    expect(response.headers.get('X-RateLimit-Limit')).toBeNull();
  });
});

describe('SlidingWindowLimiter', () => {
  it('reports when the next slot frees and how long to wait', () => {
    let now = 0;
    const limiter = new SlidingWindowLimiter(() => now);
    const rule = { limit: 2, windowMs: 1_000 };
    expect(limiter.hit('a', rule)).toMatchObject({ allowed: true, remaining: 1, resetAt: 1_000 });
    now = 200;
    expect(limiter.hit('a', rule)).toMatchObject({ allowed: true, remaining: 0, resetAt: 1_000 });
    now = 500;
    expect(limiter.hit('a', rule)).toMatchObject({ allowed: false, retryAfterMs: 500 });
    expect(limiter.peek('a', rule)).toMatchObject({ allowed: false, remaining: 0 });
    now = 1_000;
    expect(limiter.hit('a', rule)).toMatchObject({ allowed: true, remaining: 0, resetAt: 1_200 });
    limiter.reset();
    expect(limiter.peek('a', rule)).toMatchObject({ allowed: true, remaining: 2 });
  });

  it('takes the longer wait when both windows are full', () => {
    let now = 0;
    const limiter = new SlidingWindowLimiter(() => now);
    const rule = { limit: 2, windowMs: 10_000, burst: 1, burstWindowMs: 1_000 };
    limiter.hit('a', rule);
    now = 1_000;
    limiter.hit('a', rule);
    now = 1_500;
    expect(limiter.hit('a', rule)).toMatchObject({ allowed: false, retryAfterMs: 8_500 });
  });

  it('rounds waits up to whole seconds, never below 1', () => {
    expect(toRetryAfterSeconds(1)).toBe(1);
    expect(toRetryAfterSeconds(0)).toBe(1);
    expect(toRetryAfterSeconds(1_000)).toBe(1);
    expect(toRetryAfterSeconds(1_001)).toBe(2);
  });
});
