import type { Redis } from 'ioredis';
import type {
  AvalaProxyOptions,
  ProxyAllowRequest,
  ProxyAuthorize,
  ProxyRateLimitOptions,
} from './types.js';

/** Avala's documented defaults (docs/avala-api.md): 100 a minute, bursts of 20 a second. */
export const DEFAULT_RATE_LIMIT: ProxyRateLimitOptions = {
  limit: 100,
  windowMs: 60_000,
  burst: 20,
  burstWindowMs: 1_000,
  marginMs: 250,
  maxHoldMs: 60_000,
};

export const DEFAULT_UPSTREAM = 'https://api.avala.ai';
export const API_PREFIX = '/api/v1/';

/** Options after defaults are applied; the rest of the proxy reads only these. */
export interface ResolvedOptions {
  apiKey: () => Promise<string>;
  upstream: string;
  authorize: ProxyAuthorize;
  redis: string | Redis | undefined;
  allow: (request: ProxyAllowRequest) => boolean;
  maxWaitMs: number;
  maxBodyBytes: number;
  rateLimit: ProxyRateLimitOptions;
  allowedHosts: ReadonlySet<string> | undefined;
  corsOrigins: readonly string[];
  upstreamTimeoutMs: number;
  log: (line: string) => void;
}

/** Applies defaults once, at the edge, and refuses a configuration that cannot be safe. */
export function resolveOptions(options: AvalaProxyOptions): ResolvedOptions {
  const { apiKey } = options;
  if (typeof apiKey === 'string' && !apiKey) throw new TypeError('apiKey is required');
  if (typeof apiKey !== 'string' && typeof apiKey !== 'function') {
    throw new TypeError('apiKey must be a string or a function returning one');
  }
  if (!options.authorize && options.open !== true) {
    throw new TypeError(
      'authorize is required: pass authorize(request) to admit your callers, or open: true explicitly',
    );
  }
  const rateLimit = { ...DEFAULT_RATE_LIMIT, ...options.rateLimit };
  for (const [name, value] of Object.entries(rateLimit)) {
    if (!(value >= 0) || !Number.isFinite(value)) {
      throw new RangeError(`rateLimit.${name} must be a finite number ≥ 0, got ${value}`);
    }
  }
  if (!(rateLimit.limit >= 1) || !(rateLimit.burst >= 1)) {
    throw new RangeError('rateLimit.limit and rateLimit.burst must be at least 1');
  }
  if (rateLimit.burstWindowMs > rateLimit.windowMs) {
    throw new RangeError('rateLimit.burstWindowMs must not exceed rateLimit.windowMs');
  }
  return {
    apiKey: async () => {
      const key = typeof apiKey === 'string' ? apiKey : await apiKey();
      if (typeof key !== 'string' || !key) throw new Error('apiKey() returned no key');
      return key;
    },
    upstream: resolveUpstream(options.upstream ?? DEFAULT_UPSTREAM),
    authorize: options.authorize ?? (() => true),
    redis: options.redis,
    allow: options.allow ?? (() => true),
    maxWaitMs: nonNegative('maxWaitMs', options.maxWaitMs ?? 10_000),
    maxBodyBytes: nonNegative('maxBodyBytes', options.maxBodyBytes ?? 10 * 1024 * 1024),
    rateLimit,
    allowedHosts: options.allowedHosts
      ? new Set(options.allowedHosts.map((host) => host.toLowerCase()))
      : undefined,
    corsOrigins: [...(options.corsOrigins ?? [])],
    upstreamTimeoutMs: nonNegative('upstreamTimeoutMs', options.upstreamTimeoutMs ?? 30_000),
    log: options.log ?? (() => {}),
  };
}

/**
 * The upstream must be a bare origin: a path would be silently dropped, and plain `http:`
 * would send the key in clear text (docs/security.md), so both are refused.
 */
export function resolveUpstream(value: string): string {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw new TypeError(`upstream must be an origin such as https://api.avala.ai, got "${value}"`);
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') {
    throw new TypeError(`upstream must be http(s), got "${url.protocol}"`);
  }
  if (url.protocol === 'http:' && !isLoopbackHost(url.hostname)) {
    throw new TypeError(`plain http: upstream is allowed only on loopback, got "${url.host}"`);
  }
  if ((url.pathname !== '/' && url.pathname !== '') || url.search || url.hash || url.username) {
    throw new TypeError(`upstream must be an origin without path, query or credentials`);
  }
  return url.origin;
}

/** `localhost`, 127.0.0.0/8 and `[::1]`: the hosts where plain http never leaves the machine. */
export function isLoopbackHost(hostname: string): boolean {
  const host = hostname.toLowerCase();
  return (
    host === 'localhost' ||
    host.endsWith('.localhost') ||
    host === '[::1]' ||
    host === '::1' ||
    /^127(\.\d{1,3}){3}$/.test(host)
  );
}

function nonNegative(name: string, value: number): number {
  if (!(value >= 0) || !Number.isFinite(value)) {
    throw new RangeError(`${name} must be a finite number ≥ 0, got ${value}`);
  }
  return value;
}
