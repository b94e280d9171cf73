import { describe, expect, it, vi } from 'vitest';
import { isAvalaError } from '../../src/index.js';
import { clientFor, failureOf, sandboxFor, statuses } from './harness.js';

/** Resolves to `'pending'` when `promise` has not settled within `ms` (real time). */
function within<T>(promise: Promise<T>, ms: number): Promise<T | 'pending'> {
  return Promise.race([promise, new Promise<'pending'>((r) => setTimeout(() => r('pending'), ms))]);
}

describe('holds and maxRetryAfterMs', () => {
  it('does not hold later calls after a 503 asking for a day: the fail-fast ends the hold', async () => {
    const sandbox = await sandboxFor();
    const { client } = clientFor(sandbox);
    sandbox.injectFault({ type: 'status', status: 503, retryAfterS: 86_400, path: '/datasets/' });

    const error = await failureOf(client.get('/datasets/'));
    expect(error).toMatchObject({ kind: 'service_unavailable', retryAfterMs: 86_400_000 });
    expect(client.rateLimit.blockedUntil).toBeUndefined();
    await expect(within(client.get('/health/'), 2_000)).resolves.toEqual({ status: 'ok' });
  });

  it('fails a new call at once, with the remaining wait, when a hold outlasts its maxRetryAfterMs', async () => {
    const sandbox = await sandboxFor();
    const { client } = clientFor(sandbox);
    sandbox.injectFault({ type: 'status', status: 503, retryAfterS: 90, path: '/datasets/' });
    const patient = new AbortController();
    // This call is willing to wait 2 minutes: the governor holds everyone for the 90 s.
    const waiting = client
      .get('/datasets/', { retry: { maxRetryAfterMs: 120_000 }, signal: patient.signal })
      .catch((e: unknown) => e);
    // Until the 503 is in (a bounded wait: a busy machine may take longer than 100 ms).
    await vi.waitFor(
      () => expect(client.rateLimit.blockedUntil).toBeGreaterThan(Date.now() + 80_000),
      { timeout: 5_000 },
    );

    // The default cap is a minute: this call fails at once, without a request.
    const error = await within(failureOf(client.get('/projects/')), 2_000);
    expect(isAvalaError(error)).toBe(true);
    expect(error).toMatchObject({ kind: 'service_unavailable', attempts: 0 });
    const { retryAfterMs } = error as { retryAfterMs: number };
    expect(retryAfterMs).toBeGreaterThan(80_000);
    expect(retryAfterMs).toBeLessThanOrEqual(90_000 + 1_000);
    expect(statuses(sandbox)).toEqual([503]);
    patient.abort();
    await waiting;
  });
});

describe('outages', () => {
  it('gets 50 concurrent GETs through a maintenance with a short Retry-After, all of them', {
    timeout: 20_000,
  }, async () => {
    // 3 s of maintenance with Retry-After: 1, scaled down (the rule is the same; the margin
    // keeps the whole first wave inside the maintenance on a busy machine).
    const sandbox = await sandboxFor({
      rateLimit: { limit: 10_000, burst: 10_000, windowMs: 60_000, burstWindowMs: 1000 },
    });
    const { client } = clientFor(sandbox, {
      rateLimit: { broadcastChannel: false, burstPerSecond: 1000 },
    });
    // A warm client: the budget is known, so all 50 go at once and meet the maintenance.
    await client.get('/datasets/', { searchParams: { limit: 1 } });
    sandbox.clearLog();
    sandbox.setMaintenance({ retryAfterS: 0.1, durationMs: 400 });

    const results = await Promise.allSettled(
      Array.from({ length: 50 }, () => client.get('/datasets/', { searchParams: { limit: 1 } })),
    );

    expect(results.filter((r) => r.status === 'rejected')).toEqual([]);
    const refused = statuses(sandbox).filter((s) => s === 503).length;
    // The first wave meets the maintenance; afterwards one probe at a time does.
    expect(refused).toBeGreaterThan(25);
    expect(refused).toBeLessThan(50 + 10);
  });
});
