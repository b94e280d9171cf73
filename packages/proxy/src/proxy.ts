import { createApp } from './app.js';
import { POLL_MS } from './budget/budget.js';
import { createMemoryBudget } from './budget/memory.js';
import { createRedisBudget } from './budget/redis.js';
import { resolveOptions } from './options.js';
import type { AvalaProxy, AvalaProxyOptions, RedisStatus } from './types.js';

/**
 * Creates the gateway as a Web-standard handler: mount `proxy.fetch` in Hono, Node (through
 * `@hono/node-server`), a Vite dev-server middleware or any framework's route handler.
 * Throws a `TypeError`/`RangeError` for a configuration that cannot be safe (no `authorize`
 * without `open: true`, a plain-http upstream off loopback, …).
 *
 * @example
 * const proxy = createAvalaProxy({
 *   apiKey: process.env.AVALA_API_KEY!,
 *   redis: process.env.REDIS_URL,
 *   authorize: (request) => sessionUserId(request) ?? false,
 * });
 * app.all('/api/v1/*', (c) => proxy.fetch(c.req.raw, c.env));
 */
export function createAvalaProxy(options: AvalaProxyOptions): AvalaProxy {
  const resolved = resolveOptions(options);
  const { rateLimit } = resolved;
  const limits = {
    limit: rateLimit.limit,
    // Whole seconds, as the API's windows are (docs/avala-api.md): a governed client learns the
    // window's length from a lone answer's X-RateLimit-Reset assuming so, and would otherwise
    // learn it a fraction of a second short and send into the spent budget once.
    windowMs: Math.ceil((rateLimit.windowMs + rateLimit.marginMs) / 1000) * 1000,
    burst: rateLimit.burst,
    burstWindowMs: rateLimit.burstWindowMs + rateLimit.marginMs,
    waitingTtlMs: POLL_MS * 3,
    fairPollMs: POLL_MS,
    holdTtlMs: rateLimit.maxHoldMs,
  };
  const redis = resolved.redis
    ? createRedisBudget(resolved.redis, limits, resolved.log)
    : undefined;
  const store = redis ?? createMemoryBudget(limits);
  const redisStatus = (): RedisStatus => redis?.status ?? 'none';
  const app = createApp({ options: resolved, store, redisStatus });

  return {
    fetch: (request, env) => Promise.resolve(app.fetch(request, env as never)),
    get redisStatus() {
      return redisStatus();
    },
    close: () => store.close(),
  };
}
