import { bench, describe } from 'vitest';
import { createGovernor, type Governor, type GovernorDeps } from '../src/governor/index.js';

// What the governor costs a request. Run with `pnpm bench` (add NODE_OPTIONS=--expose-gc
// for a steadier memory figure).

const T0 = 1_800_000_000_000;
const request = { method: 'GET', path: '/datasets/' };

function budget(limit: number, remaining: number, resetAt: number) {
  return {
    status: 200,
    headers: new Headers({
      'X-RateLimit-Limit': String(limit),
      'X-RateLimit-Remaining': String(remaining),
      'X-RateLimit-Reset': String(Math.ceil(resetAt / 1000)),
    }),
  };
}

/** A governor on a hand-driven clock: `wake()` runs its timer, as if the wait had passed. */
function manual() {
  const clock = { now: T0, wake: undefined as (() => void) | undefined };
  const deps: GovernorDeps = {
    now: () => clock.now,
    setTimeout: (callback) => {
      clock.wake = callback;
      return 1;
    },
    clearTimeout: () => {
      clock.wake = undefined;
    },
  };
  const governor = createGovernor({ broadcastChannel: false, burstPerSecond: Infinity }, deps);
  return { governor, clock };
}

/** Spends the budget so that every later request waits for the reset at `T0 + 1 s`. */
async function exhaust(governor: Governor) {
  const permit = await governor.acquire(request);
  permit.release(budget(1e9, 0, T0 + 1000));
}

describe('no waiting', async () => {
  // One governor for every iteration; a huge known budget keeps the way always open.
  const headers = budget(1e9, 1e9, Date.now() + 3_600_000);
  const governor = createGovernor({ broadcastChannel: false, burstPerSecond: Infinity });
  (await governor.acquire(request)).release(headers);

  bench('acquire + release (no response)', async () => {
    (await governor.acquire(request)).release();
  });

  bench('acquire + release learning from rate-limit headers', async () => {
    (await governor.acquire(request)).release(headers);
  });

  bench('acquire + release in the exports pool', async () => {
    (await governor.acquire({ method: 'POST', path: '/exports/' })).release(headers);
  });

  // The default: every send and every learned budget is told to the other tabs.
  const sharing = createGovernor({
    burstPerSecond: Infinity,
    broadcastChannel: `avala-fetch-bench-${process.pid}`,
  });
  (await sharing.acquire(request)).release(headers);

  bench('acquire + release telling other tabs over BroadcastChannel', async () => {
    (await sharing.acquire(request)).release(headers);
  });
});

describe('10 000 queued requests', () => {
  const reason = new DOMException('The caller gave up', 'AbortError');

  bench('queue 10 000, then let them all go at the reset', async () => {
    const { governor, clock } = manual();
    await exhaust(governor);
    const waiting = Array.from({ length: 10_000 }, () => governor.acquire(request));
    clock.now = T0 + 2000;
    clock.wake?.();
    // The first one probes the new window; its headers let the rest go.
    const probe = await waiting[0];
    probe?.release(budget(1e9, 1e9, T0 + 60_000));
    for (const permit of await Promise.all(waiting)) permit.release();
    governor.dispose();
  });

  bench('queue 10 000 with signals, then abort them all', async () => {
    const { governor } = manual();
    await exhaust(governor);
    const controllers = Array.from({ length: 10_000 }, () => new AbortController());
    const waiting = controllers.map((controller) =>
      governor.acquire({ ...request, signal: controller.signal }).catch(() => undefined),
    );
    // One ready-made reason: Node's default AbortError captures a stack (~100 µs each),
    // which would measure Node rather than the governor.
    for (const controller of controllers) controller.abort(reason);
    await Promise.all(waiting);
    governor.dispose();
  });

  bench('baseline: Node alone adding an abort listener to 10 000 signals', () => {
    for (let i = 0; i < 10_000; i++) {
      new AbortController().signal.addEventListener('abort', () => {}, { once: true });
    }
  });

  bench(
    'heap held by 10 000 queued requests (logged once)',
    async () => {
      const gc = (globalThis as { gc?: () => void }).gc;
      const { governor } = manual();
      await exhaust(governor);
      gc?.();
      const before = process.memoryUsage().heapUsed;
      const waiting = Array.from({ length: 10_000 }, () =>
        governor.acquire(request).catch(() => undefined),
      );
      gc?.();
      const held = process.memoryUsage().heapUsed - before;
      governor.dispose();
      await Promise.all(waiting);
      console.log(
        `governor: 10 000 queued requests hold ${(held / 1024 / 1024).toFixed(2)} MiB ` +
          `(${Math.round(held / 10_000)} B each${gc ? '' : ', no --expose-gc: rough'})`,
      );
    },
    { iterations: 1, time: 0, warmupIterations: 0, warmupTime: 0 },
  );
});
