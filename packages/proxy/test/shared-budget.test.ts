import { type Sandbox, startSandbox } from '@avala-fetch/sandbox';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { proxyClient } from './helpers/clients.js';
import { type ProxyProcess, spawnProxy } from './helpers/instances.js';
import { startRedis, type TestRedis } from './helpers/redis-server.js';
import { busiestAcceptedWindow, busiestWindow } from './helpers/upstream-log.js';

// The upstream's limit: small, so a hundred requests span several windows.
const LIMIT = 20;
const WINDOW_MS = 2_000;

let redis: TestRedis;
let sandbox: Sandbox;
let proxies: ProxyProcess[] = [];

beforeAll(async () => {
  redis = await startRedis();
});
afterAll(async () => {
  await redis.stop();
});
beforeEach(async () => {
  sandbox = await startSandbox({
    rateLimit: { limit: LIMIT, windowMs: WINDOW_MS, burst: LIMIT, burstWindowMs: 1_000 },
  });
});
afterEach(async () => {
  await Promise.all(proxies.map((proxy) => proxy.stop()));
  proxies = [];
  await sandbox.close();
});

/** Three proxy processes; the budget's window is configured, its limit learned from upstream. */
async function startThree(env: Record<string, string>): Promise<ProxyProcess[]> {
  proxies = await Promise.all(
    [0, 1, 2].map(() =>
      spawnProxy({
        AVALA_API_KEY: sandbox.keys.admin,
        AVALA_UPSTREAM: sandbox.url,
        AVALA_PROXY_TOKENS: 'browser-token',
        AVALA_PROXY_WINDOW_MS: String(WINDOW_MS),
        AVALA_PROXY_MAX_WAIT_MS: '15000',
        ...env,
      }),
    ),
  );
  return proxies;
}

/** Thirty keyless browser-like clients, ten per instance, sending 100 GETs at once. */
async function hundredGets(instances: ProxyProcess[]) {
  const outcomes: ('ok' | 'failed')[] = [];
  let answered429 = 0;
  await Promise.all(
    Array.from({ length: 30 }, async (_, i) => {
      const client = proxyClient(instances[i % 3]?.url ?? '', 'browser-token', (status) => {
        if (status === 429) answered429++;
      });
      const calls = i < 10 ? 4 : 3;
      await Promise.all(
        Array.from({ length: calls }, () =>
          client.get('/datasets/', { searchParams: { limit: 1 } }).then(
            () => outcomes.push('ok'),
            (error: unknown) => {
              outcomes.push('failed');
              if (outcomes.filter((o) => o === 'failed').length === 1) console.error(error);
            },
          ),
        ),
      );
      client.dispose();
    }),
  );
  const log = sandbox.log;
  return {
    succeeded: outcomes.filter((outcome) => outcome === 'ok').length,
    upstreamRequests: log.length,
    upstream429s: log.filter((entry) => entry.status === 429).length,
    // Every 429 a client saw: the upstream's passed on, and the proxies' own.
    clientSaw429s: answered429,
    busiestWindow: busiestWindow(log, WINDOW_MS),
    busiestAcceptedWindow: busiestAcceptedWindow(log, WINDOW_MS),
  };
}

describe('one budget for the key across three proxy processes', () => {
  it('keeps 100 GETs of 30 clients inside the upstream limit when the instances share Redis', async () => {
    const instances = await startThree({ REDIS_URL: redis.url });
    const result = await hundredGets(instances);
    console.info('[proxy] with Redis:', JSON.stringify(result));

    expect(result.succeeded).toBe(100);
    expect(result.busiestWindow).toBeLessThanOrEqual(LIMIT);
    expect(result.upstream429s).toBeLessThanOrEqual(1);
    expect(result.clientSaw429s).toBeLessThanOrEqual(1);
    // The key never left the proxies: no line any of them printed carries it.
    for (const instance of instances) {
      expect(instance.output.join('\n')).not.toContain(sandbox.keys.admin);
    }
  });

  it('overspends the same key without Redis, each instance counting only its own sends', async () => {
    const instances = await startThree({});
    const result = await hundredGets(instances);
    console.info('[proxy] without Redis:', JSON.stringify(result));

    // Three in-memory budgets each believe they have the whole window: the upstream sees more
    // than its limit and refuses the excess.
    expect(result.busiestWindow).toBeGreaterThan(LIMIT);
    expect(result.upstream429s).toBeGreaterThan(1);
  });
});
