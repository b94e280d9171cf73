/**
 * `errorFromResponse` against whatever a server, a proxy or a broken network can hand back
 * (docs/errors.md: "never throws"; docs/security.md: the key never appears in an error).
 */
import { inspect } from 'node:util';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { type AvalaErrorKind, errorFromResponse, isAvalaError } from '../../src/index.js';
import { bodyOf, bodyTextWithKey, delivery, plantedKey, SEED, textWithKey } from './arbitraries.js';

/**
 * Cases drawn by the main property (reported in the README's security model);
 * `AVALA_PROPERTY_RUNS=20000` for a longer run.
 */
export const RESPONSE_CASES = Number(process.env.AVALA_PROPERTY_RUNS ?? 1000);

// The kind table of docs/errors.md, written out again so the test does not trust the code's.
function expectedKind(status: number): AvalaErrorKind {
  const named: Record<number, AvalaErrorKind> = {
    400: 'bad_request',
    415: 'bad_request',
    422: 'bad_request',
    401: 'unauthorized',
    403: 'forbidden',
    404: 'not_found',
    405: 'method_not_allowed',
    409: 'conflict',
    413: 'payload_too_large',
    429: 'rate_limited',
    503: 'service_unavailable',
  };
  if (named[status]) return named[status];
  if (status >= 500) return 'server_error';
  if (status < 300) return 'invalid_response';
  return 'unexpected_status';
}

// Statuses whose Response may not have a body.
const NULL_BODY = new Set([204, 205, 304]);

const status = fc.oneof(
  fc.constantFrom(400, 401, 403, 404, 405, 409, 413, 415, 422, 429, 500, 502, 503, 504),
  fc.integer({ min: 200, max: 599 }),
);

// Header values are byte strings without CR, LF or NUL; everything else Latin-1 is fair.
const latin1 = fc
  .integer({ min: 0x20, max: 0xff })
  .filter((code) => code !== 0x7f)
  .map((code) => String.fromCharCode(code));

function headerValue(key: string): fc.Arbitrary<string> {
  return fc.oneof(
    fc.string({ unit: latin1, maxLength: 30 }),
    fc.constantFrom(
      '0',
      '-1',
      '1e309',
      'NaN',
      '30',
      '99999999999',
      'Wed, 21 Oct 2015 07:28:00 GMT',
    ),
    fc.constant(key),
    fc.string({ unit: latin1, maxLength: 10 }).map((text) => `${text}${key}${text}`),
  );
}

function headerName(key: string): fc.Arbitrary<string> {
  return fc.oneof(
    fc.constantFrom(
      'retry-after',
      'x-ratelimit-limit',
      'x-ratelimit-remaining',
      'x-ratelimit-reset',
      'content-type',
      'www-authenticate',
      'x-request-id',
    ),
    fc.constant(`x-${key.toLowerCase()}`),
  );
}

function responseCase(key: string) {
  return fc.record({
    key: fc.constant(key),
    status,
    statusText: fc.oneof(
      fc.constant(''),
      fc.string({ unit: latin1, maxLength: 20 }),
      fc.constant(`Bad ${key}`),
    ),
    contentType: fc.constantFrom(
      'application/json',
      'application/problem+json; charset=utf-8',
      'text/html; charset=utf-8',
      'text/plain',
      'application/octet-stream',
      undefined,
    ),
    headers: fc.array(fc.tuple(headerName(key), headerValue(key)), { maxLength: 6 }),
    body: bodyTextWithKey(key),
    delivery,
    chunkSize: fc.integer({ min: 1, max: 70_000 }),
    method: fc.constantFrom('GET', 'post', 'PATCH', 'DELETE', 'PUT', 'HEAD', 'OPTIONS', 'BREW', ''),
    url: fc.oneof(
      textWithKey(key),
      fc.constant(`https://api.avala.ai/api/v1/datasets/${key}/?api_key=${key}&q=${key}`),
      fc.constant(`https://user:${key}@api.avala.ai/api/v1/`),
      fc.constant(`/api/v1/datasets/?token=${key}#${key}`),
      fc.constant(undefined),
    ),
  });
}

type Case = ReturnType<typeof responseCase> extends fc.Arbitrary<infer T> ? T : never;

function responseOf(c: Case): Response {
  const headers = new Headers();
  for (const [name, value] of c.headers) headers.append(name, value);
  if (c.contentType) headers.set('content-type', c.contentType);
  const body = NULL_BODY.has(c.status) ? null : bodyOf(c.body, c.delivery, c.chunkSize);
  return new Response(body, { status: c.status, statusText: c.statusText, headers });
}

/** Everything of an error a log line, a tracker or a screen could show. */
function everyRendering(error: unknown): string[] {
  const e = error as Error & { body?: unknown };
  return [
    e.message,
    String(e),
    JSON.stringify(e),
    e.stack ?? '',
    inspect(e, { depth: Number.POSITIVE_INFINITY, showHidden: true, maxStringLength: null }),
    JSON.stringify(e.body) ?? '',
  ];
}

/** Rejects when the classification takes longer than `ms`: a hang is a failure, not a stuck run. */
function within<T>(promise: Promise<T>, ms: number): Promise<T> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const late = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`errorFromResponse took over ${ms} ms`)), ms);
  });
  return Promise.race([promise, late]).finally(() => clearTimeout(timer));
}

describe('errorFromResponse on random responses', () => {
  it(
    'settles with the right kind and a one-line, bounded, key-free error, whatever the response',
    async () => {
      await fc.assert(
        fc.asyncProperty(plantedKey.chain(responseCase), async (c) => {
          const error = await within(
            errorFromResponse(
              responseOf(c),
              { method: c.method, url: c.url },
              // A stalled body is given up on quickly here; the default is 10 s.
              { readTimeoutMs: 10 },
            ),
            3000,
          );
          expect(isAvalaError(error)).toBe(true);
          expect(error.kind).toBe(expectedKind(c.status));
          expect(error.status).toBe(c.status);
          expect(error.message.length).toBeGreaterThan(0);
          expect(error.message.length).toBeLessThanOrEqual(500);
          expect(error.message).not.toMatch(/[\r\n\u2028\u2029]/);
          for (const rendering of everyRendering(error)) {
            expect(rendering).not.toContain(c.key);
          }
        }),
        { seed: SEED, numRuns: RESPONSE_CASES },
      );
    },
    Math.max(60_000, RESPONSE_CASES * 20),
  );

  it('settles on a body that never ends once its read timeout passes, with the status line', async () => {
    const stalled = new ReadableStream<Uint8Array>({
      pull: () => new Promise<void>(() => undefined),
    });
    const error = await within(
      errorFromResponse(new Response(stalled, { status: 502 }), undefined, { readTimeoutMs: 200 }),
      3000,
    );
    expect(error.kind).toBe('server_error');
    expect(error.message).toBe('Bad Gateway (502)');
  });
});
