import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runProxyToExit, spawnProxy } from './helpers/instances.js';
import { startRedis, type TestRedis } from './helpers/redis-server.js';

let redis: TestRedis;
beforeAll(async () => {
  redis = await startRedis();
});
afterAll(async () => {
  await redis.stop();
});

describe('the avala-proxy CLI', () => {
  it('refuses a bad configuration with one clear line and a non-zero exit', async () => {
    const cases: [Record<string, string>, RegExp][] = [
      [{ AVALA_PROXY_TOKENS: 't' }, /AVALA_API_KEY is required/],
      [{ AVALA_API_KEY: 'avk_x' }, /AVALA_PROXY_TOKENS is required/],
      [{ AVALA_API_KEY: 'avk_x', AVALA_PROXY_OPEN: '1', PORT: 'eighty' }, /PORT must be/],
      [
        { AVALA_API_KEY: 'avk_x', AVALA_PROXY_OPEN: '1', AVALA_UPSTREAM: 'http://api.example.com' },
        /loopback/,
      ],
    ];
    const results = await Promise.all(cases.map(([env]) => runProxyToExit(env)));
    results.forEach((result, i) => {
      expect(result.code).not.toBe(0);
      expect(result.output.trim().split('\n')).toHaveLength(1);
      expect(result.output).toMatch(cases[i]?.[1] ?? /never/);
      expect(result.output).not.toContain('avk_x');
    });
  });

  it('serves /healthz without a token, reports Redis, and admits only bearer tokens', async () => {
    const proxy = await spawnProxy({
      AVALA_API_KEY: 'avk_cli_secret',
      AVALA_UPSTREAM: 'http://127.0.0.1:9',
      AVALA_PROXY_TOKENS: 'one, two',
      REDIS_URL: redis.url,
    });
    try {
      let health: unknown;
      for (let i = 0; i < 50; i++) {
        health = await (await fetch(`${proxy.url}/healthz`)).json();
        if ((health as { redis: string }).redis === 'up') break;
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
      expect(health).toEqual({ ok: true, redis: 'up' });
      expect((await fetch(`${proxy.url}/api/v1/datasets/`)).status).toBe(401);
      const admitted = await fetch(`${proxy.url}/api/v1/datasets/`, {
        headers: { Authorization: 'Bearer two' },
      });
      // Admitted and budgeted; the upstream (a closed port) is unreachable.
      expect(admitted.status).toBe(502);
      expect(admitted.headers.get('x-ratelimit-limit')).toBe('100');
    } finally {
      await proxy.stop();
    }
    expect(proxy.output.join('\n')).not.toContain('avk_cli_secret');
  });
});
