import { describe, expect, it } from 'vitest';
import { errorFromHttp } from '../../src/errors/classify-response.js';
import {
  createAbortedError,
  createNetworkError,
  createTimeoutError,
} from '../../src/errors/create.js';
import type { AvalaError, RetryPolicy } from '../../src/index.js';
import {
  backoffCeilingMs,
  createRetryBudget,
  createRetryCallbacks,
  defaultRetryPolicy,
  normalizeRetryPolicy,
  retryDelayMs,
  shouldRetryError,
} from '../../src/retry/index.js';

const policy: RetryPolicy = { ...defaultRetryPolicy };
const http = (status: number, headers: Record<string, string> = {}): AvalaError =>
  errorFromHttp({ status, headers, body: { detail: 'x' }, request: { method: 'GET' } });

describe('normalizeRetryPolicy', () => {
  it('fills the docs/retry-rule.md defaults', () => {
    expect(normalizeRetryPolicy()).toEqual({
      limit: 3,
      baseDelayMs: 300,
      maxDelayMs: 30_000,
      maxRetryAfterMs: 60_000,
      jitter: true,
      budget: { capacity: 50, retryCost: 5, successRefund: 1 },
    });
  });

  it('keeps false, and merges a call option over the client policy', () => {
    expect(normalizeRetryPolicy(false)).toBe(false);
    const client = normalizeRetryPolicy({ baseDelayMs: 10, budget: { capacity: 20 } });
    expect(normalizeRetryPolicy({ limit: 1 }, client)).toMatchObject({
      limit: 1,
      baseDelayMs: 10,
      budget: { capacity: 20, retryCost: 5 },
    });
    expect(normalizeRetryPolicy(undefined, false)).toBe(false);
    expect(normalizeRetryPolicy({ limit: 2 }, false)).toMatchObject({ limit: 2, baseDelayMs: 300 });
    expect(normalizeRetryPolicy({ budget: false })).toMatchObject({ budget: false });
  });

  it.each([{ limit: -1 }, { limit: 1.5 }, { baseDelayMs: Number.NaN }, { maxDelayMs: -5 }])(
    'refuses %j',
    (option) => {
      expect(() => normalizeRetryPolicy(option)).toThrow(RangeError);
    },
  );
});

describe('backoff', () => {
  it('doubles from baseDelayMs and caps at maxDelayMs', () => {
    expect([1, 2, 3, 4].map((n) => backoffCeilingMs(n, policy))).toEqual([300, 600, 1200, 2400]);
    expect(backoffCeilingMs(20, policy)).toBe(30_000);
  });

  it('draws full jitter between 0 and the ceiling', () => {
    expect(retryDelayMs(3, http(500), policy, () => 0)).toBe(0);
    expect(retryDelayMs(3, http(500), policy, () => 0.5)).toBe(600);
    expect(retryDelayMs(3, http(500), policy, () => 0.999_999)).toBe(1200);
    expect(retryDelayMs(3, http(500), { ...policy, jitter: false })).toBe(1200);
  });

  it("lets the server's Retry-After win, capped at maxRetryAfterMs", () => {
    expect(retryDelayMs(1, http(429, { 'retry-after': '7' }), policy, () => 0)).toBe(7000);
    expect(retryDelayMs(1, http(503, { 'retry-after': '600' }), policy, () => 0)).toBe(60_000);
  });

  it('adds a small jitter to a server-requested wait: up to a tenth of it, at most a second', () => {
    expect(retryDelayMs(1, http(503, { 'retry-after': '1' }), policy, () => 1)).toBe(1100);
    expect(retryDelayMs(1, http(429, { 'retry-after': '30' }), policy, () => 0.5)).toBe(30_500);
    expect(retryDelayMs(1, http(503, { 'retry-after': '1' }), { ...policy, jitter: false })).toBe(
      1000,
    );
  });
});

describe('shouldRetryError (the §3 rule with the policy)', () => {
  const retry = (
    error: unknown,
    method: string,
    extra: { attempt?: number; idempotent?: boolean } = {},
  ) => shouldRetryError(error, { attempt: 1, method, policy, ...extra });

  it.each([
    [500, 'GET', true],
    [502, 'GET', true],
    [503, 'GET', true],
    [504, 'DELETE', true],
    [429, 'PUT', true],
    [500, 'POST', false],
    [502, 'PATCH', false],
    [504, 'POST', false],
    [503, 'POST', true],
    [429, 'PATCH', true],
    [400, 'GET', false],
    [401, 'GET', false],
    [403, 'GET', false],
    [404, 'GET', false],
    [405, 'GET', false],
    [409, 'GET', false],
    [413, 'GET', false],
    [422, 'GET', false],
    [501, 'GET', false],
  ])('%i on %s → %s', (status, method, expected) => {
    expect(retry(http(status), method)).toBe(expected);
  });

  it('retries timeouts and network failures for GET, for POST only when idempotent', () => {
    const timeout = createTimeoutError(100, { method: 'POST' });
    const network = createNetworkError(new TypeError('fetch failed'), { method: 'POST' });
    expect(retry(timeout, 'GET')).toBe(true);
    expect(retry(network, 'GET')).toBe(true);
    expect(retry(timeout, 'POST')).toBe(false);
    expect(retry(network, 'POST')).toBe(false);
    expect(retry(network, 'POST', { idempotent: true })).toBe(true);
    expect(retry(http(500), 'PATCH', { idempotent: true })).toBe(true);
  });

  it('never retries an abort, a foreign error, past the limit, or with policy false', () => {
    expect(retry(createAbortedError(), 'GET')).toBe(false);
    expect(retry(new Error('bug'), 'GET')).toBe(false);
    expect(retry(http(500), 'GET', { attempt: 4 })).toBe(false);
    expect(retry(http(500), 'GET', { attempt: 3 })).toBe(true);
    expect(shouldRetryError(http(500), { attempt: 1, method: 'GET', policy: false })).toBe(false);
  });

  it('fails fast when the server asks for longer than maxRetryAfterMs', () => {
    expect(retry(http(429, { 'retry-after': '60' }), 'GET')).toBe(true);
    expect(retry(http(429, { 'retry-after': '61' }), 'GET')).toBe(false);
  });
});

describe('createRetryCallbacks (TanStack Query counts failures from 0)', () => {
  it('maps failureCount 0 to the first retry', () => {
    const { retry, retryDelay } = createRetryCallbacks(
      { ...policy, jitter: false },
      { method: 'GET' },
    );
    expect(retry(0, http(503))).toBe(true);
    expect(retry(2, http(503))).toBe(true);
    expect(retry(3, http(503))).toBe(false);
    expect(retry(0, http(404))).toBe(false);
    expect(retryDelay(0, http(500))).toBe(300);
    expect(retryDelay(1, http(500))).toBe(600);
    expect(retryDelay(0, http(429, { 'retry-after': '2' }))).toBe(2000);
  });

  it('follows the POST rule and policy false', () => {
    expect(createRetryCallbacks(policy, { method: 'POST' }).retry(0, http(500))).toBe(false);
    expect(createRetryCallbacks(false).retry(0, http(503))).toBe(false);
    expect(createRetryCallbacks(false).retryDelay(0, http(503))).toBe(0);
  });
});

describe('createRetryBudget', () => {
  it('spends retryCost (twice that after a timeout or network failure) and refunds up to capacity', () => {
    const budget = createRetryBudget({ capacity: 20, retryCost: 5, successRefund: 1 });
    expect(budget.trySpend('server_error')).toBe(true);
    expect(budget.trySpend('timeout')).toBe(true);
    expect(budget.available).toBe(5);
    expect(budget.trySpend('network')).toBe(false);
    expect(budget.trySpend('server_error')).toBe(true);
    expect(budget.trySpend('server_error')).toBe(false);
    for (let i = 0; i < 50; i++) budget.refund();
    expect(budget.available).toBe(20);
  });

  it('lets 429s retry for free: the server named the wait and the governor paces them', () => {
    const budget = createRetryBudget({ capacity: 10, retryCost: 5, successRefund: 1 });
    for (let i = 0; i < 20; i++) expect(budget.trySpend('rate_limited')).toBe(true);
    expect(budget.available).toBe(10);
  });

  it('lets a 503 that named its wait retry for free while a governor holds everyone through it', () => {
    const options = { capacity: 10, retryCost: 5, successRefund: 1 };
    const held = createRetryBudget(options, { serverWaitsHeld: true });
    const maintenance = http(503, { 'retry-after': '1' });
    for (let i = 0; i < 20; i++) expect(held.trySpend(maintenance)).toBe(true);
    expect(held.trySpend(http(503))).toBe(true); // no wait named: the backoff, at a cost
    expect(held.available).toBe(5);
    // Without a governor nothing holds the others back: the wait costs as any retry.
    const alone = createRetryBudget(options);
    expect(alone.trySpend(maintenance)).toBe(true);
    expect(alone.available).toBe(5);
  });

  it('spends nothing for a governed 503 wait retried through the TanStack callbacks either', () => {
    const budget = createRetryBudget(
      { capacity: 10, retryCost: 5, successRefund: 1 },
      { serverWaitsHeld: true },
    );
    const { retry } = createRetryCallbacks(policy, { method: 'GET' }, budget);
    for (let i = 0; i < 3; i++) retry(i, http(503, { 'retry-after': '1' }));
    expect(budget.available).toBe(10);
  });

  it('never runs out when disabled', () => {
    const budget = createRetryBudget(false);
    for (let i = 0; i < 100; i++) expect(budget.trySpend('network')).toBe(true);
  });
});
