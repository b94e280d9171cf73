import { type Sandbox, startSandbox } from '@avala-fetch/sandbox';
import { afterAll, beforeAll } from 'vitest';
import { type RunningProxy, type StartProxyOptions, startProxy } from '../../src/index.js';
import { startRedis, type TestRedis } from './redis-server.js';

/** A test file's gateway: in-process proxies sharing one real Redis in front of one sandbox. */
export interface ProxyCluster {
  readonly redis: TestRedis;
  /** The upstream, with no rate limit of its own: the proxies' budget is the one under test. */
  readonly sandbox: Sandbox;
  readonly proxies: readonly RunningProxy[];
}

/**
 * Starts the cluster before the file's tests (every proxy connected to Redis, bounded wait)
 * and stops it after them. The fields are there from the first test on.
 */
export function useProxyCluster(
  options: Omit<StartProxyOptions, 'apiKey' | 'upstream' | 'redis' | 'port'>,
  instances = 2,
): ProxyCluster {
  const cluster = { proxies: [] as RunningProxy[] } as {
    redis: TestRedis;
    sandbox: Sandbox;
    proxies: RunningProxy[];
  };
  beforeAll(async () => {
    cluster.redis = await startRedis();
    cluster.sandbox = await startSandbox({ rateLimit: false });
    for (let i = 0; i < instances; i++) {
      cluster.proxies.push(
        await startProxy({
          ...options,
          apiKey: cluster.sandbox.keys.admin,
          upstream: cluster.sandbox.url,
          redis: cluster.redis.url,
          port: 0,
        }),
      );
    }
    for (const proxy of cluster.proxies) {
      for (let i = 0; i < 50 && proxy.proxy.redisStatus !== 'up'; i++) {
        await new Promise((resolve) => setTimeout(resolve, 20));
      }
    }
  });
  afterAll(async () => {
    for (const proxy of cluster.proxies) await proxy.close();
    await cluster.sandbox?.close();
    await cluster.redis?.stop();
  });
  return cluster;
}
