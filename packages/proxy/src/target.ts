import { API_PREFIX } from './options.js';

/** A request target the proxy will forward, or the reason it refuses it. */
export type TargetCheck =
  | { ok: true; path: string; search: string }
  | { ok: false; status: 400 | 404 | 421; reason: string };

/**
 * Checks the request target as the client sent it. A path that would need normalising is
 * refused, never repaired (docs/security.md): repairing is how traversal slips past a prefix
 * check. `raw` is Node's unparsed target when known; the WHATWG URL of a `Request` has already
 * resolved plain `..`, so the raw form is the one that shows it.
 */
export function checkTarget(
  raw: string | undefined,
  requestUrl: URL,
  host: string | undefined,
  allowedHosts: ReadonlySet<string> | undefined,
): TargetCheck {
  const target = raw ?? `${requestUrl.pathname}${requestUrl.search}`;
  if (hasControlCharacter(target, true)) {
    return {
      ok: false,
      status: 400,
      reason: 'Control characters or spaces in the request target.',
    };
  }

  let pathAndQuery = target;
  if (!target.startsWith('/')) {
    // Absolute form (`GET http://host/path`): allowed only when it names the Host it came with.
    let absolute: URL;
    try {
      absolute = new URL(target);
    } catch {
      return { ok: false, status: 400, reason: 'Malformed request target.' };
    }
    if (!host || absolute.host.toLowerCase() !== host.toLowerCase()) {
      return { ok: false, status: 421, reason: 'The request target names another host.' };
    }
    pathAndQuery = target.slice(target.indexOf('/', target.indexOf('//') + 2));
    if (!pathAndQuery.startsWith('/')) pathAndQuery = '/';
  }
  if (allowedHosts && (!host || !allowedHosts.has(host.toLowerCase()))) {
    return { ok: false, status: 421, reason: 'This gateway does not serve that host.' };
  }

  const queryAt = pathAndQuery.indexOf('?');
  const path = queryAt === -1 ? pathAndQuery : pathAndQuery.slice(0, queryAt);
  const search = queryAt === -1 ? '' : pathAndQuery.slice(queryAt);
  const problem = pathProblem(path);
  if (problem) return { ok: false, status: 400, reason: problem };
  if (!path.startsWith(API_PREFIX)) {
    return { ok: false, status: 404, reason: 'Not found.' };
  }
  return { ok: true, path, search };
}

/**
 * Why a path is not in normal form, or undefined. Each segment is decoded once: a decoded
 * `.`/`..`, slash, backslash or `%` (a second layer of encoding) means some later decoder
 * would see a different path than the one checked. Undecodable bytes (overlong UTF-8 such as
 * `%c0%ae`) are refused for the same reason.
 */
export function pathProblem(path: string): string | undefined {
  if (path.includes('\\')) return 'Backslashes are not allowed in the path.';
  if (path.includes('//')) return 'Empty path segments (//) are not allowed.';
  for (const segment of path.split('/')) {
    let decoded: string;
    try {
      decoded = decodeURIComponent(segment);
    } catch {
      return 'The path is not valid percent-encoded UTF-8.';
    }
    if (decoded === '.' || decoded === '..') return 'Dot segments are not allowed in the path.';
    if (decoded !== segment && /[/\\%]/.test(decoded)) {
      return 'Encoded slashes, backslashes or percent signs are not allowed in the path.';
    }
    if (hasControlCharacter(decoded, false)) return 'Control characters in the path.';
  }
  return undefined;
}

/** C0 controls and DEL (and, in a raw target, the space that ends it). */
function hasControlCharacter(text: string, spaceToo: boolean): boolean {
  for (let i = 0; i < text.length; i++) {
    const code = text.charCodeAt(i);
    if (code < 0x20 || code === 0x7f || (spaceToo && code === 0x20)) return true;
  }
  return false;
}
