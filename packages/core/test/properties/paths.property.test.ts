/**
 * Random paths against the URL rules of docs/security.md: a call is either refused with
 * `UnsafeUrlError` before anything is sent, or the URL actually requested (recorded at the
 * `fetch` option) is on the base URL's origin and inside its path.
 */
import fc from 'fast-check';
import { afterEach, describe, expect, it } from 'vitest';
import {
  type AvalaClient,
  type AvalaPath,
  createAvalaClient,
  path,
  UnsafeUrlError,
} from '../../src/index.js';
import { SEED } from './arbitraries.js';

/** Cases drawn per property (reported in the README's security model). */
export const PATH_CASES = { hostile: 1200, segments: 300, templates: 300 };

const KEY = 'avk_paths_property_key';

const BASES = [
  'https://api.avala.ai/api/v1',
  'http://127.0.0.1:8787/api/v1',
  'https://gateway.example.test',
];

// Pieces that URL parsers treat specially, or that look harmless and are not.
const token = fc.constantFrom(
  'datasets',
  'a',
  'x y',
  '.',
  '..',
  '...',
  '%2e',
  '%2E%2e',
  '%2f',
  '%5c',
  '%00',
  '%',
  '/',
  '//',
  '\\',
  '?',
  '#',
  '?limit=1',
  '#frag',
  ' ',
  '\t',
  '\n',
  '\r',
  '\u0000',
  '\u007f',
  ':',
  '@',
  'http:',
  'https:',
  'javascript:',
  'HTTPS://evil.test',
  '//evil.test',
  'evil.test',
  'é',
  '\uD800',
  '\u3002',
  '．．',
  '~',
  '&',
  ';',
  'avk_x',
);
const hostileString = fc.array(token, { maxLength: 8 }).map((parts) => parts.join(''));
const anyString = fc.oneof(
  hostileString,
  fc.string({ maxLength: 12 }),
  fc.string({ unit: 'binary', maxLength: 8 }),
);

function absoluteUrl(base: string): fc.Arbitrary<string> {
  const { origin } = new URL(base);
  const host = new URL(base).host;
  return fc
    .tuple(
      fc.constantFrom(
        `${base}/`,
        `${base}`,
        `${origin}/`,
        `${origin}/api/`,
        `${origin.toUpperCase()}/api/v1/`,
        `https://evil.test/api/v1/`,
        `https://${host}.evil.test/api/v1/`,
        `http://${host}/api/v1/`,
        `https://user:pw@${host}/api/v1/`,
        `https://${host}@evil.test/api/v1/`,
        `${origin}:443/api/v1/`,
        'javascript:alert(1)//',
        'data:text/plain,',
        'file:///etc/',
      ),
      hostileString,
    )
    .map(([prefix, rest]) => prefix + rest);
}

type Input = { kind: 'path'; value: AvalaPath } | { kind: 'template'; values: (string | number)[] };

function inputFor(base: string): fc.Arbitrary<Input> {
  return fc.oneof(
    { weight: 4, arbitrary: anyString.map((value): Input => ({ kind: 'path', value })) },
    { weight: 3, arbitrary: absoluteUrl(base).map((value): Input => ({ kind: 'path', value })) },
    {
      weight: 2,
      arbitrary: fc
        .array(fc.oneof(anyString, fc.integer()), { maxLength: 4 })
        .map((value): Input => ({ kind: 'path', value })),
    },
    {
      weight: 2,
      arbitrary: fc
        .array(fc.oneof(anyString, fc.integer()), { minLength: 1, maxLength: 2 })
        .map((values): Input => ({ kind: 'template', values })),
    },
  );
}

// `path` called as a tag with literals a developer would write.
function template(values: (string | number)[]): string {
  const literals = values.length === 1 ? ['/datasets/', '/'] : ['/datasets/', '/items/', '/'];
  return path(
    Object.assign(literals, { raw: literals }) as unknown as TemplateStringsArray,
    ...values,
  );
}

const clients: AvalaClient[] = [];
afterEach(() => {
  for (const client of clients.splice(0)) client.dispose();
});

/** A client of `base` whose `fetch` records every URL it is asked for and answers `{}`. */
function recordingClient(base: string) {
  const sent: string[] = [];
  const client = createAvalaClient({
    baseUrl: base,
    apiKey: KEY,
    retry: false,
    rateLimit: false,
    fetch: (async (input: Request | string | URL) => {
      sent.push(input instanceof Request ? input.url : String(input));
      return Response.json({});
    }) as typeof fetch,
  });
  clients.push(client);
  return { client, sent };
}

function basePathOf(base: string): string {
  return new URL(base).pathname.replace(/\/$/, '');
}

function expectInsideBase(url: string, base: string): void {
  const parsed = new URL(url);
  const basePath = basePathOf(base);
  expect(parsed.origin).toBe(new URL(base).origin);
  expect(parsed.username + parsed.password).toBe('');
  expect(parsed.pathname === basePath || parsed.pathname.startsWith(`${basePath}/`)).toBe(true);
  // What was sent is what the parser reads: nothing left for a server to resolve differently.
  expect(parsed.pathname.split('/')).not.toContain('..');
  expect([...url].filter((char) => char <= ' ' || char === '\x7f' || char === '\\')).toEqual([]);
}

/** Runs one call; what it was refused with, or `undefined` when it was sent. */
async function attempt(client: AvalaClient, input: Input): Promise<unknown> {
  let target: AvalaPath;
  try {
    target = input.kind === 'template' ? template(input.values) : input.value;
  } catch (error) {
    return error; // the `path` tag refused a value before any call was made
  }
  const pending = client.get(target);
  try {
    await pending;
    return undefined;
  } catch (error) {
    return error;
  }
}

const plainSegment = fc
  .oneof(
    fc.string({ minLength: 1, maxLength: 12 }),
    fc.string({ unit: 'grapheme', minLength: 1, maxLength: 6 }),
  )
  .filter((text) => !/^(?:\.|%2e){1,2}$/i.test(text));

describe('paths built from random input', () => {
  it('are refused with UnsafeUrlError before any fetch, or requested under the base origin and path', async () => {
    const outcomes = { refused: 0, sent: 0 };
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom(...BASES).chain((base) => fc.tuple(fc.constant(base), inputFor(base))),
        async ([base, input]) => {
          const { client, sent } = recordingClient(base);
          const refusal = await attempt(client, input);
          if (refusal !== undefined) {
            outcomes.refused += 1;
            expect(refusal).toBeInstanceOf(UnsafeUrlError);
            expect(sent).toEqual([]);
          } else {
            outcomes.sent += 1;
            expect(sent).toHaveLength(1);
            expectInsideBase(sent[0] as string, base);
          }
          client.dispose();
        },
      ),
      { seed: SEED, numRuns: PATH_CASES.hostile },
    );
    // Both sides were exercised: a rule that refused everything would not pass for safe.
    expect(outcomes.refused).toBeGreaterThan(PATH_CASES.hostile / 10);
    expect(outcomes.sent).toBeGreaterThan(PATH_CASES.hostile / 10);
  }, 30_000);

  it('sends segments of any text that is not a dot segment, each encoded, with the trailing slash', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom(...BASES),
        fc.array(fc.oneof(plainSegment, fc.nat()), { minLength: 1, maxLength: 4 }),
        async (base, segments) => {
          const { client, sent } = recordingClient(base);
          await client.get(segments);
          const encoded = segments.map((segment) => encodeURIComponent(String(segment))).join('/');
          expect(new URL(sent[0] as string).pathname).toBe(`${basePathOf(base)}/${encoded}/`);
          client.dispose();
        },
      ),
      { seed: SEED, numRuns: PATH_CASES.segments },
    );
  });

  it('keeps every value of the path tag inside its one segment', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom(...BASES),
        plainSegment,
        plainSegment,
        async (base, uid, item) => {
          const { client, sent } = recordingClient(base);
          await client.get(path`/datasets/${uid}/items/${item}/`);
          expect(new URL(sent[0] as string).pathname).toBe(
            `${basePathOf(base)}/datasets/${encodeURIComponent(uid)}/items/${encodeURIComponent(item)}/`,
          );
          client.dispose();
        },
      ),
      { seed: SEED, numRuns: PATH_CASES.templates },
    );
  });
});
