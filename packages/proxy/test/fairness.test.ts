import { describe, expect, it } from 'vitest';
import { useProxyCluster } from './helpers/cluster.js';

// The proxies' own budget (10 per 2 s) is the only limit in this test.
const cluster = useProxyCluster({
  // The caller id is whatever the app's session says; here, a header.
  authorize: (request) => request.headers.get('x-user') ?? false,
  rateLimit: { limit: 10, windowMs: 2_000, marginMs: 100 },
});

describe('fairness between callers of one key', () => {
  it('serves a second caller within the next window while the first has thirty requests queued', async () => {
    const [greedyProxy, politeProxy] = cluster.proxies;
    const stopGreedy = new AbortController();
    const greedy = Array.from({ length: 30 }, () =>
      fetch(`${greedyProxy?.url}/api/v1/datasets/?limit=1&who=greedy`, {
        headers: { 'x-user': 'greedy' },
        signal: stopGreedy.signal,
      }).then(
        (response) => response.arrayBuffer(),
        () => {},
      ),
    );
    // The first window is all greedy's; then the polite caller asks, through another instance.
    await new Promise((resolve) => setTimeout(resolve, 300));
    const polite = await Promise.all(
      Array.from({ length: 5 }, () =>
        fetch(`${politeProxy?.url}/api/v1/datasets/?limit=1&who=polite`, {
          headers: { 'x-user': 'polite' },
        }),
      ),
    );
    stopGreedy.abort();
    await Promise.all(greedy);

    expect(polite.map((response) => response.status)).toEqual([200, 200, 200, 200, 200]);
    // In the order the upstream received them: window one is greedy's 10; window two is split
    // between the two callers (5 each), so polite's last request is among the first 20.
    const order = cluster.sandbox.log.map((entry) =>
      entry.query?.includes('who=polite') ? 'P' : 'G',
    );
    expect(order.slice(0, 10).join('')).toBe('G'.repeat(10));
    expect(order.lastIndexOf('P')).toBeLessThan(20);
  });
});
