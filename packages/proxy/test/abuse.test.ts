/**
 * Abuse of the gateway over raw sockets, with a real redis-server behind the budget: every
 * family of malformed request (broken JSON, wrong content types, huge headers and bodies, odd
 * methods, traversal and absolute-form targets, NUL bytes, CL+TE smuggling, bad admission,
 * forged keys and forwarding headers, slow and abandoned requests).
 *
 * What production relies on (docs/security.md): what the gateway refuses never reaches the
 * upstream (its own log is the witness), what it forwards reaches it exactly once with the
 * configured key and none of the caller's, the key is in no answer and no log line even when
 * the upstream echoes it, and the gateway is still up afterwards with Redis.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type RawPiece, type RawReply, rawExchange } from '../../../scripts/raw-http.js';
import { seeded } from '../../../scripts/seeded-random.js';
import { type RunningProxy, startProxy } from '../src/index.js';
import { type ReceivedRequest, startEchoUpstream } from './helpers/echo-upstream.js';
import { startRedis, type TestRedis } from './helpers/redis-server.js';

/** Requests sent (reported in the README's security model). */
export const ABUSE_REQUESTS = 1200;
const SEED = 20261201;
const PARALLEL = 12;
const MAX_BODY_BYTES = 4096;
const KEY = 'avk_proxy_abuse_planted_9d2e7c41';
const TOKEN = 'abuse-token';

interface AbuseCase {
  id: number;
  family: string;
  pieces: readonly RawPiece[];
  /** The statuses the gateway may answer, or `refused`: Node's own 4xx or a closed connection. */
  expect: readonly number[] | 'refused';
  abandon?: boolean;
}

let redis: TestRedis;
let upstream: Awaited<ReturnType<typeof startEchoUpstream>>;
let proxy: RunningProxy;
let port: number;
const logs: string[] = [];

// The upstream echoes the key it was sent, in a header and in the body: the gateway must
// take it out of both before the caller sees the answer.
function echoKey(request: ReceivedRequest, response: import('node:http').ServerResponse): void {
  const key = String(request.headers['x-avala-api-key'] ?? '');
  response.writeHead(200, {
    'content-type': 'application/json',
    'x-echo-key': key,
    'x-ratelimit-limit': '1000000',
    'x-ratelimit-remaining': '999999',
    'x-ratelimit-reset': String(Math.ceil(Date.now() / 1000) + 60),
  });
  response.end(JSON.stringify({ ok: true, key, message: `your key is ${key}` }));
}

beforeAll(async () => {
  redis = await startRedis();
  upstream = await startEchoUpstream(echoKey);
  proxy = await startProxy({
    apiKey: KEY,
    upstream: upstream.url,
    redis: redis.url,
    port: 0,
    maxBodyBytes: MAX_BODY_BYTES,
    // Far from the limits: each request's own answer is under test, not the budget.
    rateLimit: { limit: 1_000_000, burst: 1_000_000 },
    authorize: (request) => request.headers.get('authorization') === `Bearer ${TOKEN}` && 'abuser',
    log: (line) => logs.push(line),
  });
  port = Number(new URL(proxy.url).port);
}, 20_000);
afterAll(async () => {
  await proxy?.close();
  await upstream?.close();
  await redis?.stop();
});

function head(requestLine: string, lines: string[]): string {
  return `${requestLine}\r\n${[`Host: 127.0.0.1:${port}`, ...lines, 'Connection: close'].join('\r\n')}\r\n\r\n`;
}
const auth = `Authorization: Bearer ${TOKEN}`;

function post(id: number, contentType: string, body: string | Buffer): RawPiece[] {
  return [
    head(`POST /api/v1/datasets/?abuse=${id} HTTP/1.1`, [
      auth,
      `Content-Type: ${contentType}`,
      `Content-Length: ${Buffer.byteLength(body)}`,
    ]),
    body,
  ];
}

type Draft = Omit<AbuseCase, 'id'>;

/** A seeded source of draws (mulberry32), so a failing case can be replayed by its id. */
interface Draw {
  int(min: number, max: number): number;
  pick<T>(items: readonly T[]): T;
  some<T>(items: readonly T[]): T[];
}
function seededDraw(seed: number): Draw {
  const next = seeded(seed);
  const int = (min: number, max: number) => min + Math.floor(next() * (max - min + 1));
  const pick = <T>(items: readonly T[]): T => items[int(0, items.length - 1)] as T;
  const some = <T>(items: readonly T[]): T[] => {
    const chosen = items.filter(() => next() < 0.5);
    return chosen.length > 0 ? chosen : [pick(items)];
  };
  return { int, pick, some };
}
const VALID = JSON.stringify({ name: 'n', slug: 'n', data_type: 'image' });

/** Each family turns a few draws and the case's id (carried in the query) into a request. */
function families(): Record<string, (d: Draw, id: number) => Draft> {
  return {
    // Not the gateway's to judge: forwarded as they are, for the upstream to answer.
    brokenJson: (d, id) => {
      const body = d.pick([
        VALID.slice(0, d.int(0, VALID.length - 1)),
        '{',
        "{'a': 1}",
        '{"name": NaN}',
        '[1,',
        '{"name": "a\\u0000b"}',
      ]);
      return { family: 'brokenJson', pieces: post(id, 'application/json', body), expect: [200] };
    },
    wrongContentType: (d, id) => ({
      family: 'wrongContentType',
      pieces: post(
        id,
        d.pick(['text/plain', 'application/xml', 'multipart/form-data; boundary=x', 'image/png']),
        VALID,
      ),
      expect: [200],
    }),

    hugeHeader: (d, id) => ({
      family: 'hugeHeader',
      pieces: [
        head(`GET /api/v1/datasets/?abuse=${id} HTTP/1.1`, [
          auth,
          `X-Big: ${'a'.repeat(d.int(17_000, 60_000))}`,
        ]),
      ],
      expect: 'refused',
    }),
    hugeBody: (d, id) => {
      const form = d.int(0, 2);
      const target = `POST /api/v1/datasets/?abuse=${id} HTTP/1.1`;
      const pieces =
        form === 0
          ? post(id, 'application/json', `"${'x'.repeat(d.int(MAX_BODY_BYTES + 1, 100_000))}"`)
          : form === 1
            ? [
                head(target, [
                  auth,
                  'Content-Type: application/json',
                  `Content-Length: ${d.pick(['99999999999', String(2 ** 53)])}`,
                ]),
              ]
            : [
                head(target, [
                  auth,
                  'Content-Type: application/json',
                  'Transfer-Encoding: chunked',
                ]),
                ...Array.from({ length: d.int(2, 20) }, () => `1000\r\n${'y'.repeat(0x1000)}\r\n`),
                '0\r\n\r\n',
              ];
      return { family: 'hugeBody', pieces, expect: [413] };
    },

    oddMethod: (d, id) => {
      // Methods the Avala API does not serve get DRF's 405 from the gateway (TRACE would echo
      // the key back, fetch cannot send it or CONNECT); one Node does not parse is refused by Node.
      const served = d.int(0, 1) === 0;
      const method = served
        ? d.pick(['PROPFIND', 'MKCOL', 'LOCK', 'PURGE', 'SEARCH', 'TRACE', 'CONNECT'])
        : d.pick(['BREW', 'get', 'G3T', 'X'.repeat(40)]);
      return {
        family: 'oddMethod',
        pieces: [
          head(`${method} /api/v1/datasets/?abuse=${id} HTTP/1.1`, [auth, 'Content-Length: 0']),
        ],
        expect: served ? [405] : 'refused',
      };
    },

    traversal: (d, id) => ({
      family: 'traversal',
      pieces: [
        head(
          `GET ${d.pick([
            '/api/v1/../../etc/passwd',
            '/api/v1/%2e%2e/%2e%2e/etc/passwd',
            '/api/v1/datasets/.%2E/.%2e/__sandbox/reset',
            '/api/v1/datasets/%252e%252e/',
            '/api/v1/datasets/%c0%ae%c0%ae/',
            '/api/v1/datasets/..%2f..%2f/',
            '/api/v1/datasets/%5c..%5c/',
            '/api/v1//datasets/',
            '/api/v1/./datasets/',
          ])}?abuse=${id} HTTP/1.1`,
          [auth],
        ),
      ],
      expect: [400],
    }),
    outsideApi: (d, id) => ({
      family: 'outsideApi',
      pieces: [
        head(
          `GET ${d.pick(['/', '/api/v2/datasets/', '/__sandbox/reset', '/api/v1', '/API/V1/datasets/', '/healthz/../api/v1/datasets/'])}?abuse=${id} HTTP/1.1`,
          [auth],
        ),
      ],
      expect: [400, 404],
    }),
    absoluteForm: (d, id) => ({
      family: 'absoluteForm',
      pieces: [
        head(
          `GET ${d.pick(['http://evil.test', 'https://evil.test:8443', 'http://169.254.169.254', 'ftp://evil.test'])}/api/v1/datasets/?abuse=${id} HTTP/1.1`,
          [auth],
        ),
      ],
      expect: [400, 421],
    }),

    nul: (d, id) => ({
      family: 'nul',
      pieces: [
        d.pick([
          head(`GET /api/v1/datasets/\u0000/?abuse=${id} HTTP/1.1`, [auth]),
          head(`GET /api/v1/datasets/?abuse=${id} HTTP/1.1`, [`${auth}\u0000x`]),
          head(`GET /api/v1/datasets/?abuse=${id}\u0000 HTTP/1.1`, [auth]),
        ]),
      ],
      expect: 'refused',
    }),
    encodedNul: (_d, id) => ({
      family: 'encodedNul',
      pieces: [head(`GET /api/v1/datasets/%00/?abuse=${id} HTTP/1.1`, [auth])],
      expect: [400],
    }),

    smuggling: (d, id) => {
      const lines = d.pick([
        ['Content-Length: 4', 'Transfer-Encoding: chunked'],
        ['Transfer-Encoding: chunked', 'Content-Length: 80'],
        ['Transfer-Encoding: chunked', 'Transfer-Encoding: identity'],
        ['Transfer-Encoding : chunked'],
        ['Content-Length: 5', 'Content-Length: 6'],
        ['Content-Length: +5'],
        ['Content-Length: -1'],
      ]);
      return {
        family: 'smuggling',
        pieces: [
          `POST /api/v1/datasets/?abuse=${id} HTTP/1.1\r\nHost: 127.0.0.1:${port}\r\n${auth}\r\n${lines.join('\r\n')}\r\n\r\n`,
          `0\r\n\r\nDELETE /api/v1/datasets/x/?smuggled=${id} HTTP/1.1\r\nHost: 127.0.0.1\r\n${auth}\r\nConnection: close\r\n\r\n`,
        ],
        expect: 'refused',
      };
    },

    badAdmission: (d, id) => {
      const line = d.pick([
        '',
        'Authorization: Bearer wrong',
        `Authorization: Bearer ${KEY}`,
        'Authorization: Basic YWJ1c2U6eA==',
        `X-Avala-Api-Key: ${KEY}`,
        `Authorization: Bearer ${TOKEN}x`,
      ]);
      return {
        family: 'badAdmission',
        pieces: [head(`GET /api/v1/datasets/?abuse=${id} HTTP/1.1`, line ? [line] : [])],
        expect: [401],
      };
    },
    // Admitted, with a forged key and forwarding headers: forwarded, with the gateway's key only.
    forgedHeaders: (d, id) => ({
      family: 'forgedHeaders',
      pieces: [
        head(`GET /api/v1/datasets/?abuse=${id} HTTP/1.1`, [
          auth,
          ...d.some([
            'X-Avala-Api-Key: avk_caller_forged',
            'X-Forwarded-Host: evil.test',
            'Forwarded: host=evil.test',
            'X-Forwarded-For: 6.6.6.6',
            'Cookie: session=1',
            'Proxy-Authorization: Basic eA==',
          ]),
        ]),
      ],
      expect: [200],
    }),

    slowComplete: (d, id) => {
      const [requestHead, body] = post(id, 'application/json', VALID) as [string, string];
      const cut = d.int(1, 40);
      const pauseMs = d.int(20, 120);
      return {
        family: 'slowComplete',
        pieces: [requestHead.slice(0, cut), { pauseMs }, requestHead.slice(cut), { pauseMs }, body],
        expect: [200],
      };
    },
    // Headers (maybe) and part of a body, then gone: nothing may be forwarded.
    slowAbandoned: (d, id) => ({
      family: 'slowAbandoned',
      pieces: [
        post(id, 'application/json', VALID).join('').slice(0, d.int(1, 120)),
        { pauseMs: d.int(10, 100) },
      ],
      abandon: true,
      expect: 'refused',
    }),
  };
}

function idsAt(received: readonly ReceivedRequest[], name: string): Map<number, ReceivedRequest[]> {
  const byId = new Map<number, ReceivedRequest[]>();
  for (const request of received) {
    const value = new URL(request.url, 'http://upstream.invalid').searchParams.get(name);
    if (value === null) continue;
    byId.set(Number(value), [...(byId.get(Number(value)) ?? []), request]);
  }
  return byId;
}

function statusOf(reply: RawReply): string {
  if (reply.timedOut) return 'timeout';
  return reply.status === undefined ? 'closed' : String(reply.status);
}

describe('the gateway under abuse', () => {
  it("answers TRACE and CONNECT with DRF's 405, forwarding nothing", async () => {
    const before = upstream.received.length;
    for (const method of ['TRACE', 'CONNECT']) {
      const reply = await rawExchange(port, [
        head(`${method} /api/v1/datasets/ HTTP/1.1`, [auth, 'Content-Length: 0']),
      ]);
      expect(reply.status).toBe(405);
      expect(JSON.parse(reply.body)).toEqual({ detail: `Method "${method}" not allowed.` });
    }
    expect(upstream.received.length).toBe(before);
  });

  it(`refuses or forwards ${ABUSE_REQUESTS} malformed raw requests correctly, never leaking the key`, async () => {
    const named = families();
    const names = Object.keys(named);
    const draw = seededDraw(SEED);
    const cases: AbuseCase[] = Array.from({ length: ABUSE_REQUESTS }, (_, id) => {
      const build = named[draw.pick(names)] as (d: Draw, id: number) => Draft;
      return { id, ...build(draw, id) };
    });
    const replies = new Array<RawReply>(cases.length);
    let next = 0;
    const worker = async () => {
      while (next < cases.length) {
        const index = next++;
        const c = cases[index] as AbuseCase;
        replies[index] = await rawExchange(port, c.pieces, { abandon: c.abandon, limitMs: 5000 });
      }
    };
    await Promise.all(Array.from({ length: PARALLEL }, worker));
    // Let requests still being forwarded when their caller left arrive upstream.
    await new Promise((resolve) => setTimeout(resolve, 300));

    const forwarded = idsAt(upstream.received, 'abuse');
    const problems: string[] = [];
    cases.forEach((c, index) => {
      const reply = replies[index] as RawReply;
      const status = statusOf(reply);
      const hits = forwarded.get(c.id)?.length ?? 0;
      const what = `${c.family} #${c.id} (${JSON.stringify(String(c.pieces[0]).slice(0, 100))}): got ${status}, forwarded ${hits}×`;
      if (`${reply.head}\r\n\r\n${reply.body}`.includes(KEY))
        problems.push(`${what}: the key is in the answer`);
      if (c.abandon) {
        if (hits !== 0) problems.push(`${what}: an abandoned request was forwarded`);
        return;
      }
      const ok =
        c.expect === 'refused'
          ? reply.status === undefined || (reply.status >= 400 && reply.status < 500)
          : reply.status !== undefined && c.expect.includes(reply.status);
      if (reply.timedOut || !ok) problems.push(what);
      // The echo upstream answers 200 to all it gets: a 200 was forwarded once, anything else never.
      if (reply.status === 200 ? hits !== 1 : hits !== 0)
        problems.push(`${what}: forwarding does not match the answer`);
    });
    expect(problems).toEqual([]);

    // Whatever reached the upstream carried the gateway's key and none of the caller's headers.
    for (const request of upstream.received) {
      expect(request.headers['x-avala-api-key']).toBe(KEY);
      expect(request.headers.authorization).toBeUndefined();
      expect(request.headers.cookie).toBeUndefined();
      expect(request.headers['proxy-authorization']).toBeUndefined();
      expect(request.headers['x-forwarded-host']).toBeUndefined();
      expect(request.headers.forwarded).toBeUndefined();
      expect(request.headers.host).toBe(new URL(upstream.url).host);
      expect(request.url.startsWith('/api/v1/')).toBe(true);
    }
    expect(idsAt(upstream.received, 'smuggled').size).toBe(0);
    // Every family was drawn, and the key never reached a log line.
    expect(new Set(cases.map((c) => c.family))).toEqual(new Set(names));
    expect(logs.filter((line) => line.includes(KEY))).toEqual([]);
    expect(logs.length).toBeGreaterThan(0);

    // Still up, with its budget on Redis.
    const health = await fetch(`${proxy.url}/healthz`);
    expect(await health.json()).toEqual({ ok: true, redis: 'up' });
    const normal = await fetch(`${proxy.url}/api/v1/datasets/`, {
      headers: { Authorization: `Bearer ${TOKEN}` },
    });
    expect(normal.status).toBe(200);
    expect(await normal.text()).not.toContain(KEY);
  }, 60_000);
});
