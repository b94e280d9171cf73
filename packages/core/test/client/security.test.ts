import { createServer, type IncomingMessage, type Server } from 'node:http';
import { afterEach, describe, expect, it, vi } from 'vitest';
import {
  type AvalaError,
  type AvalaPath,
  createAvalaClient,
  path,
  UnsafeUrlError,
} from '../../src/index.js';
import { encodeSegment } from '../../src/utils/path.js';
import { isLoopbackHost } from '../../src/utils/url.js';
import { clientFor, failureOf, sandboxFor } from './harness.js';

const BASE = 'https://api.example.test/api/v1';

/** A client whose fetch records every URL and answers `{}`; nothing leaves the process. */
function recordingClient() {
  const urls: string[] = [];
  const fetch = vi.fn(async (input: RequestInfo | URL) => {
    urls.push(input instanceof Request ? input.url : String(input));
    return Response.json({ ok: true });
  });
  const { client } = clientFor(undefined, {
    baseUrl: BASE,
    apiKey: 'avk_test_secret',
    fetch: fetch as typeof globalThis.fetch,
    rateLimit: false,
  });
  return { client, urls, fetch };
}

describe('paths from caller data (docs/security.md)', () => {
  it('encodes each segment of an array path, and ends it with a slash', async () => {
    const { client, urls } = recordingClient();

    await client.get(['datasets', 'a/b?c#d e', 42]);

    expect(urls).toEqual([`${BASE}/datasets/a%2Fb%3Fc%23d%20e/42/`]);
  });

  it('encodes every value interpolated into the path`` template', async () => {
    const { client, urls } = recordingClient();
    const uid = '../../admin?x=1';

    await expect(client.get(path`/datasets/${uid}/`)).resolves.toBeDefined();

    expect(urls).toEqual([`${BASE}/datasets/..%2F..%2Fadmin%3Fx%3D1/`]);
  });

  it('keeps a query string given in a string path and adds searchParams', async () => {
    const { client, urls } = recordingClient();

    await client.get('/datasets/?limit=2', { searchParams: { cursor: 'abc', skip: undefined } });

    expect(urls).toEqual([`${BASE}/datasets/?limit=2&cursor=abc`]);
  });

  it.each([
    ['../admin/', 'traversal'],
    ['/datasets/../../admin/', 'traversal'],
    ['/datasets/%2e%2E/admin/', 'traversal'],
    ['/datasets/./x/', 'traversal'],
    ['datasets//x/', 'empty_segment'],
    ['//evil.example/api/v1/', 'foreign_origin'],
    ['http://evil.example/api/v1/datasets/', 'foreign_origin'],
    ['https://evil.example/api/v1/datasets/', 'foreign_origin'],
    ['javascript:alert(1)', 'foreign_origin'],
    ['https://api.example.test/admin/', 'outside_base_path'],
    ['https://api.example.test/api/v1/../admin/', 'outside_base_path'],
    ['/datasets\\..\\admin', 'backslash'],
    ['/datasets/\nx/', 'control_character'],
    ['/datasets/x\u0000/', 'control_character'],
    ['https://api.example.test/api/v1/\tdatasets/', 'control_character'],
  ])('refuses %j before sending (%s)', async (bad, reason) => {
    const { client, fetch } = recordingClient();

    const error = await failureOf(client.get(bad));

    expect(error).toBeInstanceOf(UnsafeUrlError);
    expect(error).toBeInstanceOf(TypeError);
    expect(error).toMatchObject({ reason });
    expect(fetch).not.toHaveBeenCalled();
  });

  it.each([['..'], ['.'], ['%2e%2e'], ['']])(
    'refuses the segment %j in an array path',
    async (segment) => {
      const { client, fetch } = recordingClient();

      await expect(client.get(['datasets', segment])).rejects.toBeInstanceOf(UnsafeUrlError);
      expect(() => path`/datasets/${segment}/`).toThrow(UnsafeUrlError);
      expect(fetch).not.toHaveBeenCalled();
    },
  );

  it('accepts an absolute URL on the base origin, inside the base path', async () => {
    const { client, urls } = recordingClient();

    await client.get(`${BASE}/datasets/?cursor=x`);

    expect(urls).toEqual([`${BASE}/datasets/?cursor=x`]);
  });

  it('encodeSegment leaves ordinary ids alone', () => {
    expect(encodeSegment('ds_01HZX')).toBe('ds_01HZX');
    expect(encodeSegment(7)).toBe('7');
  });
});

describe('the final URL, checked after parsing (docs/security.md)', () => {
  it.each([
    // The URL parser strips the trailing space, then resolves `..`: /api/v1/%2e%2e → /api/.
    ['%2e%2e '],
    ['/datasets/../%2e%2e '],
    ['.. '],
    // Inside the base, yet not the path it reads as: the parser would climb out of `datasets`.
    ['datasets/%2e%2e '],
    ['datasets/. '],
  ])('refuses %j, which the parser would resolve to another path', async (bad) => {
    const { client, fetch } = recordingClient();

    const error = await failureOf(client.get(bad));

    expect(error).toBeInstanceOf(UnsafeUrlError);
    expect(error).toMatchObject({ reason: 'traversal' });
    expect(fetch).not.toHaveBeenCalled();
  });

  const surrogatePaths: [string, () => AvalaPath][] = [
    ['a string path', () => '/datasets/\uD800/'],
    ['an absolute URL', () => `${BASE}/datasets/\uDC00/`],
    ['a segments array', () => ['datasets', 'x\uD800']],
    ['the path`` template', () => path`/datasets/${'\uDBFF'}/`],
  ];
  it.each(surrogatePaths)(
    'refuses a lone surrogate in %s with UnsafeUrlError, not URIError',
    async (_, make) => {
      const { client, fetch } = recordingClient();

      const error = await failureOf((async () => client.get(make()))());

      expect(error).toBeInstanceOf(UnsafeUrlError);
      expect(error).toMatchObject({ reason: 'invalid_url' });
      expect(fetch).not.toHaveBeenCalled();
    },
  );

  it('refuses an absolute URL that parses to outside the base path', async () => {
    const { client, fetch } = recordingClient();

    const error = await failureOf(client.get(`${BASE}/%2e%2e `));

    expect(error).toMatchObject({ name: 'UnsafeUrlError', reason: 'outside_base_path' });
    expect(fetch).not.toHaveBeenCalled();
  });

  it('still sends ordinary paths as written', async () => {
    const { client, urls } = recordingClient();

    await client.get('datasets/a b/');
    await client.get(['datasets', '..x', 'é']);

    expect(urls).toEqual([`${BASE}/datasets/a%20b/`, `${BASE}/datasets/..x/%C3%A9/`]);
  });
});

describe('base URL (docs/security.md)', () => {
  it.each([
    'http://api.avala.ai/api/v1',
    'http://10.0.0.5:8000/api/v1',
    'http://localhost.evil.example/api/v1',
    'http://128.0.0.1/api/v1',
    'ftp://api.avala.ai/api/v1',
    'javascript:alert(1)',
  ])('refuses %s at creation', (baseUrl) => {
    expect(() => createAvalaClient({ baseUrl, rateLimit: false })).toThrow(UnsafeUrlError);
  });

  it('says why in the error', () => {
    expect(() => createAvalaClient({ baseUrl: 'http://api.avala.ai/api/v1' })).toThrow(
      /https:.*loopback|localhost/,
    );
  });

  it('refuses credentials, a query or a fragment in the base URL', () => {
    for (const baseUrl of [
      'https://user:pw@api.avala.ai/api/v1',
      'https://api.avala.ai/api/v1?key=1',
      'https://api.avala.ai/api/v1#x',
    ]) {
      expect(() => createAvalaClient({ baseUrl, rateLimit: false })).toThrow(UnsafeUrlError);
    }
  });

  it.each([
    ['http://localhost:8000/api/v1/', 'http://localhost:8000/api/v1'],
    ['http://127.0.0.1:9/api/v1', 'http://127.0.0.1:9/api/v1'],
    ['http://127.4.5.6/api/v1', 'http://127.4.5.6/api/v1'],
    ['http://[::1]:3000/api/v1', 'http://[::1]:3000/api/v1'],
    ['https://api.avala.ai/api/v1/', 'https://api.avala.ai/api/v1'],
  ])('accepts %s (normalised to %s)', (baseUrl, normalised) => {
    const client = createAvalaClient({ baseUrl, rateLimit: false });
    expect(client.baseUrl).toBe(normalised);
    client.dispose();
  });

  it('defaults to the Avala API', () => {
    const client = createAvalaClient({ rateLimit: false });
    expect(client.baseUrl).toBe('https://api.avala.ai/api/v1');
    client.dispose();
  });

  it('isLoopbackHost knows localhost, 127.0.0.0/8 and [::1] only', () => {
    expect(
      ['localhost', 'app.localhost', '127.0.0.1', '127.255.0.9', '[::1]'].every(isLoopbackHost),
    ).toBe(true);
    expect(['localhost.example', '128.0.0.1', '[::2]', 'example.com'].some(isLoopbackHost)).toBe(
      false,
    );
  });
});

describe('redirects (docs/security.md)', () => {
  const servers: Server[] = [];
  afterEach(async () => {
    await Promise.all(
      servers.splice(0).map((server) => {
        server.closeAllConnections();
        return new Promise((resolve) => server.close(resolve));
      }),
    );
  });

  async function listen(
    handler: (req: IncomingMessage) => { status: number; headers?: Record<string, string> },
  ) {
    const seen: IncomingMessage[] = [];
    const server = createServer((req, res) => {
      seen.push(req);
      const { status, headers } = handler(req);
      res.writeHead(status, { 'content-type': 'application/json', ...headers });
      res.end(JSON.stringify({ path: req.url }));
    });
    servers.push(server);
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const address = server.address();
    if (address === null || typeof address === 'string') throw new Error('no port');
    return { origin: `http://127.0.0.1:${address.port}`, seen };
  }

  it('does not follow a redirect to another origin, so the key never goes there', async () => {
    const thief = await listen(() => ({ status: 200 }));
    const api = await listen(() => ({
      status: 302,
      headers: { location: `${thief.origin}/steal` },
    }));
    const { client } = clientFor(undefined, {
      baseUrl: `${api.origin}/api/v1`,
      apiKey: 'avk_test_secret',
    });

    const error = (await failureOf(client.get('/datasets/'))) as AvalaError;

    expect(error).toMatchObject({ kind: 'unexpected_status', status: 302, attempts: 1 });
    expect(error.message).toMatch(/not followed/);
    expect(api.seen).toHaveLength(1);
    expect(api.seen[0]?.headers['x-avala-api-key']).toBe('avk_test_secret');
    expect(thief.seen).toHaveLength(0);
  });
});

describe('redirects in browsers (opaqueredirect)', () => {
  it("asks fetch for redirect: 'manual' and reports a browser's opaque redirect as not followed", async () => {
    // What a browser returns for `redirect: 'manual'`: status 0, no headers, type opaqueredirect.
    class OpaqueRedirect extends Response {
      override get type(): ResponseType {
        return 'opaqueredirect';
      }
      override get status(): number {
        return 0;
      }
      override get ok(): boolean {
        return false;
      }
    }
    const seen: Request[] = [];
    const { client } = clientFor(undefined, {
      baseUrl: BASE,
      apiKey: 'avk_test_secret',
      rateLimit: false,
      fetch: (async (input: Request) => {
        seen.push(input);
        return new OpaqueRedirect(null);
      }) as typeof globalThis.fetch,
    });

    const error = (await failureOf(client.get('/datasets/'))) as AvalaError;

    expect(seen[0]?.redirect).toBe('manual');
    expect(error).toMatchObject({ kind: 'unexpected_status', status: undefined, attempts: 1 });
    expect(error.message).toMatch(/Redirect not followed/);
  });
});

describe('the key is never exposed (docs/security.md)', () => {
  it('keeps the key out of error messages, bodies, toJSON and events', async () => {
    const sandbox = await sandboxFor();
    const key = sandbox.keys.admin;
    const { client, events } = clientFor(sandbox);
    sandbox.injectFault({
      type: 'status',
      status: 400,
      body: { detail: `Key ${key} is not allowed here`, api_key: [key], name: [`bad ${key}`] },
    });

    const error = (await failureOf(
      client.get('/datasets/', { searchParams: { token: key, q: key } }),
    )) as AvalaError;

    expect(error.kind).toBe('bad_request');
    const exposed = [
      error.message,
      String(error),
      JSON.stringify(error),
      JSON.stringify(error.body),
      JSON.stringify(error.fieldErrors),
      String(error.url),
      JSON.stringify(events),
    ];
    for (const text of exposed) expect(text).not.toContain(key);
    // The request did carry it: the redaction is in what we show, not what we send.
    expect(sandbox.log[0]?.key).toBe(key);
  });

  it('keeps the key out of network errors and their events', async () => {
    const key = 'avk_live_do_not_leak';
    const { client, events } = clientFor(undefined, {
      baseUrl: 'http://127.0.0.1:9/api/v1',
      apiKey: key,
      retry: false,
      fetch: async () => {
        throw new TypeError(`fetch failed: connect ECONNREFUSED (key ${key})`);
      },
    });

    const error = (await failureOf(client.get(['datasets', key]))) as AvalaError;

    expect(error.kind).toBe('network');
    expect(JSON.stringify(error)).not.toContain(key);
    expect(error.message).not.toContain(key);
    expect(JSON.stringify(events)).not.toContain(key);
  });

  it('keeps no reference to the sent request (and its key header) on a timeout', async () => {
    // A browser's devtools let anyone expand an error's cause: ky's TimeoutError holds the
    // Request, and with it the X-Avala-Api-Key header.
    const sandbox = await sandboxFor();
    const { client } = clientFor(sandbox, { retry: false, timeoutMs: 50 });
    sandbox.injectFault({ type: 'delay', delayMs: 60_000 });

    const error = (await failureOf(client.get('/datasets/'))) as AvalaError;

    expect(error.kind).toBe('timeout');
    expect(requestsReachableFrom(error)).toEqual([]);
  });
});

/** Every Request or Headers object reachable from `root` through its properties and causes. */
function requestsReachableFrom(root: unknown): unknown[] {
  const found: unknown[] = [];
  const seen = new Set<unknown>();
  const visit = (value: unknown, depth: number) => {
    if (value === null || typeof value !== 'object' || seen.has(value) || depth > 6) return;
    seen.add(value);
    if (value instanceof Request || value instanceof Headers) {
      found.push(value);
      return;
    }
    const keys = new Set([...Object.keys(value), 'cause']);
    for (const key of keys) visit((value as Record<string, unknown>)[key], depth + 1);
  };
  visit(root, 0);
  return found;
}

describe('apiKey', () => {
  it('calls a sync key function for every attempt (so keys can rotate)', async () => {
    const sandbox = await sandboxFor();
    const apiKey = vi.fn(() => sandbox.keys.admin);
    const { client } = clientFor(sandbox, { apiKey });
    sandbox.injectFault({ type: 'status', status: 500 });

    await client.get('/datasets/', { searchParams: { limit: 1 } });
    await client.get('/health/');

    expect(apiKey).toHaveBeenCalledTimes(3);
  });

  it('awaits an async key function per request and sends what it resolves', async () => {
    const sandbox = await sandboxFor();
    const keys = [sandbox.keys.readonly, sandbox.keys.admin];
    let n = 0;
    const apiKey = vi.fn(async () => {
      await new Promise((resolve) => setTimeout(resolve, 1));
      return keys[n++ % keys.length] ?? '';
    });
    const { client } = clientFor(sandbox, { apiKey });

    await client.get('/datasets/', { searchParams: { limit: 1 } });
    await client.get('/datasets/', { searchParams: { limit: 1 } });

    expect(sandbox.log.map((entry) => entry.key)).toEqual(keys);
  });

  it('sends no key header in proxy mode (no apiKey)', async () => {
    const sandbox = await sandboxFor();
    const { client } = clientFor(sandbox, { apiKey: undefined });

    await client.get('/health/');

    expect(sandbox.log[0]?.key).toBeUndefined();
  });

  it('passes an error thrown by the key function through unchanged, sending nothing', async () => {
    const sandbox = await sandboxFor();
    const failure = new Error('vault unreachable');
    const { client } = clientFor(sandbox, {
      apiKey: async () => {
        throw failure;
      },
    });

    await expect(client.get('/health/')).rejects.toBe(failure);
    expect(sandbox.log).toHaveLength(0);
  });
});
