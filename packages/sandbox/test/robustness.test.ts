import { request } from 'node:http';
import { describe, expect, it, vi } from 'vitest';
import { call, useSandbox } from './helpers.js';

const ctx = useSandbox({ maxBodyBytes: 1_024 });

/** A raw HTTP/1.1 exchange, for what `fetch` refuses to send. */
function raw(
  method: string,
  path: string,
  headers: Record<string, string>,
  body?: string | Buffer,
): Promise<{ status: number; body: string; headers: Record<string, unknown> }> {
  const url = new URL(ctx.sandbox.url);
  return new Promise((resolve, reject) => {
    const req = request({ host: url.hostname, port: url.port, method, path, headers }, (res) => {
      let text = '';
      res.setEncoding('utf8');
      res.on('data', (chunk) => {
        text += chunk;
      });
      res.on('end', () =>
        resolve({ status: res.statusCode ?? 0, body: text, headers: res.headers }),
      );
    });
    req.on('error', reject);
    if (body !== undefined) req.write(body);
    req.end();
  });
}

describe('bad input never crashes the sandbox', () => {
  it('answers 413 to a body over maxBodyBytes (Content-Length known)', async () => {
    const response = await call(ctx.sandbox, '/datasets/', {
      method: 'POST',
      body: JSON.stringify({ name: 'x'.repeat(5_000) }),
      headers: { 'Content-Type': 'application/json' },
    });
    expect(response.status).toBe(413);
    expect(typeof (await response.json()).detail).toBe('string');
  });

  it('answers 413 to a streamed (chunked) body over the limit', async () => {
    const response = await raw(
      'POST',
      '/api/v1/datasets/',
      { 'X-Avala-Api-Key': ctx.sandbox.keys.admin, 'Transfer-Encoding': 'chunked' },
      'y'.repeat(4_096),
    );
    expect(response.status).toBe(413);
  });

  it('answers 413 before authenticating, like a proxy would', async () => {
    const response = await call(ctx.sandbox, '/datasets/', {
      method: 'POST',
      key: null,
      body: 'z'.repeat(2_000),
    });
    expect(response.status).toBe(413);
  });

  it('answers 400 to garbage and binary bodies', async () => {
    for (const body of ['\u0000\u0001\u0002', 'nul', '{"a":', '[', '"string"', '42']) {
      const response = await call(ctx.sandbox, '/datasets/', {
        method: 'POST',
        body,
        headers: { 'Content-Type': 'application/json' },
      });
      expect(response.status).toBe(400);
    }
  });

  it('answers 405 to odd methods on known paths and 404 elsewhere', async () => {
    const odd = await raw('PROPFIND', '/api/v1/datasets/', {
      'X-Avala-Api-Key': ctx.sandbox.keys.admin,
    });
    expect(odd.status).toBe(405);
    expect(odd.headers.allow).toBe('GET, HEAD, POST, OPTIONS');
    const unknown = await raw('PROPFIND', '/api/v1/elsewhere/', {
      'X-Avala-Api-Key': ctx.sandbox.keys.admin,
    });
    expect(unknown.status).toBe(404);
  });

  it('answers HEAD like GET without a body', async () => {
    const response = await call(ctx.sandbox, '/datasets/', { method: 'HEAD' });
    expect(response.status).toBe(200);
    expect(await response.text()).toBe('');
  });

  it('answers 404 to odd paths and encoded junk', async () => {
    for (const path of [
      '/api/v1/datasets/%00/',
      '/api/v1/datasets/%E0%A4%A/',
      '/api/v1/../../etc/passwd',
      '/api/v1//datasets/',
      `/api/v1/datasets/${'a'.repeat(5_000)}/`,
    ]) {
      const response = await raw('GET', path, { 'X-Avala-Api-Key': ctx.sandbox.keys.admin });
      expect([400, 404]).toContain(response.status);
    }
  });

  it('survives deeply nested and oversized JSON values', async () => {
    const deep = `${'['.repeat(400)}${']'.repeat(400)}`;
    const nested = await call(ctx.sandbox, '/datasets/', {
      method: 'POST',
      body: `{"name": "n", "slug": "n", "data_type": "image", "items": ${deep}}`,
      headers: { 'Content-Type': 'application/json' },
    });
    expect(nested.status).toBe(400);
    const weird = await call(ctx.sandbox, '/datasets/', {
      method: 'POST',
      // 1e309 parses to Infinity, which is not a valid number.
      body: '{"name": "n", "slug": "n", "data_type": "image", "items": [{"weight": 1e309}, {"weight": "0.5"}, null, 3]}',
      headers: { 'Content-Type': 'application/json' },
    });
    expect(await weird.json()).toEqual({
      detail: {
        items: [
          { weight: ['A valid number is required.'] },
          {},
          ['This field may not be null.'],
          { non_field_errors: ['Invalid data. Expected a dictionary, but got int.'] },
        ],
      },
    });
  });

  it('logs a client that hangs up mid-body as aborted (499), not as a server error', async () => {
    const errors = vi.spyOn(console, 'error').mockImplementation(() => {});
    const url = new URL(ctx.sandbox.url);
    const req = request({
      host: url.hostname,
      port: url.port,
      method: 'POST',
      path: '/api/v1/datasets/',
      headers: { 'X-Avala-Api-Key': ctx.sandbox.keys.admin, 'Content-Length': '100' },
    });
    req.on('error', () => {});
    req.write('{"name": ', () => setTimeout(() => req.destroy(), 20));
    await vi.waitFor(() => expect(ctx.sandbox.log).toHaveLength(1), { timeout: 2_000 });
    expect(ctx.sandbox.log[0]).toMatchObject({ status: 499, aborted: true });
    expect(errors).not.toHaveBeenCalled();
    errors.mockRestore();
  });

  it('keeps answering after all of the above', async () => {
    expect((await call(ctx.sandbox, '/health/')).status).toBe(200);
  });
});
