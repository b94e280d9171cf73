import type { AvalaPath } from '../types/client.js';
import {
  type BaseUrl,
  hasScheme,
  parseInsideBase,
  refuseLoneSurrogate,
  UnsafeUrlError,
} from './url.js';

// C0 controls and DEL: URL parsers strip tabs/newlines and choke on the rest, so a path that
// holds them means something other than it shows.
function hasControlCharacter(text: string): boolean {
  for (let index = 0; index < text.length; index++) {
    const code = text.charCodeAt(index);
    if (code < 0x20 || code === 0x7f) return true;
  }
  return false;
}
// `.` and `..` in any case mix of percent-encoding: the WHATWG URL parser resolves `%2e%2e` too.
const dotSegment = /^(?:\.|%2e){1,2}$/i;
// A string path's segment as the parser will see it: it strips trailing spaces from the whole
// input before resolving dot segments, so `%2e%2e ` climbs out of the base like `..`.
const dotSegmentBeforeSpaces = /^(?:\.|%2e){1,2} *$/i;

/**
 * Encodes one path segment built from caller data (an id, a name). `/`, `?`, `#`, `\` and
 * control characters become percent-escapes, so they stay data; `.`, `..` and empty segments
 * are refused because no encoding stops a URL parser from resolving them.
 */
export function encodeSegment(value: string | number): string {
  const text = String(value);
  if (text === '') {
    throw new UnsafeUrlError('empty_segment', 'refused an empty path segment');
  }
  if (dotSegment.test(text)) {
    throw new UnsafeUrlError('traversal', `refused the path segment ${JSON.stringify(text)}`);
  }
  // `encodeURIComponent` would throw a `URIError`; every refusal is an `UnsafeUrlError`.
  refuseLoneSurrogate(text);
  return encodeURIComponent(text);
}

/**
 * A tagged template that encodes every interpolated value as one path segment:
 * `` path`/datasets/${uid}/items/` `` is safe whatever `uid` holds.
 */
export function path(strings: TemplateStringsArray, ...values: (string | number)[]): string {
  let out = strings[0] ?? '';
  values.forEach((value, index) => {
    out += encodeSegment(value) + (strings[index + 1] ?? '');
  });
  return out;
}

// What a URL parser strips or rewrites (docs/security.md), refused on the raw text.
function refuseUnsafeCharacters(text: string): void {
  refuseLoneSurrogate(text);
  if (hasControlCharacter(text)) {
    throw new UnsafeUrlError('control_character', 'refused a path with a control character');
  }
  if (text.includes('\\')) {
    throw new UnsafeUrlError('backslash', 'refused a path with a backslash');
  }
}

// The path of `value` and what follows it (its `?query` or `#fragment`, else '').
function splitAtQuery(value: string): [path: string, rest: string] {
  const cut = value.search(/[?#]/);
  return cut === -1 ? [value, ''] : [value.slice(0, cut), value.slice(cut)];
}

/**
 * Checks a caller's string path and returns it relative to the base (no leading slash).
 * Refuses, before anything is sent: control characters, backslashes, `//`, `.`/`..` segments.
 */
export function assertSafePath(value: string): string {
  refuseUnsafeCharacters(value);
  const [pathPart, rest] = splitAtQuery(value);
  const relative = pathPart.startsWith('/') ? pathPart.slice(1) : pathPart;
  const segments = relative.split('/');
  segments.forEach((segment, index) => {
    // A trailing slash (the last segment empty) is how Avala's paths end; any other empty
    // segment is a `//`, which a proxy may read as a host or collapse.
    if (segment === '' && index !== segments.length - 1) {
      throw new UnsafeUrlError('empty_segment', `refused ${JSON.stringify(pathPart)}: it has "//"`);
    }
    if (dotSegmentBeforeSpaces.test(segment)) {
      throw new UnsafeUrlError('traversal', `refused ${JSON.stringify(pathPart)}: it has "."/".."`);
    }
  });
  return relative + rest;
}

/**
 * Turns an {@link AvalaPath} into the absolute URL to request: segments are encoded one by
 * one and joined with a trailing slash (as Avala's paths end); strings are checked by
 * {@link assertSafePath}. Whatever the form, the result is then checked as the URL parser
 * reads it (docs/security.md): on the base origin, inside the base path and — for paths
 * relative to the base — with every segment written still there, so nothing the parser
 * strips or resolves can move the request (and its key) elsewhere.
 */
export function resolvePath(input: AvalaPath, base: BaseUrl): string {
  if (typeof input !== 'string') {
    const joined = input.length === 0 ? '' : `${input.map(encodeSegment).join('/')}/`;
    return resolveBelowBase(joined, base);
  }
  if (hasScheme(input)) {
    refuseUnsafeCharacters(input);
    return parseInsideBase(input, base).href;
  }
  if (input.startsWith('//')) {
    throw new UnsafeUrlError('foreign_origin', 'refused a protocol-relative URL ("//host")');
  }
  return resolveBelowBase(assertSafePath(input), base);
}

/** `relative` (no leading slash) under the base, checked after parsing. */
function resolveBelowBase(relative: string, base: BaseUrl): string {
  const url = parseInsideBase(`${base.href}/${relative}`, base);
  const written = splitAtQuery(relative)[0].split('/').length;
  const parsed = url.pathname.slice(base.pathname.length + 1).split('/').length;
  // `//` and backslashes are refused before, so only a resolved dot segment loses one.
  if (parsed !== written) {
    throw new UnsafeUrlError(
      'traversal',
      `refused ${JSON.stringify(relative)}: the URL parser resolves it to ${url.pathname}`,
    );
  }
  return url.href;
}
