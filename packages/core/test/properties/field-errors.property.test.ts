/**
 * Random Django REST Framework validation trees against `fieldErrors` (docs/errors.md,
 * docs/avala-api.md): every message lands under the dotted path react-hook-form uses
 * (`name`, `filters.split`, `items.1.weight`), in both shapes Avala sends.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { errorFromResponse } from '../../src/index.js';
import { SEED } from './arbitraries.js';

/** Cases drawn (reported in the README's security model). */
export const FIELD_TREE_CASES = 400;

/** A node of a DRF error tree: messages, a nested serializer, or a list aligned with a list field. */
type Node =
  | { type: 'messages'; messages: string[]; asString: boolean }
  | { type: 'object'; fields: [string, Node][] }
  | { type: 'list'; entries: ([string, Node][] | null)[] };

// Names the envelope or DRF's error details give a meaning of their own, and secret-looking
// names (their messages are redacted, docs/security.md): left out of the generated fields.
const RESERVED = new Set([
  'detail',
  'code',
  'doc_url',
  'message',
  'error',
  'non_field_errors',
  '__all__',
]);
const SECRET_LOOKING =
  /secret|passw(or)?d|token|credential|api[-_]?key|access[-_]?key|private[-_]?key|authorization|cookie/i;

const fieldName = fc
  .oneof(
    { weight: 6, arbitrary: fc.stringMatching(/^[a-z_][a-z0-9_]{0,10}$/) },
    {
      weight: 1,
      arbitrary: fc.constantFrom(
        '__proto__',
        'constructor',
        'toString',
        '0',
        '12',
        'éàü',
        '名前',
        'key',
      ),
    },
  )
  .filter((name) => !RESERVED.has(name) && !SECRET_LOOKING.test(name));

const message = fc
  .oneof(fc.string({ maxLength: 60 }), fc.string({ unit: 'grapheme', maxLength: 30 }))
  .map((text) => text.trim())
  .filter((text) => text.length > 0 && !text.includes('avk_'));

function fields(depth: number): fc.Arbitrary<[string, Node][]> {
  return fc.uniqueArray(fc.tuple(fieldName, node(depth)), {
    minLength: 1,
    maxLength: 3,
    selector: ([name]) => name,
  });
}

function node(depth: number): fc.Arbitrary<Node> {
  const messages = fc.record({
    type: fc.constant('messages' as const),
    messages: fc.array(message, { minLength: 1, maxLength: 3 }),
    asString: fc.boolean(),
  });
  if (depth === 0) return messages;
  return fc.oneof(
    { weight: 3, arbitrary: messages },
    {
      weight: 1,
      arbitrary: fc.record({ type: fc.constant('object' as const), fields: fields(depth - 1) }),
    },
    {
      weight: 1,
      arbitrary: fc.record({
        type: fc.constant('list' as const),
        entries: fc.array(fc.option(fields(depth - 1), { nil: null }), {
          minLength: 1,
          maxLength: 3,
        }),
      }),
    },
  );
}

/** The JSON DRF would send for `tree` (own `__proto__` keys included, as JSON.parse makes them). */
function serialize(fieldsOf: [string, Node][]): Record<string, unknown> {
  return Object.fromEntries(fieldsOf.map(([name, child]) => [name, serializeNode(child)]));
}

function serializeNode(n: Node): unknown {
  if (n.type === 'messages')
    return n.asString && n.messages.length === 1 ? n.messages[0] : n.messages;
  if (n.type === 'object') return serialize(n.fields);
  return n.entries.map((entry) => (entry === null ? {} : serialize(entry)));
}

/** The dotted paths docs/errors.md promises, computed from the tree by hand. */
function expectedPaths(fieldsOf: [string, Node][], prefix = '', out = new Map<string, string[]>()) {
  for (const [name, child] of fieldsOf) {
    const at = prefix ? `${prefix}.${name}` : name;
    if (child.type === 'messages') out.set(at, [...(out.get(at) ?? []), ...child.messages]);
    else if (child.type === 'object') expectedPaths(child.fields, at, out);
    else {
      child.entries.forEach((entry, index) => {
        if (entry !== null) expectedPaths(entry, `${at}.${index}`, out);
      });
    }
  }
  return out;
}

const oneLine = (text: string) => text.replace(/\s+/g, ' ').trim();

describe('field errors of random DRF validation trees', () => {
  it('puts every message under its dotted path, wrapped in detail or at the root', async () => {
    await fc.assert(
      fc.asyncProperty(
        fields(3),
        fc.array(message, { maxLength: 2 }),
        fc.constantFrom('wrapped', 'root'),
        async (tree, nonField, shape) => {
          const errors: Record<string, unknown> = serialize(tree);
          if (nonField.length > 0) {
            Object.defineProperty(errors, 'non_field_errors', {
              value: nonField,
              enumerable: true,
            });
          }
          const body = shape === 'wrapped' ? { detail: errors } : errors;
          const error = await errorFromResponse(
            new Response(JSON.stringify(body), {
              status: 400,
              headers: { 'content-type': 'application/json' },
            }),
          );
          const expected = expectedPaths(tree);
          expect(error.kind).toBe('bad_request');
          expect(Object.entries(error.fieldErrors).sort()).toEqual([...expected.entries()].sort());
          expect(error.nonFieldErrors).toEqual(nonField);
          // The message names each of them unless it had to be cut to 500 characters.
          if (!error.message.endsWith('…')) {
            for (const text of nonField) expect(error.message).toContain(oneLine(text));
            for (const [path, messages] of expected) {
              for (const text of messages)
                expect(error.message).toContain(oneLine(`${path}: ${text}`));
            }
          }
        },
      ),
      { seed: SEED, numRuns: FIELD_TREE_CASES },
    );
  });
});
