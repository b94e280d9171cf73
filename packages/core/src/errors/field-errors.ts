/**
 * Flattens Django REST Framework validation errors into dotted paths (docs/avala-api.md, §4), the
 * paths react-hook-form uses:
 *
 * - `{"name": ["…"]}` → `name`; a string instead of a list counts as one message;
 * - nested objects `{"filters": {"split": ["…"]}}` → `filters.split`;
 * - lists aligned with a list field `{"items": [{}, {"weight": ["…"]}]}` → `items.1.weight`
 *   (empty `{}` entries mean "no error at this index" and are skipped);
 * - DRF's `{"message", "code"}` error details (`get_full_details`) → their message;
 * - `non_field_errors` (or Django's `__all__`) at the top level → `nonFieldErrors`; nested
 *   ones keep their place as `filters.non_field_errors`, so they stay attached to the
 *   sub-object they belong to and never collide with a real field's path.
 *
 * Bounded: at most 16 levels and 20 000 nodes are walked, 200 paths and 1 000 messages
 * kept, so a hostile or megabyte body costs little.
 */

import { setOwn } from '../utils/redact.js';

/** The flattened errors. */
export interface FlatFieldErrors {
  fieldErrors: Record<string, string[]>;
  nonFieldErrors: string[];
}

/** The keys DRF and Django use for object-level errors. */
export const NON_FIELD_KEYS: ReadonlySet<string> = new Set(['non_field_errors', '__all__']);

const MAX_DEPTH = 16;
const MAX_PATHS = 200;
const MAX_MESSAGES = 1000;
const MAX_MESSAGE_CHARS = 1000;
const MAX_NODES = 20_000;

/**
 * Flattens an error tree (an object of fields, a list, or a string) into `fieldErrors` by
 * dotted path and top-level `nonFieldErrors`. Non-string leaves (numbers, booleans, null)
 * are ignored. `skipTopLevel` leaves top-level keys out (the envelope's `detail`, `code`,
 * `doc_url`). Never throws.
 */
export function flattenFieldErrors(
  tree: unknown,
  skipTopLevel?: (key: string, value: unknown) => boolean,
): FlatFieldErrors {
  const out: FlatFieldErrors = { fieldErrors: {}, nonFieldErrors: [] };
  let messageCount = 0;
  let nodeCount = 0;
  let pathCount = 0;

  const add = (path: string, message: string): void => {
    const text = message.trim();
    if (!text || messageCount >= MAX_MESSAGES) return;
    const clipped = text.length > MAX_MESSAGE_CHARS ? `${text.slice(0, MAX_MESSAGE_CHARS)}…` : text;
    if (path === '') {
      out.nonFieldErrors.push(clipped);
    } else {
      // A field may be called `constructor` or `__proto__`: only own entries count.
      const list = Object.hasOwn(out.fieldErrors, path) ? out.fieldErrors[path] : undefined;
      if (list) list.push(clipped);
      else if (pathCount < MAX_PATHS) {
        setOwn(out.fieldErrors, path, [clipped]);
        pathCount += 1;
      } else {
        // No room for another field: stop walking, the rest could not be kept anyway.
        nodeCount = MAX_NODES + 1;
        return;
      }
    }
    messageCount += 1;
  };

  const walk = (node: unknown, path: string, depth: number): void => {
    nodeCount += 1;
    if (depth > MAX_DEPTH || messageCount >= MAX_MESSAGES || nodeCount > MAX_NODES) return;
    if (typeof node === 'string') {
      add(path, node);
      return;
    }
    if (Array.isArray(node)) {
      for (let index = 0; index < node.length && nodeCount <= MAX_NODES; index += 1) {
        const item: unknown = node[index];
        nodeCount += 1;
        // Strings and error details in a list are this path's messages; objects and lists
        // are per-index errors of a list field.
        if (typeof item === 'string') add(path, item);
        else if (isErrorDetail(item)) add(path, item.message);
        else if (typeof item === 'object' && item !== null) {
          walk(item, join(path, String(index)), depth + 1);
        }
      }
      return;
    }
    if (typeof node !== 'object' || node === null) return;
    if (isErrorDetail(node)) {
      add(path, node.message);
      return;
    }
    for (const key in node) {
      if (nodeCount > MAX_NODES) return;
      if (!Object.hasOwn(node, key)) continue;
      const value: unknown = (node as Record<string, unknown>)[key];
      if (depth === 0 && skipTopLevel?.(key, value)) continue;
      const isTopLevelNonField = path === '' && NON_FIELD_KEYS.has(key);
      walk(value, isTopLevelNonField ? '' : join(path, key), depth + 1);
    }
  };

  try {
    walk(tree, '', 0);
  } catch {
    // A getter that throws or a stack overflow: keep what was collected.
  }
  return out;
}

function join(path: string, key: string): string {
  return path === '' ? key : `${path}.${key}`;
}

// DRF's full error detail: `{"message": "…", "code": "required"}`.
function isErrorDetail(value: unknown): value is { message: string } {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return false;
  const { message, code } = value as { message?: unknown; code?: unknown };
  return typeof message === 'string' && (code === undefined || typeof code === 'string');
}
