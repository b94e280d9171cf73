/**
 * Generators shared by the property tests: hostile text, planted keys, error bodies and the
 * ways a response body can arrive (docs/errors.md, docs/security.md).
 */
import fc from 'fast-check';

/** Every run of these files draws the same cases: a failure names a seed that replays it. */
export const SEED = 20261201;

/** A key of Avala's shape (`avk_…`), distinct per case so a hit cannot come from another case. */
export const plantedKey = fc
  .stringMatching(/^[A-Za-z0-9]{10,24}$/)
  .map((tail) => `avk_planted_${tail}`);

/** Any UTF-16 code unit: controls, NUL, lone surrogates, line and paragraph separators. */
const anyCodeUnit = fc.integer({ min: 0, max: 0xffff }).map((code) => String.fromCharCode(code));

/** Short text that is hard on a parser or a log line. */
export const hostileText = fc.oneof(
  fc.string({ maxLength: 40 }),
  fc.string({ unit: 'grapheme', maxLength: 20 }),
  fc.string({ unit: anyCodeUnit, maxLength: 30 }),
  fc.constantFrom(
    '',
    ' ',
    '\n\n',
    '\r\n\t',
    '\u0000',
    '\u2028\u2029',
    '\uFEFF',
    '\uD800',
    '<script>alert(1)</script>',
    '{"detail": ',
    '"}',
    '%00',
    '..%2f..%2f',
  ),
);

/** `text` with `key` inserted at a position chosen by `at` (0..1). */
export function plant(text: string, key: string, at: number): string {
  const index = Math.floor(at * (text.length + 1));
  return text.slice(0, index) + key + text.slice(index);
}

/** Text that holds the key somewhere (or not, a fifth of the time). */
export function textWithKey(key: string): fc.Arbitrary<string> {
  return fc
    .oneof(
      { weight: 4, arbitrary: fc.tuple(hostileText, fc.double({ min: 0, max: 1, noNaN: true })) },
      { weight: 1, arbitrary: fc.tuple(hostileText, fc.constant(-1)) },
    )
    .map(([text, at]) => (at < 0 ? text : plant(text, key, at)));
}

/** A JSON value whose strings and keys may hold the planted key, up to a few levels deep. */
export function jsonWithKey(key: string): fc.Arbitrary<unknown> {
  const leaf = fc.oneof(
    textWithKey(key),
    fc.integer(),
    fc.double(),
    fc.boolean(),
    fc.constant(null),
  );
  const { tree } = fc.letrec<{ tree: unknown }>((tie) => ({
    tree: fc.oneof(
      { depthSize: 'small', withCrossShrink: true },
      leaf,
      fc.array(tie('tree'), { maxLength: 4 }),
      fc.dictionary(textWithKey(key), tie('tree'), { maxKeys: 4 }),
    ),
  }));
  return tree;
}

/** The shapes an Avala (or DRF, or gateway) error body takes, with the key inside. */
export function errorJsonWithKey(key: string): fc.Arbitrary<unknown> {
  const text = textWithKey(key);
  return fc.oneof(
    fc.record({ detail: text }),
    fc.record({ detail: text, code: text, doc_url: fc.oneof(text, fc.webUrl()) }),
    fc.record({ detail: fc.dictionary(text, fc.array(text, { maxLength: 3 }), { maxKeys: 4 }) }),
    fc.dictionary(text, fc.oneof(text, fc.array(text, { maxLength: 3 })), { maxKeys: 5 }),
    fc.record({ non_field_errors: fc.array(text, { maxLength: 3 }) }),
    fc.record({ message: text }),
    fc.record({ error: text }),
    fc.array(text, { maxLength: 4 }),
    jsonWithKey(key),
  );
}

/** A body as text: JSON, JSON cut off, HTML, plain, huge, 10 000 deep, or empty. */
export function bodyTextWithKey(key: string): fc.Arbitrary<string> {
  const json = errorJsonWithKey(key).map((value) => JSON.stringify(value) ?? 'null');
  return fc.oneof(
    { weight: 6, arbitrary: json },
    {
      weight: 3,
      arbitrary: fc
        .tuple(json, fc.double({ min: 0, max: 1, noNaN: true }))
        .map(([text, at]) => text.slice(0, Math.floor(at * text.length))),
    },
    {
      weight: 2,
      arbitrary: textWithKey(key).map(
        (text) =>
          `<!doctype html><html><head><title>${text}</title></head><body><h1>Server Error</h1><p>${text}</p></body></html>`,
      ),
    },
    { weight: 2, arbitrary: textWithKey(key) },
    {
      weight: 1,
      // Huge: past the 64 KiB read limit and the 256 KiB parse limit, the key before and after the cut.
      arbitrary: fc
        .tuple(fc.integer({ min: 60_000, max: 1_200_000 }), fc.constantFrom('x', ' ', 'é', '\n'))
        .map(([size, filler]) => `{"detail": "${key} ${filler.repeat(size)} ${key}"}`),
    },
    {
      weight: 1,
      arbitrary: fc
        .constantFrom(
          (k: string) => `${'['.repeat(10_000)}"${k}"${']'.repeat(10_000)}`,
          (k: string) => `${'{"a":'.repeat(10_000)}"${k}"${'}'.repeat(10_000)}`,
          (k: string) => `${'{"detail":'.repeat(10_000)}"${k}"${'}'.repeat(10_000)}`,
          (k: string) => `{"${k}":${'{"items":['.repeat(5_000)}"${k}"${']}'.repeat(5_000)}}`,
          (k: string) => `${'['.repeat(10_000)}"${k}"`,
        )
        .map((build) => build(key)),
    },
    { weight: 1, arbitrary: fc.constantFrom('', '   ', 'null', '{}', '[]', '""') },
  );
}

/** How the body arrives: whole, in chunks, stalling after a prefix, or failing mid-stream. */
export type Delivery = 'text' | 'chunks' | 'stall' | 'error';

export const delivery: fc.Arbitrary<Delivery> = fc.oneof(
  { weight: 6, arbitrary: fc.constant<Delivery>('text') },
  { weight: 3, arbitrary: fc.constant<Delivery>('chunks') },
  { weight: 1, arbitrary: fc.constant<Delivery>('stall') },
  { weight: 1, arbitrary: fc.constant<Delivery>('error') },
);

const encoder = new TextEncoder();

/** A body for `new Response` that delivers `text` the way `how` says. */
export function bodyOf(text: string, how: Delivery, chunkSize: number): BodyInit {
  if (how === 'text') return text;
  const bytes = encoder.encode(text);
  let offset = 0;
  return new ReadableStream<Uint8Array>({
    pull(controller) {
      // A stalled or failing body gives at most half of itself first.
      const end = how === 'chunks' ? bytes.length : Math.floor(bytes.length / 2);
      if (offset >= end) {
        if (how === 'chunks') controller.close();
        else if (how === 'error')
          controller.error(new Error(`socket hang up ${text.slice(0, 40)}`));
        // 'stall': never enqueue again, never close.
        return new Promise<void>(() => undefined);
      }
      controller.enqueue(bytes.subarray(offset, Math.min(end, offset + chunkSize)));
      offset += chunkSize;
      return undefined;
    },
  });
}
