import { beforeEach, describe, expect, inject, it } from 'vitest';
import { clientFor, resetSandbox, sandbox, sandboxLog } from './helpers.js';

// Two clients in one page on one BroadcastChannel name (an app and a widget of it): the
// budget belongs to the key, so what one learns or spends the other must know. One page's
// governors share one end of the channel and hear each other at once (governor/page-channel.ts);
// tabs of other pages hear them over it (test/governor/broadcast.test.ts).

const tight = inject('tightSandbox');

/** A channel name of this test's own, so other test files never join it. */
function channel(): string {
  return `avala-fetch-test-${crypto.randomUUID()}`;
}

beforeEach(async () => {
  await Promise.all([resetSandbox(), resetSandbox(tight)]);
});

describe('two clients on one BroadcastChannel', () => {
  it("passes one client's learned budget on to the other", async () => {
    const broadcastChannel = channel();
    const { client: first } = clientFor(sandbox, { rateLimit: { broadcastChannel } });
    const { client: second } = clientFor(sandbox, { rateLimit: { broadcastChannel } });

    await first.get('/datasets/');

    expect(first.rateLimit).toMatchObject({ limit: 100, remaining: 99 });
    await expect.poll(() => second.rateLimit).toMatchObject({ limit: 100, remaining: 99 });
  });

  it('splits twice the limit over both clients with at most one 429 per window', {
    timeout: 15_000,
  }, async () => {
    const broadcastChannel = channel();
    const { limit, windowMs } = tight.rateLimit;
    const clients = [1, 2].map(
      () => clientFor(tight, { rateLimit: { broadcastChannel, burstPerSecond: limit } }).client,
    );

    await Promise.all(
      Array.from({ length: 2 * limit }, (_, i) => clients[i % 2]?.get('/datasets/')),
    );

    const log = await sandboxLog(tight);
    expect(log.filter((entry) => entry.status === 200)).toHaveLength(2 * limit);
    const throttled = log.filter((entry) => entry.status === 429).map((entry) => entry.at);
    throttled.forEach((at, i) => {
      if (i > 0) expect(at - (throttled[i - 1] ?? 0)).toBeGreaterThanOrEqual(windowMs);
    });
  });
});
