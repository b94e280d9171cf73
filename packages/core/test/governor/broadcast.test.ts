import { afterEach, describe, expect, it, vi } from 'vitest';
import { createGovernor, type Governor } from '../../src/governor/index.js';
import { budgetHeaders, tracker } from './helpers.js';

// Real timers and a real BroadcastChannel (Node 20 has one): messages arrive asynchronously.
let governors: Governor[] = [];

afterEach(() => {
  for (const governor of governors) governor.dispose();
  governors = [];
  vi.unstubAllGlobals();
});

/** A channel name no other test uses. */
function channelName(): string {
  return `avala-fetch-test-${Math.random().toString(36).slice(2)}`;
}

/**
 * A governor standing for one browser tab on `channel`. Governors of one page (here: one
 * process) with the same channel factory share one endpoint and hear each other at once; a
 * factory of its own makes this one another page, which hears the others over the channel.
 */
function tab(channel: string) {
  const governor = createGovernor(
    { broadcastChannel: channel },
    { channelFactory: (name) => new BroadcastChannel(name) },
  );
  governors.push(governor);
  return { governor, ...tracker(governor) };
}

describe('tabs sharing one budget over BroadcastChannel', () => {
  it('spends one budget from two governors on the same channel', async () => {
    const channel = channelName();
    const a = tab(channel);
    const b = tab(channel);
    const resetAt = Date.now() + 60_000;
    await a.send('a1');
    a.permit('a1').release({ status: 200, headers: budgetHeaders(10, 4, resetAt) });
    await vi.waitFor(() => expect(b.governor.state.remaining).toBe(4));

    // B's sends lower A's count too. The last request is left for whichever tab might be
    // taking it at this very moment, so both hold once one is left.
    await Promise.all([b.send('b1'), b.send('b2'), b.send('b3')]);
    await vi.waitFor(() => expect(a.governor.state.remaining).toBe(1));
    a.send('a2');
    b.send('b4');
    await vi.waitFor(() => expect(a.governor.state.queued).toBe(1));
    await vi.waitFor(() => expect(b.governor.state.queued).toBe(1));
    expect(a.granted).toEqual(['a1']);
    expect(b.granted).toEqual(['b1', 'b2', 'b3']);
  });

  it('holds the other tab too after a 429 with Retry-After', async () => {
    const channel = channelName();
    const a = tab(channel);
    const b = tab(channel);
    await a.send('a1');
    a.permit('a1').release({ status: 429, headers: new Headers({ 'Retry-After': '30' }) });
    const until = a.governor.state.blockedUntil;
    expect(until).toBeGreaterThan(Date.now() + 29_000);
    await vi.waitFor(() => expect(b.governor.state.blockedUntil).toBe(until));
    b.send('b1');
    await vi.waitFor(() => expect(b.governor.state.queued).toBe(1));
  });

  it('tells a tab that opens during a Retry-After to wait too', async () => {
    const channel = channelName();
    const a = tab(channel);
    await a.send('a1');
    a.permit('a1').release({ status: 429, headers: new Headers({ 'Retry-After': '30' }) });
    const late = tab(channel);
    await vi.waitFor(() =>
      expect(late.governor.state.blockedUntil).toBe(a.governor.state.blockedUntil),
    );
  });

  it('tells a tab that opens later what budget is left', async () => {
    const channel = channelName();
    const a = tab(channel);
    const resetAt = Date.now() + 60_000;
    await a.send('a1');
    a.permit('a1').release({ status: 200, headers: budgetHeaders(100, 42, resetAt) });
    const late = tab(channel);
    await vi.waitFor(() =>
      expect(late.governor.state).toMatchObject({ limit: 100, remaining: 42 }),
    );
  });

  it('ignores messages on the channel that are not a governor’s', async () => {
    const channel = channelName();
    const a = tab(channel);
    const b = tab(channel);
    await b.send('b1');
    b.permit('b1').release({ status: 200, headers: budgetHeaders(10, 9, Date.now() + 60_000) });
    await vi.waitFor(() => expect(a.governor.state.remaining).toBe(9));

    const stranger = new BroadcastChannel(channel);
    stranger.postMessage({ type: 'update', sends: 5 });
    stranger.postMessage({ tag: 'avala-fetch/governor@2', type: 'update', sends: -3 });
    stranger.postMessage('hello');
    stranger.close();
    await b.send('b2');
    await vi.waitFor(() => expect(a.governor.state.remaining).toBe(8));
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect(a.governor.state.remaining).toBe(8);
  });

  it('takes a huge send count from another tab as a spent budget at once, and ignores fractions', async () => {
    const channel = channelName();
    const a = tab(channel);
    await a.send('a1');
    a.permit('a1').release({ status: 200, headers: budgetHeaders(10, 9, Date.now() + 60_000) });

    const other = new BroadcastChannel(channel);
    const tag = 'avala-fetch/governor@2';
    other.postMessage({ tag, from: 'other', type: 'update', sends: 1.5 }); // not a count
    other.postMessage({ tag, from: 'other', type: 'update', sends: 1 });
    await vi.waitFor(() => expect(a.governor.state.remaining).toBe(8));
    other.postMessage({ tag, from: 'other', type: 'update', sends: 1e12 });
    other.close();
    await vi.waitFor(() => expect(a.governor.state.remaining).toBe(0));
  });

  it('works alone where the runtime has no BroadcastChannel', async () => {
    vi.stubGlobal('BroadcastChannel', undefined);
    const governor = createGovernor();
    governors.push(governor);
    const permit = await governor.acquire({ method: 'GET', path: '/datasets/' });
    permit.release({ status: 200, headers: budgetHeaders(10, 9, Date.now() + 60_000) });
    expect(governor.state.remaining).toBe(9);
  });
});

describe('a tab alone on its channel', () => {
  /** A stand-in channel that records what is posted and can deliver another tab's message. */
  function fakeChannel() {
    const posted: { type: string }[] = [];
    const channel = {
      onmessage: null as ((event: MessageEvent) => void) | null,
      postMessage: (message: unknown) => void posted.push(message as { type: string }),
      close: () => {},
    };
    const deliver = (data: unknown) => channel.onmessage?.({ data } as MessageEvent);
    return { channel, posted, deliver };
  }

  it('posts nothing per send while no other tab answered, then tells a newcomer every send', async () => {
    const { channel, posted, deliver } = fakeChannel();
    const governor = createGovernor(
      { broadcastChannel: 'lonely', burstPerSecond: 1000 },
      { channelFactory: () => channel },
    );
    governors.push(governor);
    const { send, permit } = tracker(governor);
    await send('first');
    permit('first').release({
      status: 200,
      headers: budgetHeaders(100, 50, Date.now() + 60_000),
    });
    // Past the time its hello would have been answered in, nobody has spoken.
    await new Promise((done) => setTimeout(done, 1_050));
    const lonely = posted.length;
    await Promise.all([send('a'), send('b'), send('c')]);
    await new Promise((done) => setTimeout(done, 0));
    expect(posted).toHaveLength(lonely);

    deliver({ tag: 'avala-fetch/governor@2', from: 'other-tab', type: 'hello' });
    await new Promise((done) => setTimeout(done, 0));
    // The newcomer learns the budget; from now on sends are told.
    expect(posted.at(-1)).toMatchObject({ type: 'update', budget: { limit: 100 } });
    const before = posted.length;
    await send('d');
    await new Promise((done) => setTimeout(done, 0));
    expect(posted.slice(before)).toEqual([expect.objectContaining({ type: 'update', sends: 1 })]);

    // Once it has said goodbye, the tab is alone again.
    deliver({ tag: 'avala-fetch/governor@2', from: 'other-tab', type: 'bye' });
    const after = posted.length;
    await send('e');
    await new Promise((done) => setTimeout(done, 0));
    expect(posted).toHaveLength(after);
  });
});
