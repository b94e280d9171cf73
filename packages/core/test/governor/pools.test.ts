import { describe, expect, it, vi } from 'vitest';
import { ok, settle, T0, useGovernors } from './helpers.js';

const governors = useGovernors();

/** A governor whose budget is known and ample, so only the pools hold anything. */
async function make(options: Parameters<typeof governors.make>[0] = {}) {
  const made = governors.make(options);
  await made.send('prime');
  made.permit('prime').release(ok(10_000, 9_999, T0 + 60_000));
  return made;
}

describe('concurrency pools', () => {
  it('keeps at most 5 export jobs being created at once and lets the 6th go when one ends', async () => {
    const made = await make();
    for (let i = 1; i <= 8; i++) made.send(`e${i}`, '/exports/', 'POST');
    await settle();
    expect(made.granted).toEqual(['prime', 'e1', 'e2', 'e3', 'e4', 'e5']);
    expect(made.governor.state.queued).toBe(3);
    expect(made.events).toContainEqual({
      type: 'queued',
      method: 'POST',
      url: '/exports/',
      pool: 'exports',
      position: 1,
    });

    made.permit('e2').release(ok(10_000, 9_990, T0 + 60_000));
    await settle();
    expect(made.granted.slice(-1)).toEqual(['e6']);
    expect(made.events).toContainEqual({
      type: 'released',
      method: 'POST',
      url: '/exports/',
      pool: 'exports',
      waitedMs: 0,
    });
  });

  it('never makes requests outside a full pool wait', async () => {
    const made = await make();
    for (let i = 1; i <= 6; i++) made.send(`e${i}`, '/exports/', 'POST');
    made.send('poll', '/exports/0f0e/', 'GET');
    made.send('list', '/datasets/?limit=10', 'GET');
    await settle();
    expect(made.granted).toContain('poll');
    expect(made.granted).toContain('list');
    expect(made.granted).not.toContain('e6');
  });

  it('allows 10 uploads in flight at once', async () => {
    const made = await make();
    for (let i = 1; i <= 12; i++)
      made.send(`u${i}`, '/datasets/manual-upload/file-upload-url/', 'POST');
    await settle();
    expect(made.granted.filter((id) => id.startsWith('u'))).toHaveLength(10);
  });

  it('uses the pools given by path instead of the defaults', async () => {
    const made = await make({
      pools: [{ name: 'auto-label', match: /^POST \/projects\/[^/]+\/auto-label\/$/, size: 2 }],
    });
    for (const id of ['a1', 'a2', 'a3']) made.send(id, '/projects/p1/auto-label/', 'POST');
    for (let i = 1; i <= 6; i++) made.send(`e${i}`, '/exports/', 'POST');
    await settle();
    expect(made.granted).toEqual(['prime', 'a1', 'a2', 'e1', 'e2', 'e3', 'e4', 'e5', 'e6']);
    expect(made.events.at(-1)).toMatchObject({ type: 'queued', pool: 'auto-label' });
  });

  it('accepts a function as the pool match', async () => {
    const made = await make({
      pools: [
        { name: 'heavy', match: (method, path) => method === 'PUT' && path === '/x/', size: 1 },
      ],
    });
    made.send('a', '/x/', 'put');
    made.send('b', '/x/', 'PUT');
    await settle();
    expect(made.granted).toEqual(['prime', 'a']);
  });

  it('asks a function match on every request, even for the route it was asked last', async () => {
    // A RegExp's answer for a route is kept (calls repeat routes); a function may change its mind.
    let heavy = false;
    const made = await make({
      pools: [{ name: 'heavy', match: () => heavy, size: 1 }],
    });
    made.send('a', '/x/', 'PUT');
    made.send('b', '/x/', 'PUT');
    heavy = true;
    made.send('c', '/x/', 'PUT');
    made.send('d', '/x/', 'PUT');
    await settle();
    expect(made.granted).toEqual(['prime', 'a', 'b', 'c']);
  });

  it('matches repeated routes alike against RegExp pools', async () => {
    const made = await make();
    for (let i = 1; i <= 6; i++) made.send(`e${i}`, '/exports/', 'POST');
    made.send('g', '/exports/', 'GET');
    made.send('e7', '/exports/', 'POST');
    await settle();
    expect(made.granted).toEqual(['prime', 'e1', 'e2', 'e3', 'e4', 'e5', 'g']);
  });

  it('frees the slot of a request aborted while it waited for the budget', async () => {
    const made = governors.make({
      pools: [{ name: 'exports', match: /^POST \/exports\/$/, size: 1 }],
    });
    // Spend the budget, so the first export holds its slot while it waits for the reset.
    await made.send('first');
    made.permit('first').release(ok(10, 0, T0 + 5_000));
    const controller = new AbortController();
    const aborted = made.send('x', '/exports/', 'POST', controller.signal);
    made.send('y', '/exports/', 'POST');
    await settle();
    expect(made.governor.state.queued).toBe(2);

    controller.abort(new Error('gave up'));
    await expect(aborted).rejects.toThrow('gave up');
    // 'y' took over the freed slot and goes as soon as the window resets.
    await vi.advanceTimersByTimeAsync(5_250);
    expect(made.granted).toEqual(['first', 'y']);
  });

  it('gives a pool position back when a request waiting for a slot is aborted', async () => {
    const made = await make();
    for (let i = 1; i <= 5; i++) made.send(`e${i}`, '/exports/', 'POST');
    const controller = new AbortController();
    const sixth = made.send('e6', '/exports/', 'POST', controller.signal);
    made.send('e7', '/exports/', 'POST');
    await settle();
    controller.abort(new DOMException('stop', 'AbortError'));
    await expect(sixth).rejects.toMatchObject({ name: 'AbortError' });

    made.permit('e1').release();
    await settle();
    expect(made.granted.slice(-1)).toEqual(['e7']);
    // Every slot is accounted for: with all released, five go at once again.
    for (const id of ['e2', 'e3', 'e4', 'e5', 'e7']) made.permit(id).release();
    for (let i = 8; i <= 13; i++) made.send(`e${i}`, '/exports/', 'POST');
    await settle();
    expect(made.granted.slice(-5)).toEqual(['e8', 'e9', 'e10', 'e11', 'e12']);
    expect(made.governor.state.queued).toBe(1);
  });

  it('holds only the pool after a 429 that left budget (the pool was full on the server)', async () => {
    const made = await make();
    await made.send('e1', '/exports/', 'POST');
    const refused = ok(10_000, 9_000, T0 + 60_000);
    refused.headers.set('Retry-After', '2');
    made.permit('e1').release({ status: 429, headers: refused.headers });
    expect(made.governor.state.blockedUntil).toBeUndefined();

    made.send('e2', '/exports/', 'POST');
    made.send('list', '/datasets/', 'GET');
    await settle();
    expect(made.granted).toEqual(['prime', 'e1', 'list']);
    await vi.advanceTimersByTimeAsync(2_000);
    expect(made.granted).toEqual(['prime', 'e1', 'list', 'e2']);
  });

  it('holds everyone after a pooled request meets the spent rate limit', async () => {
    const made = await make();
    await made.send('e1', '/exports/', 'POST');
    const refused = ok(10_000, 0, T0 + 60_000);
    refused.headers.set('Retry-After', '2');
    made.permit('e1').release({ status: 429, headers: refused.headers });
    expect(made.governor.state.blockedUntil).toBe(T0 + 2_000);
  });

  it('keeps a retained slot after the response until the job is over', async () => {
    const made = await make({ pools: [{ name: 'exports', match: /^POST \/exports\/$/, size: 1 }] });
    const first = await made.send('job1', '/exports/', 'POST');
    const endJob = first.retainSlot();
    first.release(ok(10_000, 9_000, T0 + 60_000));
    made.send('job2', '/exports/', 'POST');
    await settle();
    expect(made.granted).not.toContain('job2');
    expect(made.governor.state.inFlight).toBe(0);

    endJob();
    endJob();
    await settle();
    expect(made.granted).toContain('job2');
    expect(() => first.retainSlot()).toThrow(/before release/);
  });
});
