import { type Sandbox, startSandbox } from '@avala-fetch/sandbox';
import { afterAll, bench, describe } from 'vitest';
import { type RunningProxy, startProxy } from '../src/index.js';
import { startRedis } from '../test/helpers/redis-server.js';

// What the proxy adds to a request on loopback, and how close three instances sharing one
// budget come to the fastest schedule the upstream's limit allows.
// Run with `pnpm bench` (or `npx vitest bench --run --project proxy`).

const redis = await startRedis();
const sandbox: Sandbox = await startSandbox({ rateLimit: false });
const unlimited = { limit: 1e9, burst: 1e9 };
const common = { apiKey: sandbox.keys.admin, upstream: sandbox.url, port: 0, open: true };
const memoryProxy = await startProxy({ ...common, rateLimit: unlimited });
const redisProxy = await startProxy({ ...common, rateLimit: unlimited, redis: redis.url });

// The goodput run: 40 GETs at 20 per second through three instances on one Redis.
const GOODPUT = { requests: 40, limit: 20, windowMs: 1_000, marginMs: 250 };
const shared: RunningProxy[] = [];
for (let i = 0; i < 3; i++) {
  shared.push(
    await startProxy({
      ...common,
      // Another key, so the overhead benches' sends are not in this budget's window.
      apiKey: sandbox.keys.otherOrg,
      redis: redis.url,
      rateLimit: { limit: GOODPUT.limit, windowMs: GOODPUT.windowMs, marginMs: GOODPUT.marginMs },
    }),
  );
}
await new Promise((resolve) => setTimeout(resolve, 300)); // Redis connections ready

afterAll(async () => {
  for (const proxy of [memoryProxy, redisProxy, ...shared]) await proxy.close();
  await sandbox.close();
  await redis.stop();
});

const path = '/api/v1/datasets/?limit=1';
async function get(origin: string, headers: Record<string, string> = {}) {
  const response = await fetch(`${origin}${path}`, { headers });
  await response.arrayBuffer();
  if (!response.ok) throw new Error(`status ${response.status}`);
}

describe('per-request overhead on loopback', () => {
  bench('GET the sandbox directly (with the key)', () =>
    get(sandbox.url, { 'X-Avala-Api-Key': sandbox.keys.admin }),
  );
  bench('GET through the proxy (in-memory budget)', () => get(memoryProxy.url));
  bench('GET through the proxy (budget on Redis)', () => get(redisProxy.url));
});

describe('goodput of three instances on one Redis', () => {
  // The fastest legal schedule: a full window at once, then one more window per `limit`
  // requests; the proxy adds its margin to each window.
  const windows = Math.ceil(GOODPUT.requests / GOODPUT.limit) - 1;
  const theoreticalMs = windows * GOODPUT.windowMs;
  const designedMs = windows * (GOODPUT.windowMs + GOODPUT.marginMs);
  bench(
    `${GOODPUT.requests} GETs at ${GOODPUT.limit}/s (minimum ${theoreticalMs} ms, with margin ${designedMs} ms)`,
    async () => {
      const started = performance.now();
      await Promise.all(
        Array.from({ length: GOODPUT.requests }, (_, i) => get(shared[i % 3]?.url ?? '')),
      );
      const ms = performance.now() - started;
      console.info(
        `[proxy bench] ${GOODPUT.requests} GETs through 3 instances: ${ms.toFixed(0)} ms (${(theoreticalMs / ms).toFixed(2)} of the theoretical goodput)`,
      );
      // Let the window empty so a repeated iteration measures the same thing.
      await new Promise((resolve) => setTimeout(resolve, GOODPUT.windowMs + GOODPUT.marginMs));
    },
    { iterations: 2, warmupIterations: 0, time: 0 },
  );
});
