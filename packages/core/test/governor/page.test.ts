import { describe, expect, it, vi } from 'vitest';
import { createGovernor } from '../../src/governor/index.js';
import type { RateLimitOptions } from '../../src/types/options.js';
import { ok, settle, T0, tracker, useGovernors } from './helpers.js';

// Two clients of one app in one page (a widget and the app, two query clients) on one channel
// name: the budget is the key's, so they keep one, and hear each other at once, not over the
// channel (issue 10: over it they slowed each other 2.5×).

const { track } = useGovernors();
const tag = 'avala-fetch/governor@2';

/** A stand-in channel recording what the page posts; `deliver` brings another tab's message. */
function fakeChannel() {
  const posted: Record<string, unknown>[] = [];
  const channel = {
    onmessage: null as ((event: MessageEvent) => void) | null,
    postMessage: (message: unknown) => void posted.push(message as Record<string, unknown>),
    close: () => {},
  };
  const deliver = (data: unknown) => channel.onmessage?.({ data } as MessageEvent);
  // One factory for the page: governors made with the same one (and name) are one page.
  const factory = () => channel;
  return { factory, posted, deliver };
}

/** A governor of the page whose channel `factory` opens, recording its grants. */
function client(factory: () => unknown, options: Partial<RateLimitOptions> = {}) {
  const governor = createGovernor(
    { broadcastChannel: 'app', burstPerSecond: 1000, ...options },
    { channelFactory: factory as never, random: () => 0 },
  );
  track(governor);
  return { governor, ...tracker(governor) };
}

describe('two governors of one page on one channel', () => {
  it('keep one budget: together they never send more than the limit', async () => {
    const { factory } = fakeChannel();
    const a = client(factory);
    const b = client(factory);
    await a.send('prime');
    a.permit('prime').release(ok(10, 9, T0 + 60_000));
    expect(b.governor.state).toMatchObject({ limit: 10, remaining: 9 });

    for (let i = 0; i < 10; i++) {
      a.send(`a${i}`);
      b.send(`b${i}`);
    }
    await settle();
    // Each hears the other's sends as they happen, so no request is left for a race: the
    // page spends the whole limit, and not one more.
    expect(a.granted.length + b.granted.length).toBe(10);
    expect(a.governor.state).toMatchObject({ remaining: 0, queued: 10 - (a.granted.length - 1) });
    expect(b.governor.state).toMatchObject({ remaining: 0, queued: 10 - b.granted.length });
  });

  it('post nothing per send to each other, and another tab hears both as one page', async () => {
    const { factory, posted, deliver } = fakeChannel();
    const a = client(factory);
    const b = client(factory);
    await a.send('prime');
    a.permit('prime').release(ok(100, 99, T0 + 60_000));
    // Past the time the page's hello would have been answered in, no other tab has spoken.
    await vi.advanceTimersByTimeAsync(1_050);
    const before = posted.length;
    await Promise.all([a.send('a1'), b.send('b1'), a.send('a2'), b.send('b2')]);
    await settle();
    expect(posted).toHaveLength(before);
    expect(a.governor.state.remaining).toBe(95);
    expect(b.governor.state.remaining).toBe(95);

    // Another tab speaks: from now on the page tells it every send, under one id.
    deliver({ tag, from: 'other-tab', type: 'hello' });
    await settle();
    const told = posted.length;
    await Promise.all([a.send('a3'), b.send('b3')]);
    await settle();
    const updates = posted.slice(told);
    expect(updates.map((message) => message.sends)).toEqual([1, 1]);
    expect(new Set(posted.map((message) => message.from)).size).toBe(1);
  });

  it('tell a governor made during a hold of that hold at once', async () => {
    const { factory } = fakeChannel();
    const a = client(factory);
    await a.send('a1');
    a.permit('a1').release({ status: 429, headers: new Headers({ 'Retry-After': '30' }) });
    const late = client(factory);
    expect(late.governor.state.blockedUntil).toBe(T0 + 30_000);
    late.send('late');
    await settle();
    expect(late.granted).toEqual([]);
  });

  it('stay apart with broadcastChannel false', async () => {
    const { factory } = fakeChannel();
    const a = client(factory, { broadcastChannel: false });
    const b = client(factory, { broadcastChannel: false });
    await a.send('a1');
    a.permit('a1').release(ok(10, 9, T0 + 60_000));
    expect(b.governor.state.remaining).toBeUndefined();
  });
});
