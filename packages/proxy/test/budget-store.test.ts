import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { BudgetLimits, BudgetStore } from '../src/budget/budget.js';
import { createMemoryBudget } from '../src/budget/memory.js';
import { createRedisBudget, type RedisBudget } from '../src/budget/redis.js';
import { startRedis, type TestRedis } from './helpers/redis-server.js';

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

const base: BudgetLimits = {
  limit: 4,
  windowMs: 400,
  burst: 100,
  burstWindowMs: 400,
  waitingTtlMs: 600,
  fairPollMs: 50,
};

let redis: TestRedis;
const redisStores: RedisBudget[] = [];
beforeAll(async () => {
  redis = await startRedis();
});
afterAll(async () => {
  for (const store of redisStores) await store.close();
  await redis.stop();
});

let keyCounter = 0;
/** Each test gets a fresh key id, so Redis state of one test never leaks into the next. */
const freshKey = () => `key${++keyCounter}-${Date.now()}`;

const stores: [string, (limits: BudgetLimits) => Promise<BudgetStore>][] = [
  ['memory', async (limits) => createMemoryBudget(limits)],
  [
    'redis',
    async (limits) => {
      const store = createRedisBudget(redis.url, { ...limits, holdTtlMs: 10_000 }, () => {});
      redisStores.push(store);
      for (let i = 0; i < 50 && store.status !== 'up'; i++) await sleep(20);
      return store;
    },
  ],
];

describe.each(stores)('the %s budget', (_name, create) => {
  it('grants the limit in a window, then names the wait until the oldest send leaves it', async () => {
    const store = await create(base);
    const key = freshKey();
    const grants = [];
    for (let i = 0; i < 4; i++) grants.push(await store.acquire(key, 'a'));
    expect(grants.map((grant) => grant.granted)).toEqual([true, true, true, true]);
    expect(grants.map((grant) => grant.snapshot.remaining)).toEqual([3, 2, 1, 0]);
    const refused = await store.acquire(key, 'a');
    expect(refused.granted).toBe(false);
    if (refused.granted) return;
    expect(refused.waitMs).toBeGreaterThan(300);
    expect(refused.waitMs).toBeLessThanOrEqual(400);
    await sleep(refused.waitMs + 10);
    expect((await store.acquire(key, 'a')).granted).toBe(true);
  });

  it('counts an answered send from its answer, since it reached the upstream in between', async () => {
    const store = await create({ ...base, limit: 1 });
    const key = freshKey();
    const grant = await store.acquire(key, 'a');
    if (!grant.granted) throw new Error('first send refused');
    await sleep(300);
    await store.settle(key, 'a', grant.grantId);
    await sleep(150);
    // 450 ms after the grant, but only 150 ms after the answer: still in the window.
    const refused = await store.acquire(key, 'a');
    expect(refused.granted === false && refused.waitMs).toBeGreaterThan(150);
    await sleep(300);
    expect((await store.acquire(key, 'a')).granted).toBe(true);
  });

  it('caps bursts inside the window', async () => {
    const store = await create({ ...base, limit: 10, burst: 2, burstWindowMs: 200 });
    const key = freshKey();
    expect((await store.acquire(key, 'a')).granted).toBe(true);
    expect((await store.acquire(key, 'a')).granted).toBe(true);
    const refused = await store.acquire(key, 'a');
    expect(refused.granted === false && refused.waitMs).toBeGreaterThan(100);
  });

  it('trusts a lower remaining from upstream and counts every send since the observed one', async () => {
    const store = await create({ ...base, limit: 10, windowMs: 5_000, burstWindowMs: 5_000 });
    const key = freshKey();
    const first = await store.acquire(key, 'a');
    if (!first.granted) throw new Error('first send refused');
    // Upstream says 2 left after the first send (someone else spends the key too).
    const resetAtMs = first.nowMs + 3_000;
    await store.learn(key, { limit: 8, remaining: 2, resetAtMs, sentAtMs: first.nowMs });
    const second = await store.acquire(key, 'a');
    expect(second.granted).toBe(true);
    expect(second.snapshot.limit).toBe(8);
    const third = await store.acquire(key, 'a');
    expect(third.granted).toBe(false);
    if (third.granted) return;
    // The wait runs to upstream's reset, not to the end of the local window.
    expect(third.waitMs).toBeGreaterThan(2_500);
    expect(third.waitMs).toBeLessThanOrEqual(3_000);
    expect(third.snapshot.resetAtMs).toBe(resetAtMs);
  });

  it('holds every caller after an upstream refusal', async () => {
    const store = await create({ ...base, limit: 100 });
    const key = freshKey();
    await store.hold(key, 800);
    for (const caller of ['a', 'b']) {
      const refused = await store.acquire(key, caller);
      expect(refused.granted === false && refused.waitMs).toBeGreaterThan(600);
    }
    // A shorter hold does not shorten a longer one.
    await store.hold(key, 10);
    expect((await store.acquire(key, 'a')).granted).toBe(false);
  });

  it('keeps a caller that had its share waiting while another caller waits', async () => {
    const store = await create(base);
    const key = freshKey();
    // a spends the whole window, in two steps; b arrives and must wait.
    await store.acquire(key, 'a');
    await store.acquire(key, 'a');
    await sleep(200);
    await store.acquire(key, 'a');
    await store.acquire(key, 'a');
    expect((await store.acquire(key, 'b')).granted).toBe(false);
    // The first two sends leave the window: a still holds two, its share of 4 among 2 callers.
    await sleep(260);
    const greedy = await store.acquire(key, 'a');
    expect(greedy.granted).toBe(false);
    expect(greedy.granted === false && greedy.fair).toBe(true);
    expect((await store.acquire(key, 'b')).granted).toBe(true);
    expect((await store.acquire(key, 'b')).granted).toBe(true);
  });
});
