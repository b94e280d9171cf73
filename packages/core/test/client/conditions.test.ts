import { describe, expect, it } from 'vitest';
import { ConditionTracker } from '../../src/core/conditions.js';
import { errorFromHttp } from '../../src/errors/classify-response.js';

const NOW = 1_700_000_000_000;
const throttled = () =>
  errorFromHttp({ status: 429, headers: new Headers({ 'Retry-After': '20' }), body: {}, now: NOW });
const unavailable = () =>
  errorFromHttp({ status: 503, headers: new Headers(), body: {}, now: NOW });

describe('condition events (once per condition)', () => {
  it('raises rate_limited once for a burst of 429s, with the moment requests resume', () => {
    const conditions = new ConditionTracker(() => NOW);
    conditions.sent();
    conditions.sent();

    expect(conditions.failed(throttled())).toMatchObject({
      type: 'rate_limited',
      until: NOW + 20_000,
    });
    expect(conditions.failed(throttled())).toBeUndefined();
  });

  it('is not ended by the answer to a request that was in flight before the failure', () => {
    const conditions = new ConditionTracker(() => NOW);
    const early = conditions.sent();
    conditions.sent();
    conditions.failed(throttled());

    expect(conditions.succeeded(early)).toEqual([]);
    expect(conditions.succeeded(conditions.sent())).toEqual([
      { type: 'recovered', from: 'rate_limited' },
    ]);
    // Ended once: a later success raises nothing more.
    expect(conditions.succeeded(conditions.sent())).toEqual([]);
  });

  it('ends only the conditions raised before the successful request was sent', () => {
    const conditions = new ConditionTracker(() => NOW);
    conditions.sent();
    conditions.failed(unavailable());
    const between = conditions.sent();
    conditions.failed(throttled());

    expect(conditions.succeeded(between)).toEqual([
      { type: 'recovered', from: 'service_unavailable' },
    ]);
    expect(conditions.succeeded(conditions.sent())).toEqual([
      { type: 'recovered', from: 'rate_limited' },
    ]);
  });

  it('raises concurrency_limited, not rate_limited, for a 429 the governor read as a full pool', () => {
    const conditions = new ConditionTracker(() => NOW);
    conditions.sent();
    expect(conditions.failed(throttled(), { pool: 'exports', limit: 5 })).toMatchObject({
      type: 'concurrency_limited',
      pool: 'exports',
      limit: 5,
      until: NOW + 20_000,
    });
    expect(conditions.failed(throttled(), { pool: 'exports', limit: 5 })).toBeUndefined();
  });

  it('ends a concurrency limit only with a success in its own pool', () => {
    const conditions = new ConditionTracker(() => NOW);
    conditions.sent();
    conditions.failed(throttled(), { pool: 'exports', limit: 5 });
    expect(conditions.succeeded(conditions.sent())).toEqual([]);
    expect(conditions.succeeded(conditions.sent(), 'uploads')).toEqual([]);
    expect(conditions.succeeded(conditions.sent(), 'exports')).toEqual([
      { type: 'recovered', from: 'concurrency_limited' },
    ]);
  });
});
