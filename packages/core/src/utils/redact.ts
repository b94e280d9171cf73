/**
 * Secret redaction (docs/security.md). Everything an `AvalaError` exposes — message, detail, field
 * errors, body, URL, `toJSON()` — passes through here, so the API key can never leak into
 * a log line or an error tracker, however the error was built.
 */
import { hasScheme } from './url.js';

/** What an `avk_…` API key is replaced with. */
export const REDACTED_KEY = 'avk_***';

/** What a value or message under a secret-looking field name is replaced with. */
export const REDACTED = '[redacted]';

// An Avala key: `avk_` and its token characters, wherever it appears (also inside a word or
// a URL), so a key glued to other text is still caught. Already-redacted `avk_***` is left
// alone so redacting twice changes nothing.
const AVALA_KEY = /avk_(?!\*\*\*)[A-Za-z0-9_-]*/g;

// Names that look like they hold a secret (case-insensitive, anywhere in the name). A field
// called just `key` is ordinary (a dataset "key" column), so `key` alone is not listed.
const SECRET_NAME =
  /secret|passw(or)?d|token|credential|api[-_]?key|access[-_]?key|private[-_]?key|authorization|cookie/i;

/** Caps that keep redaction bounded on hostile or megabyte bodies. */
const MAX_DEPTH = 32;
const MAX_NODES = 10_000;
// What stands for the part of a value past those caps (or a cycle).
const TRUNCATED = '[truncated]';

/**
 * Replaces every `avk_…` token in `text` with {@link REDACTED_KEY}.
 *
 * @example redactString('bad key avk_live_123') // 'bad key avk_***'
 */
export function redactString(text: string): string {
  return text.includes('avk_') ? text.replace(AVALA_KEY, REDACTED_KEY) : text;
}

/**
 * Whether a field or parameter name looks like it holds a secret: it contains `secret`,
 * `password`, `token`, `credential`, `api_key`/`apikey`, `access_key`, `private_key`
 * (also `authorization`, `cookie`), case-insensitive. `key` on its own is not secret. A
 * dotted path (`credentials.0.token`) is secret when any of its segments is: no pattern
 * holds a dot, so the whole path matches exactly when a segment does.
 */
export function isSecretName(name: string): boolean {
  return SECRET_NAME.test(name);
}

/**
 * A deep copy of `value` with every `avk_…` token replaced and every value under a
 * secret-looking key replaced by {@link REDACTED}. Bounded: past 32 levels or 10 000 nodes
 * the rest is replaced by `'[truncated]'`. Non-JSON values (functions, symbols) are dropped
 * to `undefined`; cycles are cut. Never throws.
 */
export function redactValue(value: unknown): unknown {
  let nodes = 0;
  const seen = new WeakSet<object>();
  const copy = (node: unknown, depth: number): unknown => {
    nodes += 1;
    if (typeof node === 'string') return redactString(node);
    if (node === null || typeof node === 'number' || typeof node === 'boolean') return node;
    if (typeof node !== 'object') return undefined;
    if (depth >= MAX_DEPTH || nodes > MAX_NODES || seen.has(node)) return TRUNCATED;
    seen.add(node);
    if (Array.isArray(node)) {
      const out: unknown[] = [];
      for (const item of node) {
        if (nodes > MAX_NODES) {
          out.push(TRUNCATED);
          break;
        }
        out.push(copy(item, depth + 1));
      }
      return out;
    }
    const out: Record<string, unknown> = {};
    // `for…in` rather than `Object.entries`, so a huge object is not copied before the cut.
    for (const key in node) {
      if (!Object.hasOwn(node, key)) continue;
      if (nodes > MAX_NODES) {
        out['…'] = TRUNCATED;
        break;
      }
      const item: unknown = (node as Record<string, unknown>)[key];
      setOwn(out, redactString(key), isSecretName(key) ? REDACTED : copy(item, depth + 1));
    }
    return out;
  };
  try {
    return copy(value, 0);
  } catch {
    return undefined;
  }
}

/**
 * Sets `record[key]` as an own property, whatever the key. Error bodies are untrusted data:
 * plain assignment would make a `__proto__` key swap the object's prototype, and reading
 * back `record.constructor` or `record.toString` would find `Object.prototype`'s.
 */
export function setOwn<T>(record: Record<string, T>, key: string, value: T): void {
  Object.defineProperty(record, key, {
    value,
    writable: true,
    enumerable: true,
    configurable: true,
  });
}

const RELATIVE_BASE = 'http://relative.invalid';

/**
 * A URL with secrets removed: `avk_…` tokens anywhere replaced, the values of query
 * parameters with secret-looking names (`?token=…`, `?api_key=…`) replaced by `***`, and
 * any user-info password dropped. Relative URLs stay relative. Never throws.
 */
export function redactUrl(url: string): string {
  try {
    const parsed = new URL(url, RELATIVE_BASE);
    let changed = false;
    if (parsed.password) {
      parsed.password = '***';
      changed = true;
    }
    for (const name of new Set(parsed.searchParams.keys())) {
      if (isSecretName(name)) {
        parsed.searchParams.set(name, '***');
        changed = true;
      }
    }
    if (!changed) return redactString(url);
    // Relative input stays relative: take off what resolving against the base added (only
    // the scheme for a protocol-relative `//host/…`).
    const added = url.startsWith('//') ? 'http:' : RELATIVE_BASE;
    const text = hasScheme(url) ? parsed.href : parsed.href.slice(added.length);
    // URLSearchParams encodes `*`; keep the marker readable.
    return redactString(text.replaceAll('%2A%2A%2A', '***'));
  } catch {
    return redactString(url);
  }
}
