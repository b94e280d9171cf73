import { describe, expect, it } from 'vitest';
import { clientFor, FAST_RETRY, sandboxFor } from './harness.js';

/** Whether any two 429s arrived within one window of each other. */
function twoInOneWindow(times: number[], windowMs: number): boolean {
  const sorted = [...times].sort((a, b) => a - b);
  return sorted.some((time, i) => i > 0 && time - (sorted[i - 1] ?? 0) < windowMs);
}

describe('the governor behind the client', () => {
  it('gets 5×limit requests through with at most one 429 per window', {
    timeout: 30_000,
  }, async () => {
    const windowMs = 1000;
    const limit = 4;
    const sandbox = await sandboxFor({
      rateLimit: { limit, windowMs, burst: limit, burstWindowMs: windowMs },
    });
    const { client } = clientFor(sandbox, {
      rateLimit: { broadcastChannel: false, burstPerSecond: limit },
    });

    const pages = await Promise.all(
      Array.from({ length: 5 * limit }, () =>
        client.get<{ results: unknown[] }>('/datasets/', { searchParams: { limit: 1 } }),
      ),
    );

    expect(pages.every((page) => page.results.length === 1)).toBe(true);
    const ok = sandbox.log.filter((entry) => entry.status === 200);
    expect(ok).toHaveLength(5 * limit);
    const throttled = sandbox.log.filter((entry) => entry.status === 429).map((entry) => entry.at);
    expect(twoInOneWindow(throttled, windowMs)).toBe(false);
    expect(client.rateLimit).toMatchObject({ limit, queued: 0, inFlight: 0 });
  });

  it('caps export creation at 5 in flight (the exports pool)', async () => {
    const sandbox = await sandboxFor({ rateLimit: false, exportDurationMs: 10 });
    let inFlight = 0;
    let most = 0;
    const { client } = clientFor(sandbox, {
      // Slow start and burst out of the way: only the pool may hold requests back.
      rateLimit: { broadcastChannel: false, initialConcurrency: 50, burstPerSecond: 1000 },
      fetch: async (input, init) => {
        inFlight += 1;
        most = Math.max(most, inFlight);
        try {
          return await fetch(input, init);
        } finally {
          inFlight -= 1;
        }
      },
    });
    const [dataset] = (
      await client.get<{ results: { uid: string }[] }>('/datasets/', { searchParams: { limit: 1 } })
    ).results;
    most = 0;
    sandbox.injectFault({
      type: 'delay',
      delayMs: 60,
      method: 'POST',
      path: '/exports/',
      count: 12,
    });

    const jobs = await Promise.all(
      Array.from({ length: 12 }, () =>
        client.post<{ uid: string }>('/exports/', { json: { dataset: dataset?.uid } }),
      ),
    );

    expect(jobs).toHaveLength(12);
    expect(most).toBe(5);
    expect(
      sandbox.log.filter((entry) => entry.method === 'POST' && entry.status === 201),
    ).toHaveLength(12);
  });

  it("keeps the inference budget apart from the rest's, both ways", async () => {
    const sandbox = await sandboxFor({ rateLimit: { limit: 100, inferenceLimit: 3 } });
    // Waits of more than 5 s fail at once, so the spent window below is not slept through.
    const { client } = clientFor(sandbox, { retry: { ...FAST_RETRY, maxRetryAfterMs: 5_000 } });
    await client.get('/datasets/', { searchParams: { limit: 1 } });
    const invoke = () =>
      client.post('/inference/invoke/', { json: { model: 'sam', inputs: [{}] } });
    await invoke();
    // The inference answer (limit 3) did not shrink the main budget…
    expect(client.rateLimit).toMatchObject({ limit: 100, remaining: 99 });
    expect(client.rateLimit.scopes?.inference).toMatchObject({ limit: 3, remaining: 2 });
    await invoke();
    await invoke();
    // …and a dataset answer does not overwrite the spent inference budget.
    await client.get('/datasets/', { searchParams: { limit: 1 } });
    expect(client.rateLimit.scopes?.inference).toMatchObject({ limit: 3, remaining: 0 });
    expect(client.rateLimit).toMatchObject({ limit: 100, remaining: 98 });
    // With the inference window spent for a minute, an inference call fails at once (no 429
    // sent) while datasets go on.
    await expect(invoke()).rejects.toMatchObject({ kind: 'rate_limited', attempts: 0 });
    await client.get('/datasets/', { searchParams: { limit: 1 } });
    expect(sandbox.log.filter((entry) => entry.status === 429)).toEqual([]);
  });
});
