import { describe, expect, it, vi } from 'vitest';
import { admin, call, faultsTaken, manualClock, useSandbox, validDataset } from './helpers.js';

describe('maintenance', () => {
  const clock = manualClock();
  const ctx = useSandbox({ now: clock.now });

  it('answers 503 with Retry-After to everything but /health/ until ended', async () => {
    ctx.sandbox.setMaintenance({ retryAfterS: 7 });
    const down = await call(ctx.sandbox, '/datasets/');
    expect(down.status).toBe(503);
    expect(down.headers.get('Retry-After')).toBe('7');
    expect(await down.json()).toEqual({ detail: 'The API is down for maintenance.' });
    // Before auth: even a missing key gets the 503.
    expect((await call(ctx.sandbox, '/datasets/', { key: null })).status).toBe(503);
    expect((await call(ctx.sandbox, '/health/')).status).toBe(200);

    ctx.sandbox.setMaintenance(false);
    expect((await call(ctx.sandbox, '/datasets/')).status).toBe(200);
  });

  it('ends by itself after durationMs, with Retry-After counting down the time left', async () => {
    ctx.sandbox.setMaintenance({ durationMs: 5_000 });
    const down = await call(ctx.sandbox, '/datasets/');
    expect(down.headers.get('Retry-After')).toBe('5');
    clock.advance(3_500);
    expect((await call(ctx.sandbox, '/datasets/')).headers.get('Retry-After')).toBe('2');
    clock.advance(1_500);
    expect((await call(ctx.sandbox, '/datasets/')).status).toBe(200);
  });

  it('is driven by POST and DELETE /__sandbox/maintenance', async () => {
    const started = await admin(ctx.sandbox, 'POST', '/maintenance', { retryAfterS: 2 });
    expect(started.status).toBe(200);
    expect((await call(ctx.sandbox, '/users/me/projects/')).headers.get('Retry-After')).toBe('2');
    expect((await admin(ctx.sandbox, 'DELETE', '/maintenance')).status).toBe(204);
    expect((await call(ctx.sandbox, '/users/me/projects/')).status).toBe(200);
    const bad = await admin(ctx.sandbox, 'POST', '/maintenance', { retryAfterS: 'soon' });
    expect(bad.status).toBe(400);
  });
});

describe('fault injection', () => {
  const ctx = useSandbox();

  it('fails the next request with the given status and a DRF-like body, then recovers', async () => {
    ctx.sandbox.injectFault({ type: 'status', status: 500 });
    const failed = await call(ctx.sandbox, '/datasets/');
    expect(failed.status).toBe(500);
    expect(await failed.json()).toEqual({ detail: 'A server error occurred.' });
    expect((await call(ctx.sandbox, '/datasets/')).status).toBe(200);
  });

  it('sends Retry-After, a custom body and headers when given', async () => {
    ctx.sandbox.injectFault({
      type: 'status',
      status: 429,
      retryAfterS: 3,
      headers: { 'X-Trace': 'abc' },
    });
    const throttled = await call(ctx.sandbox, '/datasets/');
    expect(throttled.status).toBe(429);
    expect(throttled.headers.get('Retry-After')).toBe('3');
    expect(throttled.headers.get('X-Trace')).toBe('abc');
    expect(await throttled.json()).toEqual({
      detail: 'Request was throttled. Expected available in 3 seconds.',
    });

    ctx.sandbox.injectFault({ type: 'status', status: 502, body: { error: 'upstream' } });
    const gateway = await call(ctx.sandbox, '/datasets/');
    expect(gateway.status).toBe(502);
    expect(await gateway.json()).toEqual({ error: 'upstream' });
  });

  it('applies to `count` requests, and to every request with Infinity', async () => {
    ctx.sandbox.injectFault({ type: 'status', status: 503, count: 2 });
    const statuses = [];
    for (let i = 0; i < 3; i++) statuses.push((await call(ctx.sandbox, '/health/')).status);
    expect(statuses).toEqual([503, 503, 200]);

    ctx.sandbox.injectFault({ type: 'status', status: 500, count: Number.POSITIVE_INFINITY });
    for (let i = 0; i < 5; i++) expect((await call(ctx.sandbox, '/health/')).status).toBe(500);
    ctx.sandbox.clearFaults();
    expect((await call(ctx.sandbox, '/health/')).status).toBe(200);
  });

  it('matches on method and on a path prefix or RegExp', async () => {
    ctx.sandbox.injectFault({ type: 'status', status: 500, method: 'post', path: '/datasets/' });
    ctx.sandbox.injectFault({
      type: 'status',
      status: 504,
      path: /^\/users\/me\/projects\/[^/]+\/$/,
    });
    expect((await call(ctx.sandbox, '/datasets/')).status).toBe(200);
    expect((await call(ctx.sandbox, '/users/me/projects/')).status).toBe(200);
    const project = await call(
      ctx.sandbox,
      '/users/me/projects/20000000-0000-4000-8000-000000000001/',
    );
    expect(project.status).toBe(504);
    const post = await call(ctx.sandbox, '/datasets/', { method: 'POST', json: {} });
    expect(post.status).toBe(500);
    expect((await call(ctx.sandbox, '/datasets/', { method: 'POST', json: {} })).status).toBe(400);
  });

  it('answers an HTML 500 page like a crashing server', async () => {
    ctx.sandbox.injectFault({ type: 'html500' });
    const response = await call(ctx.sandbox, '/datasets/');
    expect(response.status).toBe(500);
    expect(response.headers.get('Content-Type')).toMatch(/^text\/html/);
    expect(await response.text()).toContain('<h1>Server Error (500)</h1>');
  });

  it('drops the connection without a response', async () => {
    ctx.sandbox.injectFault({ type: 'drop' });
    await expect(call(ctx.sandbox, '/datasets/')).rejects.toThrow(TypeError);
    expect((await call(ctx.sandbox, '/datasets/')).status).toBe(200);
    expect(ctx.sandbox.log[0]).toMatchObject({ status: 0, fault: 'drop' });
    expect(ctx.sandbox.log[0]?.aborted).toBeUndefined();
  });

  it('delays a request, which then succeeds', async () => {
    ctx.sandbox.injectFault({ type: 'delay', delayMs: 150 });
    let settled = false;
    const pending = call(ctx.sandbox, '/datasets/?limit=1').then((response) => {
      settled = true;
      return response;
    });
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(settled).toBe(false);
    expect((await pending).status).toBe(200);
    expect(ctx.sandbox.log[0]).toMatchObject({ status: 200, fault: 'delay' });
  });

  it('refuses a fault it cannot apply', () => {
    expect(() => ctx.sandbox.injectFault({ type: 'status', status: 99 })).toThrow(RangeError);
    expect(() => ctx.sandbox.injectFault({ type: 'delay', delayMs: -1 })).toThrow(RangeError);
    // Longer than a timer can wait: setTimeout would fire at once instead.
    expect(() => ctx.sandbox.injectFault({ type: 'delay', delayMs: 2 ** 31 })).toThrow(RangeError);
    expect(() => ctx.sandbox.injectFault({ type: 'status', status: 500, count: 0 })).toThrow();
    // @ts-expect-error an unknown type, as plain JavaScript could pass
    expect(() => ctx.sandbox.injectFault({ type: 'explode' })).toThrow(TypeError);
  });

  it('refuses a status fault whose headers could not be sent, instead of answering 500 later', async () => {
    expect(() =>
      ctx.sandbox.injectFault({ type: 'status', status: 503, headers: { 'Retry After': '1' } }),
    ).toThrow(TypeError);
    const bad = await admin(ctx.sandbox, 'POST', '/faults', {
      type: 'status',
      status: 503,
      headers: { 'X-Note': 'line\nbreak' },
    });
    expect(bad.status).toBe(400);
    expect((await call(ctx.sandbox, '/datasets/')).status).toBe(200);
  });

  it('is driven by POST, GET and DELETE /__sandbox/faults', async () => {
    const queued = await admin(ctx.sandbox, 'POST', '/faults', {
      type: 'status',
      status: 503,
      retryAfterS: 1,
      count: 'Infinity',
      pathPattern: '^/datasets/',
    });
    expect(queued.status).toBe(201);
    const listed = await (await admin(ctx.sandbox, 'GET', '/faults')).json();
    expect(listed).toEqual([
      expect.objectContaining({ type: 'status', status: 503, remaining: 'Infinity' }),
    ]);
    expect((await call(ctx.sandbox, '/datasets/')).status).toBe(503);
    expect((await call(ctx.sandbox, '/users/me/projects/')).status).toBe(200);
    expect((await admin(ctx.sandbox, 'DELETE', '/faults')).status).toBe(204);
    expect((await call(ctx.sandbox, '/datasets/')).status).toBe(200);

    const bad = await admin(ctx.sandbox, 'POST', '/faults', { type: 'status', status: 'x' });
    expect(bad.status).toBe(400);
    expect(typeof (await bad.json()).detail).toBe('string');
    const unknown = await admin(ctx.sandbox, 'POST', '/faults', { type: 'meteor' });
    expect(unknown.status).toBe(400);
  });
});

describe('request log', () => {
  const ctx = useSandbox();

  it('records method, path, query, status, key and time of each API request', async () => {
    const before = Date.now();
    await call(ctx.sandbox, '/datasets/?limit=2');
    await call(ctx.sandbox, '/datasets/', { method: 'POST', json: {}, key: 'avk_wrong' });
    await admin(ctx.sandbox, 'GET', '/log');
    expect(ctx.sandbox.log).toEqual([
      {
        method: 'GET',
        path: '/api/v1/datasets/',
        query: 'limit=2',
        status: 200,
        key: 'avk_sandbox_admin',
        at: expect.any(Number),
      },
      {
        method: 'POST',
        path: '/api/v1/datasets/',
        status: 401,
        key: 'avk_wrong',
        at: expect.any(Number),
      },
    ]);
    expect(ctx.sandbox.log[0]?.at).toBeGreaterThanOrEqual(before);
  });

  it('marks a request the client aborted during a delay, at once', async () => {
    ctx.sandbox.injectFault({ type: 'delay', delayMs: 10_000 });
    const controller = new AbortController();
    const pending = call(ctx.sandbox, '/datasets/', { signal: controller.signal });
    await faultsTaken(ctx.sandbox);
    controller.abort();
    await expect(pending).rejects.toThrow();
    await vi.waitFor(() => expect(ctx.sandbox.log).toHaveLength(1), { timeout: 2_000 });
    expect(ctx.sandbox.log[0]).toMatchObject({
      path: '/api/v1/datasets/',
      aborted: true,
      status: 499,
      fault: 'delay',
    });
  });

  it('is served and cleared by /__sandbox/log, and cleared by clearLog()', async () => {
    await call(ctx.sandbox, '/health/');
    const served = await (await admin(ctx.sandbox, 'GET', '/log')).json();
    expect(served).toEqual([expect.objectContaining({ path: '/api/v1/health/', status: 200 })]);
    expect((await admin(ctx.sandbox, 'DELETE', '/log')).status).toBe(204);
    expect(ctx.sandbox.log).toEqual([]);
    await call(ctx.sandbox, '/health/');
    ctx.sandbox.clearLog();
    expect(ctx.sandbox.log).toEqual([]);
  });
});

describe('reset and close', () => {
  const ctx = useSandbox({ rateLimit: { limit: 2, windowMs: 60_000 } });

  it('reset() restores the seed and clears windows, faults, log and maintenance', async () => {
    const created = await call(ctx.sandbox, '/datasets/', {
      method: 'POST',
      json: validDataset('Temporary'),
    });
    const uid = (await created.json()).uid;
    await call(ctx.sandbox, '/health/');
    expect((await call(ctx.sandbox, '/health/')).status).toBe(429);
    ctx.sandbox.injectFault({ type: 'status', status: 500 });
    ctx.sandbox.setMaintenance({});

    ctx.sandbox.reset();
    expect(ctx.sandbox.log).toEqual([]);
    expect((await call(ctx.sandbox, `/datasets/${uid}/`)).status).toBe(404);
    expect((await call(ctx.sandbox, '/health/')).status).toBe(200);
    expect((await call(ctx.sandbox, '/health/')).status).toBe(429);
    expect((await admin(ctx.sandbox, 'POST', '/reset')).status).toBe(204);
    expect((await call(ctx.sandbox, '/health/')).status).toBe(200);
  });

  it('reset() lets a request waiting in a delay through instead of leaving it hanging', async () => {
    ctx.sandbox.injectFault({ type: 'delay', delayMs: 60_000 });
    const pending = call(ctx.sandbox, '/health/', { signal: AbortSignal.timeout(5_000) });
    await faultsTaken(ctx.sandbox);
    ctx.sandbox.reset();
    expect((await pending).status).toBe(200);
  });

  it('close() ends a request waiting in a delay instead of hanging', async () => {
    ctx.sandbox.injectFault({ type: 'delay', delayMs: 60_000 });
    const pending = call(ctx.sandbox, '/health/').catch((error: unknown) => error);
    await faultsTaken(ctx.sandbox);
    await ctx.sandbox.close();
    expect(await pending).toBeInstanceOf(Error);
  });
});
