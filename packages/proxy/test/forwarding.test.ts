import { connect } from 'node:net';
import { Hono } from 'hono';
import { afterEach, describe, expect, it } from 'vitest';
import {
  createAvalaProxy,
  type RunningProxy,
  type StartProxyOptions,
  startProxy,
} from '../src/index.js';
import { startEchoUpstream } from './helpers/echo-upstream.js';
import { rawRequest } from './helpers/raw-request.js';

const KEY = 'avk_configured_secret_key';
const closers: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const close of closers.splice(0).reverse()) await close();
});

/** An echo upstream and an in-process proxy in front of it, admitting `Bearer good`. */
async function setup(
  respond?: Parameters<typeof startEchoUpstream>[0],
  options: Partial<StartProxyOptions> = {},
) {
  const upstream = await startEchoUpstream(respond);
  closers.push(upstream.close);
  const logs: string[] = [];
  const proxy: RunningProxy = await startProxy({
    apiKey: KEY,
    upstream: upstream.url,
    port: 0,
    authorize: (request) => request.headers.get('authorization') === 'Bearer good' && 'caller-1',
    log: (line) => logs.push(line),
    ...options,
  });
  closers.push(proxy.close);
  return { upstream, proxy, logs };
}

const admitted = { authorization: 'Bearer good' };

describe('admission', () => {
  it('answers 401 in Avala shape and forwards nothing to a caller not admitted', async () => {
    const { upstream, proxy } = await setup();
    const attempts: Record<string, string>[] = [
      {},
      { authorization: 'Bearer wrong' },
      { 'x-avala-api-key': KEY },
    ];
    for (const headers of attempts) {
      const response = await fetch(`${proxy.url}/api/v1/datasets/`, { headers });
      expect(response.status).toBe(401);
      expect(await response.json()).toEqual({ detail: expect.any(String) });
    }
    expect(upstream.received).toEqual([]);
  });

  it('refuses to be created without authorize unless open is explicit', () => {
    expect(() => createAvalaProxy({ apiKey: KEY })).toThrow(/authorize is required/);
    expect(() => createAvalaProxy({ apiKey: KEY, open: true })).not.toThrow();
    expect(() =>
      createAvalaProxy({ apiKey: KEY, open: true, upstream: 'http://api.example.com' }),
    ).toThrow(/loopback/);
    expect(() =>
      createAvalaProxy({ apiKey: KEY, open: true, upstream: 'https://api.avala.ai/api/v1' }),
    ).toThrow(/origin/);
  });

  it('lets an allowlist make a read-only gateway: other methods get 403, nothing forwarded', async () => {
    const { upstream, proxy } = await setup(undefined, { allow: ({ method }) => method === 'GET' });
    const post = await fetch(`${proxy.url}/api/v1/datasets/`, {
      method: 'POST',
      headers: { ...admitted, 'content-type': 'application/json' },
      body: '{}',
    });
    expect(post.status).toBe(403);
    expect(upstream.received).toEqual([]);
    expect((await fetch(`${proxy.url}/api/v1/datasets/`, { headers: admitted })).status).toBe(200);
  });
});

describe('forwarding', () => {
  it('replaces the caller key with the configured one and drops credentials and hop-by-hop headers', async () => {
    const { upstream, proxy } = await setup();
    const response = await rawRequest(proxy.url, '/api/v1/datasets/?limit=5', {
      headers: {
        ...admitted,
        'x-avala-api-key': 'avk_caller_chosen',
        cookie: 'session=abc',
        connection: 'keep-alive, x-named-hop',
        'x-named-hop': 'hop',
        'keep-alive': 'timeout=5',
        'proxy-authorization': 'Basic eA==',
        te: 'trailers',
        upgrade: 'websocket',
        'x-forwarded-host': 'evil.example',
        'x-request-id': 'r-1',
      },
    });
    expect(response.status).toBe(200);
    const [sent] = upstream.received;
    expect(sent?.url).toBe('/api/v1/datasets/?limit=5');
    expect(sent?.headers['x-avala-api-key']).toBe(KEY);
    for (const name of [
      'authorization',
      'cookie',
      'x-named-hop',
      'keep-alive',
      'proxy-authorization',
      'te',
      'upgrade',
      'x-forwarded-host',
    ]) {
      expect(sent?.headers[name], name).toBeUndefined();
    }
    expect(sent?.headers.host).toBe(new URL(upstream.url).host);
    expect(sent?.headers['x-request-id']).toBe('r-1');
  });

  it('forwards only /api/v1/ paths and answers /healthz itself', async () => {
    const { upstream, proxy } = await setup();
    expect((await fetch(`${proxy.url}/admin/`, { headers: admitted })).status).toBe(404);
    expect((await fetch(`${proxy.url}/api/v2/datasets/`, { headers: admitted })).status).toBe(404);
    const health = await fetch(`${proxy.url}/healthz`);
    expect(health.status).toBe(200);
    expect(await health.json()).toEqual({ ok: true, redis: 'none' });
    expect(upstream.received).toEqual([]);
  });

  it('refuses traversal, empty segments and encoded separators in any encoding, forwarding nothing', async () => {
    const { upstream, proxy } = await setup();
    const targets = [
      '/api/v1/../secret',
      '/api/v1/datasets/../../healthz',
      '/api/v1/datasets/../projects/',
      '/api/v1/./datasets/',
      '/api/v1/%2e%2e/x/',
      '/api/v1/.%2E/x/',
      '/api/v1/%2e/datasets/',
      '/api/v1//datasets/',
      '/api/v1/datasets%2f..%2fx/',
      '/api/v1/datasets%2F/',
      '/api/v1/datasets%5c/',
      '/api/v1/datasets\\x/',
      '/api/v1/%252e%252e/x/',
      '/api/v1/%c0%ae%c0%ae/x/',
      '/api/v1/datasets/%00/',
    ];
    for (const target of targets) {
      const response = await rawRequest(proxy.url, target, { headers: admitted });
      expect(response.status, target).toBe(400);
      expect(JSON.parse(response.body), target).toEqual({ detail: expect.any(String) });
    }
    expect(upstream.received).toEqual([]);
  });

  it('refuses an absolute-form target for another host and a Host it does not serve', async () => {
    const { upstream, proxy } = await setup(undefined, { allowedHosts: ['app.example.com'] });
    const absolute = await rawRequest(proxy.url, 'http://evil.example/api/v1/datasets/', {
      headers: { ...admitted, host: 'app.example.com' },
    });
    expect(absolute.status).toBe(421);
    const foreign = await rawRequest(proxy.url, '/api/v1/datasets/', {
      headers: { ...admitted, host: 'evil.example' },
    });
    expect(foreign.status).toBe(421);
    expect(upstream.received).toEqual([]);
    const served = await rawRequest(proxy.url, '/api/v1/datasets/', {
      headers: { ...admitted, host: 'app.example.com' },
    });
    expect(served.status).toBe(200);
    expect(upstream.received).toHaveLength(1);
  });

  it('answers 413 before forwarding a body over maxBodyBytes, declared or chunked', async () => {
    const { upstream, proxy } = await setup(undefined, { maxBodyBytes: 1024 });
    const big = 'x'.repeat(2048);
    const declared = await rawRequest(proxy.url, '/api/v1/datasets/', {
      method: 'POST',
      headers: { ...admitted, 'content-type': 'application/json', 'content-length': '2048' },
      body: big,
    });
    expect(declared.status).toBe(413);
    const chunked = await fetch(`${proxy.url}/api/v1/datasets/`, {
      method: 'POST',
      headers: { ...admitted, 'content-type': 'application/json' },
      body: new Blob([big]).stream(),
      duplex: 'half',
    } as RequestInit);
    expect(chunked.status).toBe(413);
    expect(upstream.received).toEqual([]);
    const small = await fetch(`${proxy.url}/api/v1/datasets/`, {
      method: 'POST',
      headers: { ...admitted, 'content-type': 'application/json' },
      body: '{"name":"ok"}',
    });
    expect(small.status).toBe(200);
    expect(upstream.received[0]?.body).toBe('{"name":"ok"}');
  });

  it('never follows an upstream redirect', async () => {
    const { upstream, proxy } = await setup((_request, response) => {
      response.writeHead(302, { location: 'http://evil.example/steal' });
      response.end();
    });
    const response = await fetch(`${proxy.url}/api/v1/datasets/`, {
      headers: admitted,
      redirect: 'manual',
    });
    expect(response.status).toBe(302);
    expect(upstream.received).toHaveLength(1);
  });
});

describe('the key stays on the server', () => {
  it('drops Set-Cookie and headers echoing the key, redacts it from bodies, and never logs it', async () => {
    const { proxy, logs } = await setup((request, response) => {
      const key = String(request.headers['x-avala-api-key']);
      response.writeHead(400, {
        'content-type': 'application/json',
        'set-cookie': 'upstream=1',
        'x-echo': `you sent ${key}`,
        'x-api-key-id': key,
        'x-kept': 'yes',
      });
      response.end(JSON.stringify({ detail: { key: [`Key ${key} is not valid here.`] } }));
    });
    const paths = ['/api/v1/datasets/', '/api/v1/../x', '/nope', '/api/v1/datasets/?q=1'];
    for (const path of paths) {
      const response = await rawRequest(proxy.url, path, { headers: admitted });
      const everything = JSON.stringify(response.headers) + response.body;
      expect(everything, path).not.toContain(KEY);
      expect(response.headers['set-cookie']).toBeUndefined();
    }
    const response = await rawRequest(proxy.url, '/api/v1/datasets/', { headers: admitted });
    expect(response.headers['x-kept']).toBe('yes');
    expect(JSON.parse(response.body)).toEqual({
      detail: { key: ['Key [redacted] is not valid here.'] },
    });
    expect(logs.length).toBeGreaterThan(0);
    expect(logs.join('\n')).not.toContain(KEY);
  });
});

describe('as a Web-standard handler', () => {
  it('mounts in another Hono app and refuses what a WHATWG URL still shows', async () => {
    const upstream = await startEchoUpstream();
    closers.push(upstream.close);
    const proxy = createAvalaProxy({ apiKey: KEY, upstream: upstream.url, open: true });
    closers.push(proxy.close);
    const app = new Hono();
    app.get('/', (c) => c.text('the app'));
    app.all('/api/v1/*', (c) => proxy.fetch(c.req.raw));

    const ok = await app.request('http://app.example/api/v1/datasets/?limit=2');
    expect(ok.status).toBe(200);
    expect(upstream.received[0]?.url).toBe('/api/v1/datasets/?limit=2');
    expect(upstream.received[0]?.headers['x-avala-api-key']).toBe(KEY);
    for (const path of [
      '/api/v1//datasets/',
      '/api/v1/datasets%2f..%2fx/',
      '/api/v1/%252e%252e/',
    ]) {
      expect((await app.request(`http://app.example${path}`)).status, path).toBe(400);
    }
    expect(upstream.received).toHaveLength(1);
  });
});

describe('cross-origin browsers', () => {
  it('answers preflights of allowed origins itself and exposes the budget headers', async () => {
    const { upstream, proxy } = await setup(undefined, {
      corsOrigins: ['https://app.example.com'],
    });
    const preflight = await fetch(`${proxy.url}/api/v1/datasets/`, {
      method: 'OPTIONS',
      headers: {
        origin: 'https://app.example.com',
        'access-control-request-method': 'POST',
        'access-control-request-headers': 'authorization, content-type',
      },
    });
    expect(preflight.status).toBe(204);
    expect(preflight.headers.get('access-control-allow-origin')).toBe('https://app.example.com');
    expect(preflight.headers.get('access-control-allow-headers')?.toLowerCase()).toContain(
      'authorization',
    );
    expect(upstream.received).toEqual([]);

    const answer = await fetch(`${proxy.url}/api/v1/datasets/`, {
      headers: { ...admitted, origin: 'https://app.example.com' },
    });
    expect(answer.headers.get('access-control-allow-origin')).toBe('https://app.example.com');
    expect(answer.headers.get('access-control-expose-headers')).toContain('X-RateLimit-Remaining');
    expect(upstream.received[0]?.headers.origin).toBeUndefined();

    const stranger = await fetch(`${proxy.url}/api/v1/datasets/`, {
      headers: { ...admitted, origin: 'https://evil.example' },
    });
    expect(stranger.headers.get('access-control-allow-origin')).toBeNull();
  });
});

describe('methods', () => {
  it('forwards only the methods the API serves: TRACE, WebDAV verbs and CONNECT get 405', async () => {
    const { upstream, proxy } = await setup();
    for (const method of ['TRACE', 'PROPFIND', 'PURGE']) {
      const response = await rawRequest(proxy.url, '/api/v1/datasets/', {
        method,
        headers: admitted,
      });
      expect(response.status, method).toBe(405);
      expect(JSON.parse(response.body), method).toEqual({
        detail: `Method "${method}" not allowed.`,
      });
    }
    // Node's client treats a CONNECT answer as a tunnel, so this one goes over a bare socket.
    const { port } = new URL(proxy.url);
    const socket = connect(Number(port), '127.0.0.1');
    socket.end(`CONNECT upstream.example:443 HTTP/1.1\r\nHost: upstream.example:443\r\n\r\n`);
    let reply = '';
    for await (const chunk of socket) reply += String(chunk);
    expect(reply.split('\r\n')[0]).toBe('HTTP/1.1 405 Method Not Allowed');
    expect(reply).toContain('{"detail":"Method \\"CONNECT\\" not allowed."}');
    expect(upstream.received).toEqual([]);
  });
});
