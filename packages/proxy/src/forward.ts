/**
 * Which headers cross the proxy, each way (docs/security.md). Nothing the caller sends can
 * change the key or the upstream; nothing upstream sends can set state in the caller's
 * browser or echo the key back.
 */

/** RFC 9110 §7.6.1's connection-specific headers, plus the non-standard ones still seen. */
const HOP_BY_HOP = new Set([
  'connection',
  'keep-alive',
  'proxy-authenticate',
  'proxy-authorization',
  'proxy-connection',
  'te',
  'trailer',
  'transfer-encoding',
  'upgrade',
]);

/** Caller headers that carry the caller's credentials or would steer the upstream. */
const NEVER_FORWARDED = new Set([
  'x-avala-api-key',
  'authorization',
  'cookie',
  'host',
  'content-length',
  'forwarded',
  'x-forwarded-for',
  'x-forwarded-host',
  'x-forwarded-proto',
  'x-real-ip',
  'origin',
  'referer',
  // Undici would decode a compressed answer without saying so; ask for identity instead.
  'accept-encoding',
]);

/**
 * Upstream headers the caller never sees: state the upstream would set in the caller's
 * browser, and framing that no longer matches the body once fetch has decoded it.
 */
const NEVER_RETURNED = new Set([
  'set-cookie',
  'set-cookie2',
  'content-encoding',
  'content-length',
  'www-authenticate',
  'strict-transport-security',
  'alt-svc',
]);

/** The headers named by `Connection`, which are hop-by-hop by declaration. */
function connectionNamed(headers: Headers): Set<string> {
  const named = new Set<string>();
  for (const token of (headers.get('connection') ?? '').split(',')) {
    const name = token.trim().toLowerCase();
    if (name) named.add(name);
  }
  return named;
}

/** The headers sent upstream: the caller's, filtered, with the configured key. */
export function upstreamHeaders(incoming: Headers, apiKey: string): Headers {
  const named = connectionNamed(incoming);
  const headers = new Headers();
  incoming.forEach((value, name) => {
    if (HOP_BY_HOP.has(name) || NEVER_FORWARDED.has(name) || named.has(name)) return;
    headers.append(name, value);
  });
  headers.set('X-Avala-Api-Key', apiKey);
  headers.set('Accept-Encoding', 'identity');
  if (!headers.has('accept')) headers.set('Accept', 'application/json');
  return headers;
}

/** The headers returned to the caller: the upstream's, filtered, never carrying the key. */
export function callerHeaders(upstream: Headers, apiKey: string): Headers {
  const named = connectionNamed(upstream);
  const headers = new Headers();
  upstream.forEach((value, name) => {
    if (HOP_BY_HOP.has(name) || NEVER_RETURNED.has(name) || named.has(name)) return;
    if (name.includes('api-key') || value.includes(apiKey)) return;
    headers.append(name, value);
  });
  return headers;
}

/** Replaces every occurrence of the key in a text the caller or a log will see. */
export function redactKey(text: string, apiKey: string): string {
  return apiKey ? text.split(apiKey).join('[redacted]') : text;
}
