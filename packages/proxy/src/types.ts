import type { Redis } from 'ioredis';

/**
 * The budget of one key before the upstream's `X-RateLimit-*` headers say otherwise
 * (Avala's documented defaults: docs/avala-api.md). Every field is optional in the options.
 */
export interface ProxyRateLimitOptions {
  /** Requests per key in `windowMs` (default 100); a lower `X-RateLimit-Limit` from upstream wins. */
  limit: number;
  /** The window the limit counts in, in milliseconds (default 60 000). */
  windowMs: number;
  /** Requests per key in `burstWindowMs` (default 20). */
  burst: number;
  /** The burst window, in milliseconds (default 1 000). */
  burstWindowMs: number;
  /**
   * Added to both windows (default 250 ms): a request is counted here when it leaves and
   * upstream when it arrives, so a send must not refill the window a moment too early.
   */
  marginMs: number;
  /** The longest upstream `Retry-After` every instance holds for (default 60 000 ms). */
  maxHoldMs: number;
}

/**
 * How the app admits its own callers: `false` refuses (401, nothing forwarded), `true`
 * admits, a string admits and names the caller (fairness is per caller id).
 */
export type ProxyAuthorize = (request: Request) => boolean | string | Promise<boolean | string>;

/** A request the allowlist is asked about: the method and the path under `/api/v1`. */
export interface ProxyAllowRequest {
  /** Upper-case method. */
  method: string;
  /** The path under `/api/v1`, e.g. `/datasets/`. */
  path: string;
}

/** Options of `createAvalaProxy` and `startProxy`. */
export interface AvalaProxyOptions {
  /** The Avala key, or a function returning it (called for every request, so rotation works). */
  apiKey: string | (() => string | Promise<string>);
  /** The upstream origin (default `https://api.avala.ai`); plain `http:` only for loopback. */
  upstream?: string;
  /** Admits callers; required unless `open: true` is given. */
  authorize?: ProxyAuthorize;
  /** Admit every caller without `authorize` (only for a gateway that is private by network). */
  open?: boolean;
  /**
   * A Redis URL or an existing ioredis client: every instance on the same Redis shares one
   * budget per key. Absent: an in-memory budget for a single instance.
   */
  redis?: string | Redis;
  /** Which requests may pass (e.g. a read-only gateway); others get 403. Default: all. */
  allow?: (request: ProxyAllowRequest) => boolean;
  /** How long a request may wait for budget before it is answered 429 (default 10 000 ms). */
  maxWaitMs?: number;
  /** Largest request body; larger ones answer 413 before anything is forwarded (default 10 MiB). */
  maxBodyBytes?: number;
  /** Overrides of the default budget (see {@link ProxyRateLimitOptions}). */
  rateLimit?: Partial<ProxyRateLimitOptions>;
  /**
   * `Host` header values this gateway answers to (e.g. `['app.example.com']`); others get 421.
   * Default: any host, but an absolute-form target must still name the `Host` it came with.
   */
  allowedHosts?: readonly string[];
  /**
   * Browser origins allowed to call the gateway cross-origin (e.g. `['https://app.example.com']`):
   * preflights are answered here without admission or budget, and answers expose
   * `X-RateLimit-*` and `Retry-After`. Default: none (a same-origin mount needs no CORS).
   */
  corsOrigins?: readonly string[];
  /** Per-request upstream timeout (default 30 000 ms); past it the caller gets 504. */
  upstreamTimeoutMs?: number;
  /** Receives one line per request and per Redis state change; the key is never in it. */
  log?: (line: string) => void;
}

/** What `createAvalaProxy` returns: a Web-standard handler. */
export interface AvalaProxy {
  /**
   * Answers one request. `env` is optional: under `@hono/node-server` (or its
   * `getRequestListener`) it carries Node's raw request, whose unnormalised target is checked.
   */
  fetch(request: Request, env?: unknown): Promise<Response>;
  /** Whether the shared store is reachable: `up`, `down`, or `none` without Redis. */
  readonly redisStatus: RedisStatus;
  /** Closes the Redis connection the proxy opened (a client you passed stays open). */
  close(): Promise<void>;
}

/** The state `/healthz` reports. */
export type RedisStatus = 'up' | 'down' | 'none';

/** Options of `startProxy`: the proxy's plus where to listen. */
export interface StartProxyOptions extends AvalaProxyOptions {
  /** TCP port (default 8788; 0 picks a free one). */
  port?: number;
  /** Interface (default `127.0.0.1`). */
  host?: string;
}

/** A running proxy, as `startProxy` returns it. */
export interface RunningProxy {
  /** Origin, e.g. `http://127.0.0.1:8788`; clients use `${url}/api/v1`. */
  readonly url: string;
  /** The handler, for `redisStatus`. */
  readonly proxy: AvalaProxy;
  /** Stops listening, closes open connections and the proxy. */
  close(): Promise<void>;
}
