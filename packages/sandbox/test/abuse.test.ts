/**
 * Abuse of the sandbox over raw sockets: malformed requests of every family a hostile or
 * broken client sends (broken JSON, wrong content types, huge headers and bodies, odd
 * methods, traversal and absolute-form targets, NUL bytes, CL+TE smuggling, slow and
 * abandoned requests). Each must get the 4xx a DRF server behind Node gives (or the
 * connection closed where Node's HTTP parser refuses it), never a 5xx; afterwards the
 * sandbox still answers and its datasets are intact (docs/avala-api.md).
 */
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { type RawPiece, type RawReply, rawExchange } from '../../../scripts/raw-http.js';
import { type Sandbox, startSandbox } from '../src/index.js';

/** Requests sent (reported in the README's security model). */
export const ABUSE_REQUESTS = 1200;
const SEED = 20261201;
const PARALLEL = 12;
const MAX_BODY_BYTES = 4096;

/** Expected: one of these statuses, or `refused` (Node's parser: a 4xx it writes itself, or a closed connection). */
type Expectation = { statuses: readonly number[] } | 'refused' | 'anything-but-5xx';

interface AbuseCase {
  family: string;
  pieces: readonly RawPiece[];
  expect: Expectation;
  abandon?: boolean;
}

let sandbox: Sandbox;
let port: number;
let key: string;
let seededCount: number;
let victimUid: string;

beforeAll(async () => {
  // No throttling: the point is each request's own answer, not the budget's.
  sandbox = await startSandbox({ port: 0, rateLimit: false, maxBodyBytes: MAX_BODY_BYTES });
  port = Number(new URL(sandbox.url).port);
  key = sandbox.keys.admin;
  const list = await listDatasets();
  seededCount = list.length;
  victimUid = (list[0] as { uid: string }).uid;
});
afterAll(async () => {
  await sandbox.close();
});

async function listDatasets(): Promise<unknown[]> {
  const response = await fetch(`${sandbox.apiUrl}/datasets/?limit=1000`, {
    headers: { 'X-Avala-Api-Key': key },
  });
  expect(response.status).toBe(200);
  const page = (await response.json()) as { results: unknown[]; next: unknown };
  expect(page.next).toBeNull();
  return page.results;
}

/** A request head: `lines` after the request line, `Connection: close` so the reply ends with a close. */
function head(requestLine: string, lines: string[]): string {
  return `${requestLine}\r\n${[`Host: 127.0.0.1:${port}`, ...lines, 'Connection: close'].join('\r\n')}\r\n\r\n`;
}

function post(
  path: string,
  contentType: string | undefined,
  body: string | Buffer,
  extra: string[] = [],
) {
  const lines = [`X-Avala-Api-Key: ${key}`, `Content-Length: ${Buffer.byteLength(body)}`, ...extra];
  if (contentType !== undefined) lines.push(`Content-Type: ${contentType}`);
  return [head(`POST /api/v1${path} HTTP/1.1`, lines), body];
}

const VALID = { name: 'n', slug: 'n', data_type: 'image' };

/** Each family turns a few random draws into a request and the answer it must get. */
function buildFamilies(): Record<string, fc.Arbitrary<AbuseCase>> {
  return {
    brokenJson: fc
      .oneof(
        fc.double({ min: 0, max: 0.999, noNaN: true }).map((at) => {
          const text = JSON.stringify({ ...VALID, filters: { split: 'train' } });
          return text.slice(0, Math.floor(at * text.length));
        }),
        fc.constantFrom(
          '{',
          '{"name": "n",}',
          "{'name': 'n'}",
          '{"name": NaN}',
          '[1, 2',
          '}{',
          '\uFEFF{',
        ),
        fc.string({ unit: 'binary', maxLength: 60 }).filter((text) => !text.trim().startsWith('{')),
      )
      .map((body) => ({
        family: 'brokenJson',
        pieces: post('/datasets/', 'application/json', body),
        expect: { statuses: [400] },
      })),

    wrongContentType: fc
      .constantFrom(
        'text/plain',
        'text/html',
        'application/xml',
        'application/x-www-form-urlencoded',
        'multipart/form-data; boundary=xyz',
        'application/octet-stream',
        'image/png',
      )
      .map((type) => ({
        family: 'wrongContentType',
        pieces: post('/datasets/', type, JSON.stringify(VALID)),
        expect: { statuses: [415] },
      })),

    hugeHeader: fc
      .tuple(
        fc.integer({ min: 17_000, max: 80_000 }),
        fc.constantFrom('X-Big', 'Cookie', 'X-Avala-Api-Key'),
      )
      .map(([size, name]) => ({
        family: 'hugeHeader',
        pieces: [head('GET /api/v1/datasets/ HTTP/1.1', [`${name}: ${'a'.repeat(size)}`])],
        expect: 'refused' as const,
      })),

    manyHeaders: fc.integer({ min: 1_500, max: 3_000 }).map((count) => ({
      family: 'manyHeaders',
      pieces: [
        head('GET /api/v1/datasets/ HTTP/1.1', [
          `X-Avala-Api-Key: ${key}`,
          ...Array.from({ length: count }, (_, i) => `X-H${i}: ${i}`),
        ]),
      ],
      // Past Node's 16 KiB of headers it refuses; below, it is an ordinary request.
      expect: 'anything-but-5xx' as const,
    })),

    hugeBody: fc
      .oneof(
        fc.integer({ min: MAX_BODY_BYTES + 1, max: 200_000 }).map((size) => ({
          pieces: post('/datasets/', 'application/json', `{"name": "${'x'.repeat(size)}"}`),
        })),
        // A Content-Length far beyond the limit, and no body: refused from the header alone.
        fc.constantFrom('99999999999', '1048577', String(2 ** 53)).map((length) => ({
          pieces: [
            head('POST /api/v1/datasets/ HTTP/1.1', [
              `X-Avala-Api-Key: ${key}`,
              'Content-Type: application/json',
              `Content-Length: ${length}`,
            ]),
          ],
        })),
        // Chunked, past the limit.
        fc.integer({ min: 2, max: 40 }).map((chunks) => ({
          pieces: [
            head('POST /api/v1/datasets/ HTTP/1.1', [
              `X-Avala-Api-Key: ${key}`,
              'Content-Type: application/json',
              'Transfer-Encoding: chunked',
            ]),
            ...Array.from({ length: chunks }, () => `1000\r\n${'y'.repeat(0x1000)}\r\n`),
            '0\r\n\r\n',
          ],
        })),
      )
      .map(({ pieces }) => ({ family: 'hugeBody', pieces, expect: { statuses: [413] } })),

    oddMethod: fc
      .oneof(
        // Methods Node knows, on an endpoint that allows GET, HEAD, POST and OPTIONS.
        fc
          .constantFrom(
            'PROPFIND',
            'MKCOL',
            'LOCK',
            'PURGE',
            'SEARCH',
            'REPORT',
            'PUT',
            'DELETE',
            'PATCH',
            'TRACE',
          )
          .map((method) => ({ method, expect: { statuses: [405] } as Expectation })),
        // Methods Node's parser does not know, or does not spell this way.
        fc
          .constantFrom('BREW', 'FOO', 'get', 'G3T', 'GET\u0000', '¡GET', 'X'.repeat(40))
          .map((method) => ({ method, expect: 'refused' as Expectation })),
      )
      .map(({ method, expect }) => ({
        family: 'oddMethod',
        pieces: [
          head(`${method} /api/v1/datasets/ HTTP/1.1`, [
            `X-Avala-Api-Key: ${key}`,
            'Content-Length: 0',
          ]),
        ],
        expect,
      })),

    traversal: fc
      .constantFrom(
        '/api/v1/../../etc/passwd',
        '/api/v1/%2e%2e/%2e%2e/etc/passwd',
        '/api/v1/datasets/..%2f..%2f..%2fetc%2fpasswd/',
        '/api/v1/datasets/%252e%252e/',
        '/api/v1/datasets/..\\..\\secret/',
        '/api/v1//datasets//',
        '/api/v1/datasets/%00/',
        '/api/v1/datasets/%E0%A4%A/',
        '/api/v1/datasets/%/',
        '/api/v2/datasets/',
        '/../api/v1/nothing/',
        '/api/v1/datasets/;/',
        `/api/v1/datasets/${'a'.repeat(8_000)}/`,
      )
      .map((target) => ({
        family: 'traversal',
        pieces: [head(`GET ${target} HTTP/1.1`, [`X-Avala-Api-Key: ${key}`])],
        expect: { statuses: [400, 404] },
      })),

    absoluteForm: fc
      .constantFrom(
        'http://evil.test/api/v1/nothing/',
        'https://evil.test:8443/api/v1/nowhere/',
        'http://127.0.0.1/../../etc/passwd',
        'ftp://evil.test/api/v1/datasets/x/',
      )
      .map((target) => ({
        family: 'absoluteForm',
        pieces: [head(`GET ${target} HTTP/1.1`, [`X-Avala-Api-Key: ${key}`])],
        expect: { statuses: [400, 404] },
      })),

    nul: fc
      .oneof(
        fc.constant({
          pieces: [head('GET /api/v1/datasets/\u0000/ HTTP/1.1', [`X-Avala-Api-Key: ${key}`])],
          expect: 'refused' as Expectation,
        }),
        fc.constant({
          pieces: [head('GET /api/v1/datasets/ HTTP/1.1', [`X-Avala-Api-Key: ${key}\u0000x`])],
          expect: 'refused' as Expectation,
        }),
        fc.constant({
          pieces: [
            head('GET /api/v1/datasets/ HTTP/1.1', [`X-Avala-Api-Key: ${key}`, 'X-\u0000: 1']),
          ],
          expect: 'refused' as Expectation,
        }),
        // A NUL escaped in a JSON string: DRF's "Null characters are not allowed." (400).
        fc.constantFrom('name', 'slug').map((field) => ({
          pieces: post(
            '/datasets/',
            'application/json',
            JSON.stringify({ ...VALID, [field]: 'a\u0000b' }),
          ),
          expect: { statuses: [400] } as Expectation,
        })),
        // A raw NUL byte in the body: not JSON.
        fc.constant({
          pieces: post(
            '/datasets/',
            'application/json',
            Buffer.from('{"name": "a\u0000b"}', 'latin1'),
          ),
          expect: { statuses: [400] } as Expectation,
        }),
      )
      .map((c) => ({ family: 'nul', ...c })),

    smuggling: fc
      .constantFrom(
        // CL.TE and TE.CL: a second request hidden in the first one's body deletes a dataset.
        ['Content-Length: 4', 'Transfer-Encoding: chunked'],
        ['Transfer-Encoding: chunked', 'Content-Length: 80'],
        ['Transfer-Encoding: chunked', 'Transfer-Encoding: identity'],
        ['Transfer-Encoding: xchunked', 'Content-Length: 5'],
        ['Transfer-Encoding : chunked'],
        [' Transfer-Encoding: chunked'],
        ['Transfer-Encoding: chunked, gzip'],
        ['Content-Length: 5', 'Content-Length: 6'],
        ['Content-Length: +5'],
        ['Content-Length: 0x10'],
        ['Content-Length: -1'],
      )
      .map((lines) => ({
        family: 'smuggling',
        pieces: [
          head('POST /api/v1/datasets/ HTTP/1.1', [
            `X-Avala-Api-Key: ${key}`,
            'Content-Type: application/json',
            ...lines,
          ]).replace('Connection: close\r\n', ''),
          `0\r\n\r\nDELETE /api/v1/datasets/${victimUid}/?smuggled=1 HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Avala-Api-Key: ${key}\r\nConnection: close\r\n\r\n`,
        ],
        expect: 'refused' as const,
      })),

    badKey: fc
      .oneof(
        fc.constant(''),
        fc.string({ unit: 'binary-ascii', maxLength: 40 }),
        fc.constant('avk_\u00ff\u00fe'),
      )
      .map((value) => [...value].filter((char) => !'\r\n\0'.includes(char)).join(''))
      .map((value) => ({
        family: 'badKey',
        pieces: [head('GET /api/v1/datasets/ HTTP/1.1', [`X-Avala-Api-Key: ${value}`])],
        // A value Node accepts is a wrong key (401); one it does not is refused.
        expect: 'anything-but-5xx' as const,
      })),

    slowComplete: fc
      .tuple(fc.integer({ min: 20, max: 150 }), fc.integer({ min: 1, max: 30 }))
      .map(([pauseMs, cut]) => {
        const [requestHead, body] = post(
          '/datasets/',
          'application/json',
          JSON.stringify({ ...VALID, name: 'n', slug: '' }),
        );
        const text = String(requestHead);
        return {
          family: 'slowComplete',
          pieces: [text.slice(0, cut), { pauseMs }, text.slice(cut), { pauseMs }, String(body)],
          // A blank slug, however slowly it arrives, is a field error.
          expect: { statuses: [400] },
        };
      }),

    slowAbandoned: fc
      .tuple(fc.integer({ min: 10, max: 120 }), fc.integer({ min: 1, max: 60 }))
      .map(([pauseMs, cut]) => ({
        family: 'slowAbandoned',
        pieces: [
          post('/datasets/', 'application/json', JSON.stringify(VALID)).join('').slice(0, cut),
          { pauseMs },
        ],
        abandon: true,
        expect: 'anything-but-5xx' as const,
      })),
  };
}

function check(c: AbuseCase, reply: RawReply): string | undefined {
  const got = reply.timedOut
    ? 'timeout'
    : reply.status === undefined
      ? 'closed'
      : String(reply.status);
  const describe = `${c.family}: got ${got} for ${JSON.stringify(String(c.pieces[0]).slice(0, 120))}`;
  if (c.abandon) return reply.status !== undefined && reply.status >= 500 ? describe : undefined;
  if (reply.timedOut) return describe;
  if (c.expect === 'anything-but-5xx')
    return reply.status !== undefined && reply.status >= 500 ? describe : undefined;
  if (c.expect === 'refused') {
    const refused = reply.status === undefined || (reply.status >= 400 && reply.status < 500);
    return refused ? undefined : describe;
  }
  return reply.status !== undefined && c.expect.statuses.includes(reply.status)
    ? undefined
    : describe;
}

describe('the sandbox under abuse', () => {
  it(`answers ${ABUSE_REQUESTS} malformed raw requests with the right 4xx and keeps its data`, async () => {
    const errors = vi.spyOn(console, 'error').mockImplementation(() => undefined);
    const families = buildFamilies();
    const names = Object.keys(families);
    const cases = fc.sample(
      fc.oneof(...names.map((name) => families[name] as fc.Arbitrary<AbuseCase>)),
      { seed: SEED, numRuns: ABUSE_REQUESTS },
    );
    const problems: string[] = [];
    const seen = new Map<string, number>();
    let next = 0;
    const worker = async () => {
      while (next < cases.length) {
        const c = cases[next++] as AbuseCase;
        seen.set(c.family, (seen.get(c.family) ?? 0) + 1);
        const reply = await rawExchange(port, c.pieces, { abandon: c.abandon, limitMs: 3000 });
        const problem = check(c, reply);
        if (problem) problems.push(problem);
      }
    };
    await Promise.all(Array.from({ length: PARALLEL }, worker));

    expect(problems).toEqual([]);
    // Every family was drawn.
    expect([...seen.keys()].sort()).toEqual(names.sort());
    // Still up, nothing smuggled through, the data intact and valid.
    expect((await fetch(`${sandbox.apiUrl}/health/`)).status).toBe(200);
    expect(sandbox.log.filter((entry) => entry.query?.includes('smuggled'))).toEqual([]);
    const datasets = await listDatasets();
    expect(datasets).toHaveLength(seededCount);
    for (const dataset of datasets) {
      expect(dataset).toMatchObject({
        uid: expect.any(String),
        name: expect.any(String),
        slug: expect.any(String),
        data_type: expect.any(String),
        status: expect.any(String),
      });
    }
    expect(datasets.map((d) => (d as { uid: string }).uid)).toContain(victimUid);
    expect(errors).not.toHaveBeenCalled();
    errors.mockRestore();
  }, 30_000);
});
