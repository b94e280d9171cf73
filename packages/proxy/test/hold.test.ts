import { describe, expect, it } from 'vitest';
import { useProxyCluster } from './helpers/cluster.js';

const cluster = useProxyCluster({ open: true, maxWaitMs: 300 });

describe('an upstream refusal holds every instance', () => {
  it('passes on a concurrency 429 of POST /exports/ without holding other requests', async () => {
    const [first, second] = cluster.proxies;
    cluster.sandbox.injectFault({
      type: 'status',
      status: 429,
      retryAfterS: 5,
      method: 'POST',
      path: '/exports/',
    });
    const refused = await fetch(`${first?.url}/api/v1/exports/`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: '{"dataset": "x"}',
    });
    expect(refused.status).toBe(429);
    expect(refused.headers.get('retry-after')).toBe('5');
    expect((await fetch(`${second?.url}/api/v1/datasets/?limit=1`)).status).toBe(200);
  });

  it('holds every instance after a 429 with Retry-After, answering in DRF shape without forwarding', async () => {
    const [first, second] = cluster.proxies;
    cluster.sandbox.injectFault({
      type: 'status',
      status: 429,
      retryAfterS: 2,
      path: '/datasets/',
    });
    const upstreamRefusal = await fetch(`${first?.url}/api/v1/datasets/?limit=1`);
    expect(upstreamRefusal.status).toBe(429);
    expect(upstreamRefusal.headers.get('retry-after')).toBe('2');

    const before = cluster.sandbox.log.length;
    const held = await fetch(`${second?.url}/api/v1/datasets/?limit=2`);
    expect(held.status).toBe(429);
    expect(Number(held.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
    expect(await held.json()).toEqual({
      detail: expect.stringMatching(
        /^Request was throttled\. Expected available in [12] seconds\.$/,
      ),
    });
    expect(cluster.sandbox.log.length).toBe(before);
  });

  it('holds after a maintenance 503 too, and lets requests go when it ends', async () => {
    const [first, second] = cluster.proxies;
    await new Promise((resolve) => setTimeout(resolve, 2_000)); // the previous hold ends
    cluster.sandbox.setMaintenance({ retryAfterS: 1 });
    expect((await fetch(`${first?.url}/api/v1/datasets/?limit=1`)).status).toBe(503);
    cluster.sandbox.setMaintenance(false);
    expect((await fetch(`${second?.url}/api/v1/datasets/?limit=1`)).status).toBe(429);
    await new Promise((resolve) => setTimeout(resolve, 1_100));
    expect((await fetch(`${second?.url}/api/v1/datasets/?limit=1`)).status).toBe(200);
  });
});
