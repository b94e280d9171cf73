import { describe, expect, it, vi } from 'vitest';
import { createGovernor } from '../../src/governor/index.js';
import { budgetHeaders, ok, settle, T0, tracker, useGovernors } from './helpers.js';

const { make, track } = useGovernors();

function refusal(status: number, retryAfterS: number, headers: Headers = new Headers()) {
  headers.set('Retry-After', String(retryAfterS));
  return { status, headers };
}

/** Acquires with a cap on the wait, recording the outcome under `id`. */
function sendCapped(
  made: ReturnType<typeof make>,
  id: string,
  maxWaitMs: number,
  path = '/datasets/',
) {
  const request = made.governor.acquire({ method: 'GET', path, maxWaitMs });
  request.then(
    (permit) => {
      made.granted.push(id);
      made.permits.set(id, permit);
    },
    (error: unknown) => made.failures.set(id, error),
  );
  return request;
}

describe('holds obey maxWaitMs', () => {
  it('sets no hold for a wait longer than the receiving request would sleep through: its fail-fast stops the hold', async () => {
    const made = make();
    const first = await made.governor.acquire({
      method: 'GET',
      path: '/datasets/',
      maxWaitMs: 60_000,
    });
    first.release(refusal(503, 86_400));
    expect(made.governor.state.blockedUntil).toBeUndefined();
    made.send('health', '/health/');
    await settle();
    expect(made.granted).toEqual(['health']);
  });

  it('fails a new request at once, with the remaining wait, when the hold outlasts its maxWaitMs', async () => {
    const made = make();
    await made.send('a');
    made.permit('a').release(refusal(503, 30));
    await vi.advanceTimersByTimeAsync(10_000);
    const short = sendCapped(made, 'short', 5_000);
    await expect(short).rejects.toMatchObject({
      name: 'GovernorWaitError',
      waitMs: 20_000,
      reason: 'service_unavailable',
    });
    expect(made.governor.state.queued).toBe(0);
  });

  it('fails a queued request as soon as a new hold makes its wait too long', async () => {
    const made = make();
    await made.send('a');
    await made.send('b');
    made.permit('a').release(refusal(503, 2));
    sendCapped(made, 'waiting', 10_000);
    await settle();
    expect(made.governor.state.queued).toBe(1);
    // An answer that was in flight asks for a much longer wait: the queued request gives up.
    made.permit('b').release(refusal(503, 40));
    await settle();
    expect(made.failures.get('waiting')).toMatchObject({ waitMs: 40_000 });
    expect(made.governor.state.queued).toBe(0);
  });

  it('fails at once a request that would wait longer than its cap for a spent budget to reset', async () => {
    const made = make();
    await made.send('prime');
    made.permit('prime').release(ok(100, 0, T0 + 120_000));
    await expect(
      made.governor.acquire({ method: 'GET', path: '/datasets/', maxWaitMs: 60_000 }),
    ).rejects.toMatchObject({ waitMs: 119_000, reason: 'rate_limited' }); // less the header's rounding
  });

  it('waits out a spent one-minute window with the default one-minute cap', async () => {
    const made = make();
    await made.send('prime');
    // The header rounds the reset up to the next whole second: 60.9 s from now.
    made.permit('prime').release(ok(100, 0, T0 + 60_900));
    sendCapped(made, 'next', 60_000);
    await settle();
    expect(made.failures.has('next')).toBe(false);
    expect(made.governor.state.queued).toBe(1);
  });

  it('still waits a hold shorter than the cap', async () => {
    const made = make();
    await made.send('a');
    made.permit('a').release(refusal(429, 2));
    sendCapped(made, 'b', 60_000);
    await vi.advanceTimersByTimeAsync(2_000);
    expect(made.granted).toEqual(['a', 'b']);
  });
});

describe('after a hold: one probe first', () => {
  // The budget is known and ample (the sandbox and Avala put X-RateLimit-* on every 503),
  // so slow start holds nothing back: only the probe rule does.
  async function held(status: number) {
    const made = make();
    await made.send('prime');
    made.permit('prime').release(ok(1_000, 999, T0 + 60_000));
    await made.send('a');
    made.permit('a').release(refusal(status, 1, budgetHeaders(1_000, 990, T0 + 60_000)));
    return made;
  }

  it('lets one request probe when a hold ends and the rest only after it succeeded', async () => {
    const made = await held(503);
    for (const id of ['b', 'c', 'd']) made.send(id);
    await vi.advanceTimersByTimeAsync(1_000);
    expect(made.granted).toEqual(['prime', 'a', 'b']);
    expect(made.governor.state.blockedUntil).toBeUndefined();

    made.permit('b').release(ok(1_000, 980, T0 + 60_000));
    await settle();
    expect(made.granted).toEqual(['prime', 'a', 'b', 'c', 'd']);
  });

  it('holds again after a refused probe, and probes once more after the new wait', async () => {
    const made = await held(503);
    for (const id of ['b', 'c', 'd']) made.send(id);
    await vi.advanceTimersByTimeAsync(1_000);
    made.permit('b').release(refusal(503, 1, budgetHeaders(1_000, 980, T0 + 60_000)));
    await vi.advanceTimersByTimeAsync(999);
    expect(made.granted).toEqual(['prime', 'a', 'b']);
    await vi.advanceTimersByTimeAsync(1);
    expect(made.granted).toEqual(['prime', 'a', 'b', 'c']);
    made.permit('c').release(ok(1_000, 970, T0 + 60_000));
    await settle();
    expect(made.granted).toEqual(['prime', 'a', 'b', 'c', 'd']);
  });

  it('lets a second request probe when the first has not been answered in 5 s (a slow upload)', async () => {
    const made = await held(503);
    for (const id of ['b', 'c', 'd']) made.send(id);
    await vi.advanceTimersByTimeAsync(1_000);
    expect(made.granted).toEqual(['prime', 'a', 'b']);
    await vi.advanceTimersByTimeAsync(4_999);
    expect(made.granted).toEqual(['prime', 'a', 'b']);
    await vi.advanceTimersByTimeAsync(1);
    expect(made.granted).toEqual(['prime', 'a', 'b', 'c']);
    made.permit('c').release(ok(1_000, 970, T0 + 60_000));
    await settle();
    expect(made.granted).toEqual(['prime', 'a', 'b', 'c', 'd']);
  });

  it('lets the next request probe when the probe got no answer at all', async () => {
    const made = await held(429);
    for (const id of ['b', 'c', 'd']) made.send(id);
    await vi.advanceTimersByTimeAsync(1_000);
    expect(made.granted).toEqual(['prime', 'a', 'b']);
    made.permit('b').release(); // a network failure says nothing about the server
    await settle();
    expect(made.granted).toEqual(['prime', 'a', 'b', 'c']);
  });
});

describe('jitter on server-requested waits', () => {
  it('adds up to a tenth of the wait (at most a second) so that clients do not wake together', async () => {
    const governor = createGovernor({ broadcastChannel: false }, { random: () => 1 });
    track(governor);
    const permit = await governor.acquire({ method: 'GET', path: '/datasets/' });
    permit.release(refusal(503, 2));
    expect(governor.state.blockedUntil).toBe(T0 + 2_200);

    const later = createGovernor({ broadcastChannel: false }, { random: () => 0.5 });
    track(later);
    const other = await later.acquire({ method: 'GET', path: '/datasets/' });
    other.release(refusal(429, 30));
    expect(later.state.blockedUntil).toBe(T0 + 30_500);
  });
});

describe('concurrency 429s', () => {
  async function primed() {
    const made = make();
    await made.send('prime');
    made.permit('prime').release(ok(10_000, 9_999, T0 + 60_000));
    return made;
  }

  it('holds only the pool when a pooled 429 comes without rate-limit headers (a proxy stripped them)', async () => {
    const made = await primed();
    await made.send('e1', '/exports/', 'POST');
    made.permit('e1').release(refusal(429, 2));
    expect(made.governor.state.blockedUntil).toBeUndefined();
    made.send('e2', '/exports/', 'POST');
    made.send('list', '/datasets/');
    await settle();
    expect(made.granted).toEqual(['prime', 'e1', 'list']);
    await vi.advanceTimersByTimeAsync(2_000);
    expect(made.granted).toEqual(['prime', 'e1', 'list', 'e2']);
  });

  it("trusts the server's code over the headers: too_many_exports holds the pool even with no budget left", async () => {
    const made = await primed();
    await made.send('e1', '/exports/', 'POST');
    made.permit('e1').release({
      ...refusal(429, 2, budgetHeaders(100, 0, T0 + 60_000)),
      code: 'too_many_exports',
    });
    expect(made.governor.state.blockedUntil).toBeUndefined();
  });

  it('after the pool hold, one export probes before the others get a slot', async () => {
    const made = await primed();
    await made.send('e1', '/exports/', 'POST');
    made.permit('e1').release({ ...refusal(429, 1), code: 'too_many_exports' });
    for (const id of ['e2', 'e3']) made.send(id, '/exports/', 'POST');
    await vi.advanceTimersByTimeAsync(1_000);
    expect(made.granted).toEqual(['prime', 'e1', 'e2']);
    made.permit('e2').release(ok(10_000, 9_990, T0 + 60_000));
    await settle();
    expect(made.granted).toEqual(['prime', 'e1', 'e2', 'e3']);
  });

  it('lets the next export probe when the probe is aborted before it was sent', async () => {
    const made = await primed();
    await made.send('e1', '/exports/', 'POST');
    made.permit('e1').release({ ...refusal(429, 1), code: 'too_many_exports' });
    await made.send('x');
    made.permit('x').release(ok(10_000, 0, T0 + 60_000)); // spent: sends wait for the reset
    await vi.advanceTimersByTimeAsync(1_000);
    const controller = new AbortController();
    // e2 takes the pool's slot as its probe, then waits for the budget; e3 waits for e2's answer.
    const probe = made.send('e2', '/exports/', 'POST', controller.signal);
    made.send('e3', '/exports/', 'POST');
    await settle();
    controller.abort(new Error('gave up'));
    await expect(probe).rejects.toThrow('gave up');
    await vi.advanceTimersByTimeAsync(60_000);
    expect(made.granted).toContain('e3');
  });

  it('reports the hold of a pool as a concurrency wait when it outlasts the cap', async () => {
    const made = await primed();
    await made.send('e1', '/exports/', 'POST');
    made.permit('e1').release({ ...refusal(429, 90), code: 'too_many_exports' });
    await expect(
      made.governor.acquire({ method: 'POST', path: '/exports/', maxWaitMs: 60_000 }),
    ).rejects.toMatchObject({ reason: 'concurrency_limited', pool: 'exports', waitMs: 90_000 });
  });
});

describe('per-route limit scopes', () => {
  it("does not let an inference response shrink the other calls' budget", async () => {
    const made = make();
    await made.send('list');
    made.permit('list').release(ok(100, 80, T0 + 60_000));
    await made.send('infer', '/inference/invoke/', 'POST');
    made.permit('infer').release(ok(10, 0, T0 + 60_000));
    expect(made.governor.state).toMatchObject({ limit: 100, remaining: 80 });
    made.send('next');
    await settle();
    expect(made.granted).toEqual(['list', 'infer', 'next']);
    expect(made.governor.state.scopes?.inference).toMatchObject({ limit: 10, remaining: 0 });
  });

  it('ages a dataset answer by the dataset sends still out, not by the inference ones', async () => {
    const made = make();
    await made.send('list');
    made.permit('list').release(ok(100, 80, T0 + 60_000));
    for (const id of ['i1', 'i2', 'i3']) await made.send(id, '/inference/invoke/', 'POST');
    await made.send('next');
    // Three inference calls are still out: they are no part of the datasets' count.
    made.permit('next').release(ok(100, 79, T0 + 61_000));
    expect(made.governor.state).toMatchObject({ limit: 100, remaining: 79 });
  });

  it('does not let a dataset response overwrite the inference budget', async () => {
    const made = make();
    await made.send('infer', '/inference/invoke/', 'POST');
    made.permit('infer').release(ok(10, 2, T0 + 60_000));
    await made.send('list');
    made.permit('list').release(ok(100, 99, T0 + 60_000));
    await made.send('i2', '/inference/invoke/', 'POST');
    await made.send('i3', '/inference/invoke/', 'POST');
    made.send('i4', '/inference/invoke/', 'POST');
    await settle();
    // Two were left in the inference window: the third waits for its reset, datasets do not.
    expect(made.granted).toEqual(['infer', 'list', 'i2', 'i3']);
    made.send('list2');
    await settle();
    expect(made.granted).toEqual(['infer', 'list', 'i2', 'i3', 'list2']);
  });

  it('holds only the inference calls after an inference 429', async () => {
    const made = make();
    await made.send('infer', '/inference/invoke/', 'POST');
    made.permit('infer').release(refusal(429, 20, budgetHeaders(10, 0, T0 + 20_000)));
    made.send('i2', '/inference/invoke/', 'POST');
    made.send('list');
    await settle();
    expect(made.granted).toEqual(['infer', 'list']);
    expect(made.governor.state.blockedUntil).toBeUndefined();
  });
});

describe('tabs', () => {
  it('does not pass a hold that no request waits out to other tabs', async () => {
    const posted: unknown[] = [];
    const channel = {
      postMessage: (message: unknown) => posted.push(message),
      close: () => {},
      onmessage: null,
    };
    const governor = createGovernor({}, { channelFactory: () => channel });
    track(governor);
    const permit = await governor.acquire({ method: 'GET', path: '/x/', maxWaitMs: 60_000 });
    permit.release(refusal(503, 86_400));
    await settle();
    expect(posted.some((m) => (m as { blockedUntil?: number }).blockedUntil !== undefined)).toBe(
      false,
    );
  });

  it('ends a hold heard from another tab when its cause ends there', async () => {
    type Channel = {
      postMessage(message: unknown): void;
      close(): void;
      onmessage: ((event: MessageEvent) => void) | null;
    };
    // Like a BroadcastChannel: every other open channel of the name hears a message.
    const channels: Channel[] = [];
    const bus = () => {
      const channel: Channel = {
        postMessage: (message) => {
          for (const other of channels)
            if (other !== channel) other.onmessage?.({ data: message } as MessageEvent);
        },
        close: () => {},
        onmessage: null,
      };
      channels.push(channel);
      return channel;
    };
    const a = createGovernor({}, { channelFactory: bus, random: () => 0 });
    const b = createGovernor({}, { channelFactory: bus, random: () => 0 });
    track(a, b);
    await settle();
    const permit = await a.acquire({ method: 'GET', path: '/x/' });
    permit.release(refusal(503, 5));
    await settle();
    expect(b.state.blockedUntil).toBe(T0 + 5_000);
    const tabB = tracker(b);
    tabB.send('b1');
    await vi.advanceTimersByTimeAsync(5_000);
    expect(tabB.granted).toEqual(['b1']);
  });
});
