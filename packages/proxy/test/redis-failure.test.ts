import { describe, expect, it } from 'vitest';
import { type RunningProxy, startProxy } from '../src/index.js';
import { useProxyCluster } from './helpers/cluster.js';
import { freePort } from './helpers/ports.js';

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

const logs: string[] = [];
const cluster = useProxyCluster({
  open: true,
  maxWaitMs: 500,
  rateLimit: { limit: 10, windowMs: 1_000, marginMs: 100 },
  log: (line) => logs.push(line),
});

async function redisStatusOf(proxy: RunningProxy | undefined): Promise<string> {
  const response = await fetch(`${proxy?.url}/healthz`);
  return ((await response.json()) as { redis: string }).redis;
}

/** Polls `/healthz` of every proxy until each reports `status` (bounded: 50 tries). */
async function untilRedis(status: string): Promise<void> {
  for (let i = 0; i < 50; i++) {
    const states = await Promise.all(cluster.proxies.map(redisStatusOf));
    if (states.every((state) => state === status)) return;
    await sleep(100);
  }
  throw new Error(`proxies never reported redis ${status}`);
}

describe('Redis failing under the proxy', () => {
  it('answers every request within 5 s with a 2xx or a 429/503 with Retry-After, then shares again', async () => {
    const answers: { status: number; retryAfter: string | null; ms: number }[] = [];
    let sending = true;
    // Load inside the budget: one request every 150 ms, alternating instances.
    const load = (async () => {
      for (let i = 0; sending && i < 200; i++) {
        const started = Date.now();
        const response = await fetch(`${cluster.proxies[i % 2]?.url}/api/v1/datasets/?limit=1`);
        await response.arrayBuffer();
        answers.push({
          status: response.status,
          retryAfter: response.headers.get('retry-after'),
          ms: Date.now() - started,
        });
        await sleep(150);
      }
    })();

    await sleep(600);
    await cluster.redis.stop();
    await untilRedis('down');
    await sleep(1_000);
    await cluster.redis.start();
    await untilRedis('up');
    await sleep(600);
    sending = false;
    await load;

    const statuses = new Set(answers.map((answer) => answer.status));
    expect([...statuses].every((status) => [200, 429, 503].includes(status))).toBe(true);
    expect(statuses.has(503)).toBe(true);
    expect(answers.at(-1)?.status).toBe(200);
    for (const answer of answers) {
      expect(answer.ms).toBeLessThan(5_000);
      if (answer.status !== 200) expect(answer.retryAfter).toMatch(/^\d+$/);
    }
    expect(logs.some((line) => line.startsWith('redis: down'))).toBe(true);
    expect(logs.some((line) => line.startsWith('redis: up'))).toBe(true);

    // Shared again: ten sends through one instance leave nothing for the other (once the
    // sends above have left the window: 1 s + 100 ms, whole seconds at the gateway, so 2 s).
    await sleep(2_100);
    const [first, second] = cluster.proxies;
    const spent = await Promise.all(
      Array.from({ length: 10 }, () => fetch(`${first?.url}/api/v1/datasets/?limit=1`)),
    );
    expect(spent.map((response) => response.status)).toEqual(Array(10).fill(200));
    const refused = await fetch(`${second?.url}/api/v1/datasets/?limit=1`);
    expect(refused.status).toBe(429);
    expect(Number(refused.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
    expect(await refused.json()).toEqual({
      detail: expect.stringMatching(
        /^Request was throttled\. Expected available in \d+ seconds\.$/,
      ),
    });
    expect(refused.headers.get('x-ratelimit-remaining')).toBe('0');
  });

  it('starts without Redis reachable: 503 with Retry-After at once, /healthz says down', async () => {
    const nothingThere = await freePort();
    const lonely = await startProxy({
      apiKey: cluster.sandbox.keys.admin,
      upstream: cluster.sandbox.url,
      redis: `redis://127.0.0.1:${nothingThere}`,
      port: 0,
      open: true,
    });
    try {
      // The first second after start waits for the first connection; then no request waits.
      await sleep(1_100);
      const started = Date.now();
      const response = await fetch(`${lonely.url}/api/v1/datasets/?limit=1`);
      expect(response.status).toBe(503);
      expect(response.headers.get('retry-after')).toBe('2');
      expect(Date.now() - started).toBeLessThan(1_000);
      expect(await redisStatusOf(lonely)).toBe('down');
    } finally {
      await lonely.close();
    }
  });
});
