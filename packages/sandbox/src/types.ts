/** The seeded API keys, one per situation a client must handle. */
export interface SandboxKeys {
  /** Read-write key of organization A (`avk_sandbox_admin`). */
  admin: string;
  /** Read-only key of organization A: every write answers 403 (`avk_sandbox_readonly`). */
  readonly: string;
  /** Read-write key of organization B: organization A's resources answer 403 (`avk_sandbox_other_org`). */
  otherOrg: string;
  /** A revoked key: every request answers 401 (`avk_sandbox_revoked`). */
  revoked: string;
}

/**
 * Per-key rate limits: a sliding window plus a shorter burst window (docs/avala-api.md). Requests
 * without a valid key are limited per client IP to `anonymousLimit` in the same window.
 */
export interface SandboxRateLimitOptions {
  /** Requests allowed per key in `windowMs` (default 100). */
  limit: number;
  /** The sliding window, in milliseconds (default 60 000). */
  windowMs: number;
  /** Requests allowed per key in `burstWindowMs` (default 20). */
  burst: number;
  /** The burst window, in milliseconds (default 1 000). */
  burstWindowMs: number;
  /** Requests allowed per IP without a key in `windowMs` (default 30 % of `limit`, at least 1). */
  anonymousLimit?: number;
  /**
   * Requests allowed per key in `windowMs` on the inference endpoints (default 10), a budget
   * of their own with its own `X-RateLimit-*` headers (docs/avala-api.md).
   */
  inferenceLimit?: number;
}

/** Options of `startSandbox`; every one has a default. */
export interface SandboxOptions {
  /** TCP port; 0 (the default) picks a free one, read it back from `sandbox.url`. */
  port?: number;
  /** Interface to listen on (default `127.0.0.1`). */
  host?: string;
  /** Rate limits (fields you omit keep their defaults), or `false` to turn throttling off. */
  rateLimit?: Partial<SandboxRateLimitOptions> | false;
  /**
   * Where 400 field errors go: `'wrapped'` (default) sends `{"detail": {field: [...]}}` as
   * Avala's docs show; `'root'` sends DRF's own `{field: [...]}`, which the TypeScript SDK
   * reads. Clients must handle both (docs/avala-api.md).
   */
  fieldErrors?: 'wrapped' | 'root';
  /** How long an export job takes from creation to `exported` or `failed` (default 2 000 ms). */
  exportDurationMs?: number;
  /** How long an auto-label job takes from creation to `completed` (default 3 000 ms). */
  autoLabelDurationMs?: number;
  /** Export jobs a key may have pending or running at once (default 5). */
  maxRunningExports?: number;
  /** Largest request body accepted; larger ones answer 413 (default 1 MiB). */
  maxBodyBytes?: number;
  /**
   * Largest file `POST /datasets/manual-upload/file-upload-url/` hands out an upload form
   * for, and the storage accepts (default 100 MiB).
   */
  maxUploadBytes?: number;
  /**
   * Browser origins allowed by CORS besides `http(s)://localhost` and `127.0.0.1` on any
   * port (always allowed); `'*'` allows every origin.
   */
  corsOrigins?: readonly (string | RegExp)[] | '*';
  /** The clock, in epoch milliseconds (default `Date.now`); inject one to test windows without waiting. */
  now?: () => number;
}

/** Which requests a fault applies to; every field is optional. */
export interface SandboxFaultMatch {
  /** How many matching requests fail before the fault is used up (default 1; `Infinity` allowed). */
  count?: number;
  /** Only requests with this method (case-insensitive). */
  method?: string;
  /**
   * Only requests whose path under `/api/v1` starts with this string (`'/datasets/'`), or
   * matches this RegExp (tested against the path under `/api/v1` and the full path).
   */
  path?: string | RegExp;
}

/** A failure injected into the next matching requests (see `sandbox.injectFault`). */
export type SandboxFault = SandboxFaultMatch &
  (
    | {
        /** Answer with `status` and a DRF-like JSON body (or `body`, when given). */
        type: 'status';
        status: number;
        /** Adds a `Retry-After` header, in seconds. */
        retryAfterS?: number;
        /** Replaces the default `{"detail": ...}` body. */
        body?: unknown;
        /** Extra response headers. */
        headers?: Record<string, string>;
      }
    | {
        /** Answer 500 with an HTML page, like a crashing server behind a proxy. */
        type: 'html500';
      }
    | {
        /** Destroy the connection without answering. */
        type: 'drop';
      }
    | {
        /** Wait `delayMs` before handling the request normally. */
        type: 'delay';
        delayMs: number;
      }
  );

/** One request the sandbox received under `/api/v1`, recorded when it ended. */
export interface SandboxLogEntry {
  /** Upper-case HTTP method. */
  method: string;
  /** Full path without the query string, e.g. `/api/v1/datasets/`. */
  path: string;
  /** The query string without `?`, when there was one. */
  query?: string;
  /** Status sent; 0 for a dropped connection, 499 when the client left during a `delay` fault. */
  status: number;
  /** The `X-Avala-Api-Key` header as received, when there was one. */
  key?: string;
  /** When the request arrived, epoch milliseconds (from the `now` option). */
  at: number;
  /** The client closed the connection before the response was sent. */
  aborted?: boolean;
  /** The injected fault that handled this request, if one did. */
  fault?: SandboxFault['type'];
}

/** Maintenance mode settings (see `sandbox.setMaintenance`). */
export interface SandboxMaintenance {
  /** `Retry-After` sent with every 503, in seconds (default 30). */
  retryAfterS?: number;
  /** End maintenance by itself after this long (default: until turned off). */
  durationMs?: number;
}

/** A running sandbox, as returned by `startSandbox`. */
export interface Sandbox {
  /** Origin, e.g. `http://127.0.0.1:54321`. */
  readonly url: string;
  /** `${url}/api/v1`, the base URL clients use. */
  readonly apiUrl: string;
  /** The seeded API keys. */
  readonly keys: SandboxKeys;
  /** Every request received under `/api/v1`, oldest first. */
  readonly log: readonly SandboxLogEntry[];
  /** Forget the request log. */
  clearLog(): void;
  /** Start maintenance (every request but `/health/` answers 503), or end it with `false`. */
  setMaintenance(maintenance: SandboxMaintenance | false): void;
  /** Make the next matching requests fail (see {@link SandboxFault}). */
  injectFault(fault: SandboxFault): void;
  /** Remove every pending fault. */
  clearFaults(): void;
  /**
   * Back to the start: seeded store, empty rate-limit windows, no faults, empty log, no
   * maintenance. Requests waiting in a `delay` fault are handled at once.
   */
  reset(): void;
  /** Stop listening and close every open connection. */
  close(): Promise<void>;
}
