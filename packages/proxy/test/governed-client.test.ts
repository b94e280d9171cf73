import { createAvalaClient } from '@avala-fetch/core';
import { describe, expect, it } from 'vitest';
import { useProxyCluster } from './helpers/cluster.js';
import { busiestWindow } from './helpers/upstream-log.js';

// A browser's governed client behind the gateway: the gateway's window is windowMs + marginMs
// rounded up to whole seconds, counted from each answer, and its X-RateLimit-* are its own.
// The governor's sliding release learns a window from those headers; it must not learn one too
// short and send into the gateway's spent budget.

const LIMIT = 10;
const WINDOW_MS = 2_000;
const MARGIN_MS = 250;
const CALLS = 35; // four windows' worth

// Both with the gateway's default wait for budget (10 s) and with none (`maxWaitMs: 0`, a 429
// at once): the gateway's window, 2 s + 250 ms here, is whole seconds at its edge (3 s), as the
// governor assumes of a window it learns from a lone answer (docs/avala-api.md). Were it
// 2.25 s, the governor would learn 2 s and its first unit released early would be refused.
for (const maxWaitMs of [undefined, 0]) {
  describe(`a governed client behind the gateway (maxWaitMs ${maxWaitMs ?? 'default'})`, () => {
    const cluster = useProxyCluster(
      {
        open: true,
        rateLimit: { limit: LIMIT, windowMs: WINDOW_MS, marginMs: MARGIN_MS, burst: LIMIT },
        ...(maxWaitMs === undefined ? {} : { maxWaitMs }),
      },
      1,
    );

    it('is never refused by the gateway over several windows, and upstream never sees more than the limit per window', {
      timeout: 30_000,
    }, async () => {
      const statuses: number[] = [];
      const client = createAvalaClient({
        baseUrl: `${cluster.proxies[0]?.url}/api/v1`,
        rateLimit: { broadcastChannel: false },
        onEvent: (event) => {
          if (event.type === 'response') statuses.push(event.status);
        },
      });
      const outcomes = await Promise.allSettled(
        Array.from({ length: CALLS }, () =>
          client.get('/datasets/', { searchParams: { limit: 1 } }),
        ),
      );
      client.dispose();

      expect({
        failed: outcomes.filter((outcome) => outcome.status === 'rejected').length,
        refused: statuses.filter((status) => status === 429).length,
      }).toEqual({ failed: 0, refused: 0 });
      const upstream = cluster.sandbox.log.filter((entry) => entry.path.endsWith('/datasets/'));
      expect(upstream).toHaveLength(CALLS);
      expect(busiestWindow(upstream, WINDOW_MS)).toBeLessThanOrEqual(LIMIT);
    });
  });
}
