import { describe, expect, it, vi } from 'vitest';
import type { RateLimitState } from '../../src/types/client.js';
import { ok, settle, T0, useGovernors } from './helpers.js';

/** Waited past a window reset (the API states resets in whole seconds). */
const margin = 250;
/** Added to the burst window. */
const burstMargin = 50;
const { make } = useGovernors();

/** Sends one request and answers it with `limit/remaining/reset`, so the budget is known. */
async function learnBudget(
  made: ReturnType<typeof make>,
  limit: number,
  remaining: number,
  resetAt: number,
) {
  await made.send('prime');
  made.permit('prime').release(ok(limit, remaining, resetAt));
}

describe('slow start', () => {
  it('keeps at most initialConcurrency requests in flight until a response tells the budget', async () => {
    const made = make({ initialConcurrency: 4 });
    for (let i = 1; i <= 10; i++) made.send(`r${i}`);
    await settle();
    expect(made.granted).toEqual(['r1', 'r2', 'r3', 'r4']);
    expect(made.governor.state).toMatchObject({ inFlight: 4, queued: 6 });

    made.permit('r1').release(ok(100, 96, T0 + 60_000));
    await settle();
    expect(made.granted).toHaveLength(10);
    expect(made.governor.state).toMatchObject({ limit: 100, inFlight: 9, queued: 0 });
  });

  it('grows by one per answer while responses carry no budget headers', async () => {
    const made = make({ initialConcurrency: 2 });
    for (let i = 1; i <= 8; i++) made.send(`r${i}`);
    await settle();
    expect(made.granted).toHaveLength(2);

    // Each answer frees its place and widens the window by one: two more go.
    made.permit('r1').release({ status: 200, headers: new Headers() });
    await settle();
    expect(made.granted).toHaveLength(4);
    made.permit('r2').release({ status: 200, headers: new Headers() });
    await settle();
    expect(made.granted).toHaveLength(6);
  });

  it('lets a request go when nothing is in flight, even with no budget known', async () => {
    const made = make({ initialConcurrency: 1 });
    await made.send('a');
    made.permit('a').release(); // a network failure: nothing learned, nothing in flight
    await made.send('b');
    expect(made.granted).toEqual(['a', 'b']);
  });
});

describe('budget', () => {
  it('counts the remaining budget down locally between responses', async () => {
    const made = make();
    await learnBudget(made, 100, 50, T0 + 60_000);
    expect(made.governor.state.remaining).toBe(50);
    await Promise.all([made.send('a'), made.send('b'), made.send('c')]);
    expect(made.governor.state).toMatchObject({ remaining: 47, inFlight: 3 });
  });

  it('holds requests once the budget is spent and lets them go in order after the reset', async () => {
    const made = make();
    const resetAt = T0 + 10_000;
    await learnBudget(made, 5, 2, resetAt);
    for (const id of ['a', 'b', 'c', 'd', 'e']) made.send(id);
    await settle();
    expect(made.granted).toEqual(['prime', 'a', 'b']);
    expect(made.governor.state).toMatchObject({ remaining: 0, queued: 3 });
    expect(made.events.filter((e) => e.type === 'queued').map((e) => e.position)).toEqual([
      1, 2, 3,
    ]);

    await vi.advanceTimersByTimeAsync(resetAt + margin - T0 - 1);
    expect(made.granted).toHaveLength(3);
    // Past the reset one request probes the new window; its headers let the rest go.
    await vi.advanceTimersByTimeAsync(1);
    expect(made.granted).toEqual(['prime', 'a', 'b', 'c']);
    made.permit('c').release(ok(5, 4, resetAt + 10_000));
    await settle();
    expect(made.granted).toEqual(['prime', 'a', 'b', 'c', 'd', 'e']);
    expect(made.events.filter((e) => e.type === 'released').map((e) => e.waitedMs)).toEqual([
      10_250, 10_250, 10_250,
    ]);
  });

  it('trusts a lower count from the server but never a higher one within the same window', async () => {
    const made = make();
    const resetAt = T0 + 60_000;
    await learnBudget(made, 100, 50, resetAt);
    await Promise.all([made.send('a'), made.send('b')]);
    expect(made.governor.state.remaining).toBe(48);

    // 'a' was answered after 'b' went: the server's 49 had not counted 'b', so 48 stands.
    made.permit('a').release(ok(100, 49, resetAt));
    expect(made.governor.state.remaining).toBe(48);
    // Another client spent budget meanwhile: the server's lower count wins.
    made.permit('b').release(ok(100, 30, resetAt));
    expect(made.governor.state.remaining).toBe(30);
  });

  it('starts a new window when a response announces a later reset', async () => {
    const made = make();
    await learnBudget(made, 100, 0, T0 + 1_000);
    await vi.advanceTimersByTimeAsync(1_000 + margin);
    // Past the reset the old window is gone: the full limit is assumed until a probe confirms.
    expect(made.governor.state).toEqual({ limit: 100, remaining: 100, queued: 0, inFlight: 0 });
    await made.send('probe');
    made.permit('probe').release(ok(100, 99, T0 + 61_000));
    expect(made.governor.state).toMatchObject({ remaining: 99, resetAt: T0 + 61_000 });
  });

  it('does not let a late answer from the old window spend the new one', async () => {
    const made = make();
    await learnBudget(made, 10, 1, T0 + 1_000);
    await made.send('late'); // the last request of the old window, answered after the reset
    await vi.advanceTimersByTimeAsync(1_000 + margin);
    await made.send('probe');
    made.permit('late').release(ok(10, 0, T0 + 1_000));
    made.permit('probe').release(ok(10, 9, T0 + 2_250));
    expect(made.governor.state).toMatchObject({ remaining: 9, resetAt: T0 + 3_000 });
  });

  it('takes the count of a server whose window still holds old requests after the reset', async () => {
    const made = make();
    await learnBudget(made, 10, 0, T0 + 1_000);
    await vi.advanceTimersByTimeAsync(1_000 + margin);
    await made.send('probe');
    // A sliding window: the same reset time, and only three requests have left it so far.
    made.permit('probe').release(ok(10, 3, T0 + 1_000));
    expect(made.governor.state.remaining).toBe(3);
  });

  it('ignores a late answer from a window that has already been replaced', async () => {
    const made = make();
    await learnBudget(made, 100, 80, T0 + 60_000);
    await made.send('late');
    made.permit('late').release(ok(100, 0, T0 + 30_000));
    expect(made.governor.state.remaining).toBe(79);
  });

  it('takes off the sends still out when an answer overtook them: its count may lack them', async () => {
    const made = make({ burstPerSecond: 100 });
    await learnBudget(made, 5, 4, T0 + 2_000);
    for (const id of ['a', 'b', 'c', 'd']) void made.send(id);
    await settle();
    void made.send('e');
    await settle();
    expect(made.granted).not.toContain('e');
    // 'd', sent last, is answered first with a later reset: the server counted it before a, b
    // and c arrived (parallel connections), so its 3 remaining are 0 once they do.
    made.permit('d').release(ok(5, 3, T0 + 3_000));
    await settle();
    expect(made.governor.state.remaining).toBe(0);
    expect(made.granted).not.toContain('e');
  });
});

describe('burst', () => {
  it('sends at most burstPerSecond requests in any second', async () => {
    const made = make({ burstPerSecond: 3 });
    await learnBudget(made, 1000, 999, T0 + 60_000);
    await vi.advanceTimersByTimeAsync(2_000); // the priming send leaves the burst window
    for (let i = 1; i <= 7; i++) made.send(`r${i}`);
    await settle();
    expect(made.granted).toHaveLength(1 + 3);

    await vi.advanceTimersByTimeAsync(1_000 + burstMargin - 1);
    expect(made.granted).toHaveLength(4);
    await vi.advanceTimersByTimeAsync(1);
    expect(made.granted).toHaveLength(7);
    await vi.advanceTimersByTimeAsync(1_000 + burstMargin);
    expect(made.granted).toHaveLength(8);
  });

  it('keeps a send in the burst window until a second after its answer when it is answered late', async () => {
    const made = make({ burstPerSecond: 3 });
    await learnBudget(made, 1000, 999, T0 + 60_000);
    await vi.advanceTimersByTimeAsync(2_000);
    const start = Date.now();
    for (let i = 1; i <= 4; i++) made.send(`r${i}`);
    await settle();
    expect(made.granted).toEqual(['prime', 'r1', 'r2', 'r3']);

    // The server counts arrivals, and a request slow on its way may arrive just before its
    // answer: 500 ms after the grant, so its second there ends 1 500 ms after the grant.
    await vi.advanceTimersByTimeAsync(500);
    for (const id of ['r1', 'r2', 'r3']) made.permit(id).release(ok(1000, 990, T0 + 60_000));
    await vi.advanceTimersByTimeAsync(start + 1_000 + burstMargin - Date.now());
    expect(made.granted).not.toContain('r4');
    await vi.advanceTimersByTimeAsync(start + 1_500 - 1 - Date.now());
    expect(made.granted).not.toContain('r4');
    await vi.advanceTimersByTimeAsync(1);
    expect(made.granted).toContain('r4');
  });

  it('takes a cap of a billion a second as a cap, without a slot per permitted send', async () => {
    // Slots used to be allocated up front: this governor ran the process out of memory.
    const made = make({ burstPerSecond: 1e9 });
    await learnBudget(made, 1000, 999, T0 + 60_000);
    for (let i = 1; i <= 50; i++) made.send(`r${i}`);
    await settle();
    expect(made.granted).toHaveLength(51);
  });
});

describe('server-requested waits', () => {
  it('holds every request until Retry-After has passed after a 429', async () => {
    const made = make();
    await learnBudget(made, 100, 90, T0 + 60_000);
    await made.send('a');
    made.permit('a').release({ status: 429, headers: new Headers({ 'Retry-After': '2' }) });
    expect(made.governor.state.blockedUntil).toBe(T0 + 2_000);

    made.send('b');
    await vi.advanceTimersByTimeAsync(1_999);
    expect(made.granted).toEqual(['prime', 'a']);
    await vi.advanceTimersByTimeAsync(1);
    expect(made.granted).toEqual(['prime', 'a', 'b']);
    expect(made.governor.state.blockedUntil).toBeUndefined();
  });

  it('waits for X-RateLimit-Reset after a 503 that gives no Retry-After', async () => {
    const made = make();
    await made.send('a');
    made.permit('a').release({
      status: 503,
      headers: new Headers({ 'X-RateLimit-Reset': String((T0 + 5_000) / 1000) }),
    });
    expect(made.governor.state.blockedUntil).toBe(T0 + 5_000);
  });

  it('still pauses briefly after a 429 that names no wait at all', async () => {
    const made = make();
    await made.send('a');
    made.permit('a').release({ status: 429, headers: new Headers() });
    expect(made.governor.state.blockedUntil).toBe(T0 + 1_000);
  });
});

describe('aborting', () => {
  it('rejects a waiting request with the signal reason, frees its place, and later requests still flow', async () => {
    const made = make();
    await learnBudget(made, 100, 0, T0 + 5_000);
    const controller = new AbortController();
    made.send('a');
    const b = made.send('b', '/datasets/', 'GET', controller.signal);
    made.send('c');
    await settle();
    expect(made.governor.state.queued).toBe(3);

    const reason = new DOMException('user left', 'AbortError');
    controller.abort(reason);
    await expect(b).rejects.toBe(reason);
    expect(made.governor.state.queued).toBe(2);

    await vi.advanceTimersByTimeAsync(5_000 + margin);
    made.permit('a').release(ok(100, 99, T0 + 65_000));
    await settle();
    expect(made.granted).toEqual(['prime', 'a', 'c']);
  });

  it('rejects at once when the signal is already aborted', async () => {
    const made = make();
    const reason = new Error('too late');
    await expect(
      made.governor.acquire({ method: 'GET', path: '/x/', signal: AbortSignal.abort(reason) }),
    ).rejects.toBe(reason);
    expect(made.governor.state).toMatchObject({ queued: 0, inFlight: 0 });
  });
});

describe('state and lifecycle', () => {
  it('tells subscribers about changes once per tick, with the same state object until the next change', async () => {
    const made = make();
    const seen: RateLimitState[] = [];
    const stop = made.governor.subscribe((state) => seen.push(state));
    await Promise.all([made.send('a'), made.send('b')]);
    expect(seen).toHaveLength(1);
    expect(seen[0]).toMatchObject({ inFlight: 2, queued: 0 });
    expect(made.governor.state).toBe(made.governor.state);

    stop();
    made.permit('a').release();
    await settle();
    expect(seen).toHaveLength(1);
  });

  it('tells subscribers when a server-requested wait is over, even with nothing waiting', async () => {
    const made = make();
    await made.send('a');
    made.permit('a').release({ status: 503, headers: new Headers({ 'Retry-After': '3' }) });
    const seen: RateLimitState[] = [];
    made.governor.subscribe((state) => seen.push(state));
    await vi.advanceTimersByTimeAsync(3_000);
    expect(made.governor.state.blockedUntil).toBeUndefined();
    expect(seen).toHaveLength(1);
    expect(seen[0]?.blockedUntil).toBeUndefined();
  });

  it('rejects waiting requests and clears its timer on dispose', async () => {
    const made = make();
    await learnBudget(made, 10, 0, T0 + 60_000);
    const waiting = made.send('a');
    await settle();
    expect(vi.getTimerCount()).toBe(1);
    made.governor.dispose();
    await expect(waiting).rejects.toMatchObject({ name: 'AbortError' });
    expect(vi.getTimerCount()).toBe(0);
    await expect(made.governor.acquire({ method: 'GET', path: '/' })).rejects.toMatchObject({
      name: 'AbortError',
    });
  });

  it('ignores a second release of the same permit', async () => {
    const made = make();
    await made.send('a');
    made.permit('a').release();
    made.permit('a').release();
    expect(made.governor.state.inFlight).toBe(0);
  });
});
