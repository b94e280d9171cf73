/** The default base URL: the Avala API, version 1. */
export const DEFAULT_BASE_URL = 'https://api.avala.ai/api/v1';

/** Why a URL or path was refused (see {@link UnsafeUrlError}). */
export type UnsafeUrlReason =
  /** Not a URL at all, or a relative base URL with no page to resolve it against. */
  | 'invalid_url'
  /** A scheme other than `https:` (or `http:` on a loopback host). */
  | 'insecure_scheme'
  /** Credentials, a query or a fragment in the base URL. */
  | 'invalid_base_url'
  /** A `..`/`.` segment (also percent-encoded), which would climb out of the base path. */
  | 'traversal'
  /** An empty segment (`//`), which some servers and proxies collapse or treat as a host. */
  | 'empty_segment'
  /** A backslash: URL parsers treat it as `/`. */
  | 'backslash'
  /** A control character (tab, newline, NUL…): URL parsers strip or mangle them. */
  | 'control_character'
  /** A scheme (`http:`, `javascript:`…) or an absolute URL on another origin. */
  | 'foreign_origin'
  /** An absolute URL on the base origin but outside the base path. */
  | 'outside_base_path';

/**
 * Thrown (or a call rejects with it) when a base URL, path or `next` link is refused by the
 * security rules of docs/security.md — always before anything is sent, so the API key never leaves.
 * It is a `TypeError` because the input, not the network, is wrong.
 */
export class UnsafeUrlError extends TypeError {
  override readonly name = 'UnsafeUrlError';
  /** A stable string to branch on. */
  readonly reason: UnsafeUrlReason;

  constructor(reason: UnsafeUrlReason, message: string) {
    super(message);
    this.reason = reason;
  }
}

/** `true` for `localhost` (and `*.localhost`), 127.0.0.0/8 and `[::1]`. */
export function isLoopbackHost(hostname: string): boolean {
  // `localhost` or `*.localhost`, `[::1]`, or 127.x.x.x: the URL parser has already
  // normalised IPv4 forms like `127.1` or `0x7f.0.0.1`.
  return /^(?:(?:.*\.)?localhost|\[::1\]|127(?:\.\d{1,3}){3})$/i.test(hostname);
}

/** A base URL split into what the security checks compare against. */
export interface BaseUrl {
  /** The normalised base URL, no trailing slash. */
  readonly href: string;
  /** `scheme://host[:port]`. */
  readonly origin: string;
  /** The base path, no trailing slash (`/api/v1`; empty for a bare origin). */
  readonly pathname: string;
}

/**
 * Validates and normalises the client's base URL: `https:` anywhere, `http:` only on loopback
 * hosts, no credentials/query/fragment. A relative base URL (proxy mode: `/api/v1`) is
 * resolved against the page's location.
 */
export function parseBaseUrl(input: string = DEFAULT_BASE_URL): BaseUrl {
  let url: URL;
  try {
    url = new URL(input, pageLocation());
  } catch {
    throw new UnsafeUrlError(
      'invalid_url',
      `baseUrl ${JSON.stringify(input)} is not a URL (a relative base URL needs a browser page to resolve against)`,
    );
  }
  if (url.protocol !== 'https:' && !(url.protocol === 'http:' && isLoopbackHost(url.hostname))) {
    throw new UnsafeUrlError(
      'insecure_scheme',
      `baseUrl must use https: (plain http: is allowed only for localhost, 127.0.0.0/8 and [::1]); got ${url.protocol}//${url.host}`,
    );
  }
  if (url.username || url.password || url.search || url.hash) {
    throw new UnsafeUrlError(
      'invalid_base_url',
      'baseUrl must not contain credentials, a query or a fragment',
    );
  }
  const pathname = url.pathname.replace(/\/+$/, '');
  return { href: `${url.origin}${pathname}`, origin: url.origin, pathname };
}

function pageLocation(): string | undefined {
  const location = (globalThis as { location?: { href?: unknown } }).location;
  return typeof location?.href === 'string' ? location.href : undefined;
}

/** Whether `value` starts with a scheme (`https:`, `javascript:`…), i.e. is an absolute URL. */
export function hasScheme(value: string): boolean {
  return /^[a-z][a-z\d+.-]*:/i.test(value);
}

/**
 * The check every URL passes before the key is attached to it, whatever form the path came
 * in (docs/security.md): the URL as the WHATWG parser reads it — after it has stripped
 * spaces, resolved `..` and re-encoded — must be on the base origin, without credentials,
 * and inside the base path. Returns the parsed URL, whose `href` is what gets requested.
 */
export function parseInsideBase(absolute: string, base: BaseUrl): URL {
  // The parser would silently turn a lone surrogate into U+FFFD: a path other than the one written.
  refuseLoneSurrogate(absolute);
  let url: URL;
  try {
    url = new URL(absolute);
  } catch {
    throw new UnsafeUrlError('invalid_url', 'refused a URL that does not parse');
  }
  if (url.origin !== base.origin) {
    throw new UnsafeUrlError(
      'foreign_origin',
      `refused ${url.protocol}//${url.host || '(no host)'}: the API key is only sent to ${base.origin}`,
    );
  }
  if (url.username || url.password) {
    throw new UnsafeUrlError('invalid_url', 'refused a URL with credentials in it');
  }
  const inside = url.pathname === base.pathname || url.pathname.startsWith(`${base.pathname}/`);
  if (!inside) {
    throw new UnsafeUrlError(
      'outside_base_path',
      `refused ${url.pathname}: it is outside the base path ${base.pathname || '/'}`,
    );
  }
  return url;
}

/**
 * Refuses text holding a UTF-16 surrogate without its pair: it is not Unicode, so
 * `encodeURIComponent` throws on it and the URL parser rewrites it.
 */
export function refuseLoneSurrogate(text: string): void {
  if (/[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/.test(text)) {
    throw new UnsafeUrlError('invalid_url', 'refused a lone surrogate (it is not Unicode text)');
  }
}
