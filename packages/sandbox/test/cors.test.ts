import { describe, expect, it } from 'vitest';
import { call, useSandbox } from './helpers.js';

const preflight = (url: string, origin: string) =>
  fetch(url, {
    method: 'OPTIONS',
    headers: {
      Origin: origin,
      'Access-Control-Request-Method': 'POST',
      'Access-Control-Request-Headers': 'x-avala-api-key, content-type',
    },
  });

describe('CORS', () => {
  const ctx = useSandbox({ corsOrigins: ['https://demo.example.com', /\.preview\.test$/] });

  it('answers a preflight from a localhost page on any port with 204', async () => {
    for (const origin of ['http://localhost:5173', 'http://127.0.0.1:4173', 'http://[::1]:3000']) {
      const response = await preflight(`${ctx.sandbox.apiUrl}/datasets/`, origin);
      expect(response.status).toBe(204);
      expect(response.headers.get('Access-Control-Allow-Origin')).toBe(origin);
      const allowed = response.headers.get('Access-Control-Allow-Headers')?.toLowerCase() ?? '';
      expect(allowed).toContain('x-avala-api-key');
      expect(allowed).toContain('content-type');
      expect(response.headers.get('Access-Control-Allow-Methods')).toContain('PATCH');
    }
  });

  it('does not authenticate or throttle a preflight', async () => {
    const response = await preflight(`${ctx.sandbox.apiUrl}/datasets/`, 'http://localhost:5173');
    expect(response.status).toBe(204);
    const next = await call(ctx.sandbox, '/health/');
    expect(next.headers.get('X-RateLimit-Remaining')).toBe('99');
  });

  it('allows the origins of the corsOrigins option and no others', async () => {
    const listed = await preflight(ctx.sandbox.apiUrl, 'https://demo.example.com');
    expect(listed.headers.get('Access-Control-Allow-Origin')).toBe('https://demo.example.com');
    const pattern = await preflight(ctx.sandbox.apiUrl, 'https://pr-1.preview.test');
    expect(pattern.headers.get('Access-Control-Allow-Origin')).toBe('https://pr-1.preview.test');
    const stranger = await preflight(ctx.sandbox.apiUrl, 'https://evil.example');
    expect(stranger.headers.get('Access-Control-Allow-Origin')).toBeNull();
  });

  it('exposes the rate-limit headers, on error responses too', async () => {
    const origin = 'http://localhost:5173';
    ctx.sandbox.injectFault({ type: 'status', status: 503, retryAfterS: 2 });
    const responses = [
      await call(ctx.sandbox, '/datasets/', { headers: { Origin: origin } }),
      await call(ctx.sandbox, '/datasets/', { key: null, headers: { Origin: origin } }),
      await call(ctx.sandbox, '/nope/', { headers: { Origin: origin } }),
      await call(ctx.sandbox, '/datasets/', { headers: { Origin: origin } }),
    ];
    expect(responses.map((r) => r.status)).toEqual([503, 401, 404, 200]);
    for (const response of responses) {
      expect(response.headers.get('Access-Control-Allow-Origin')).toBe(origin);
      const exposed = response.headers.get('Access-Control-Expose-Headers') ?? '';
      for (const name of [
        'X-RateLimit-Limit',
        'X-RateLimit-Remaining',
        'X-RateLimit-Reset',
        'Retry-After',
      ]) {
        expect(exposed).toContain(name);
      }
    }
  });

  it('lets a browser page on localhost reach the chaos routes', async () => {
    const response = await preflight(
      `${ctx.sandbox.url}/__sandbox/faults`,
      'http://localhost:5173',
    );
    expect(response.status).toBe(204);
    expect(response.headers.get('Access-Control-Allow-Origin')).toBe('http://localhost:5173');
  });
});
