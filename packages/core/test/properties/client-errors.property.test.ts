/**
 * The client's own failures, end to end through ky, when the server echoes the client's API
 * key back in every place it can (docs/security.md): whatever the call fails with — an HTTP
 * error, an unusable 2xx, a network failure whose message holds the key, a timeout — the
 * `AvalaError` a user logs shows no key, even though ky's error beneath it holds the request
 * and its `X-Avala-Api-Key` header.
 */
import { inspect } from 'node:util';
import fc from 'fast-check';
import { afterEach, describe, expect, it } from 'vitest';
import { type AvalaClient, createAvalaClient, isAvalaError } from '../../src/index.js';
import { bodyTextWithKey, plantedKey, SEED } from './arbitraries.js';

/** Cases drawn (reported in the README's security model). */
export const CLIENT_FAILURE_CASES = 400;

type Failure =
  | { how: 'response'; status: number; statusText: string; body: string; echoHeader: boolean }
  | { how: 'network' }
  | { how: 'timeout' };

function failureOf(key: string): fc.Arbitrary<Failure> {
  return fc.oneof(
    {
      weight: 8,
      arbitrary: fc.record({
        how: fc.constant('response' as const),
        // 200 with a body that is not JSON is `invalid_response`; 304 may have no body.
        status: fc.oneof(
          fc.constantFrom(200, 400, 401, 403, 404, 409, 413, 422, 429, 500, 502, 503, 504),
          fc.integer({ min: 300, max: 599 }).filter((status) => status !== 304),
        ),
        statusText: fc.constantFrom('', `Bad ${key}`, 'Oops'),
        body: bodyTextWithKey(key),
        echoHeader: fc.boolean(),
      }),
    },
    { weight: 1, arbitrary: fc.constant({ how: 'network' as const }) },
    { weight: 1, arbitrary: fc.constant({ how: 'timeout' as const }) },
  );
}

const clients: AvalaClient[] = [];
afterEach(() => {
  for (const client of clients.splice(0)) client.dispose();
});

/** A client with `key` whose `fetch` fails as `failure` says, echoing the key it was sent. */
function failingClient(key: string, failure: Failure): AvalaClient {
  const client = createAvalaClient({
    baseUrl: 'https://api.avala.ai/api/v1',
    apiKey: key,
    retry: false,
    rateLimit: false,
    timeoutMs: 40,
    fetch: ((input: Request) => {
      const sent = input.headers.get('x-avala-api-key') ?? '';
      if (failure.how === 'network') {
        return Promise.reject(
          new TypeError(`fetch failed for ${input.url}`, {
            cause: new Error(`connect ECONNRESET ${sent}`),
          }),
        );
      }
      if (failure.how === 'timeout') {
        return new Promise((_, reject) =>
          input.signal.addEventListener('abort', () => reject(input.signal.reason)),
        );
      }
      const headers = new Headers({
        'content-type': failure.status === 200 ? 'text/html' : 'application/json',
      });
      if (failure.echoHeader) headers.set('x-echo', sent);
      const body = failure.status === 200 ? `<html>${failure.body}</html>` : failure.body;
      return Promise.resolve(
        new Response(body, { status: failure.status, statusText: failure.statusText, headers }),
      );
    }) as typeof fetch,
  });
  clients.push(client);
  return client;
}

describe('client failures with the key echoed back', () => {
  it('reject with an AvalaError that shows the key nowhere a user would log it', async () => {
    await fc.assert(
      fc.asyncProperty(
        plantedKey.chain((key) => fc.tuple(fc.constant(key), failureOf(key))),
        async ([key, failure]) => {
          const client = failingClient(key, failure);
          let error: unknown;
          try {
            await client.get(['datasets', key], { searchParams: { token: key, q: key } });
          } catch (caught) {
            error = caught;
          }
          expect(isAvalaError(error)).toBe(true);
          const e = error as Error & { kind: string; body?: unknown };
          if (failure.how !== 'response') expect(e.kind).toBe(failure.how);
          else if (failure.status === 200) expect(e.kind).toBe('invalid_response');
          expect(e.message.length).toBeLessThanOrEqual(500);
          for (const shown of [
            e.message,
            String(e),
            JSON.stringify(e),
            e.stack ?? '',
            inspect(e, { depth: Number.POSITIVE_INFINITY, maxStringLength: null }),
            JSON.stringify(e.body) ?? '',
          ]) {
            expect(shown).not.toContain(key);
          }
          client.dispose();
        },
      ),
      { seed: SEED, numRuns: CLIENT_FAILURE_CASES },
    );
  }, 30_000);
});
