import { STATUS_CODES } from 'node:http';
import type { Context, MiddlewareHandler } from 'hono';
import type { ContentfulStatusCode } from 'hono/utils/http-status';
import type { SandboxEnv } from '../env.js';
import { alreadySent } from '../responses.js';
import type { SandboxFault } from '../types.js';

const API_PREFIX = '/api/v1';

/** What a server behind Django answers when a view crashes with `DEBUG = False`. */
const HTML_500 = `<!doctype html>
<html lang="en">
<head><title>Server Error (500)</title></head>
<body><h1>Server Error (500)</h1><p></p></body>
</html>
`;

/** DRF-like default bodies of injected status faults. */
const DEFAULT_DETAILS: Record<number, string> = {
  400: 'Bad request.',
  401: 'Authentication credentials were not provided.',
  403: 'You do not have permission to perform this action.',
  404: 'Not found.',
  409: 'Conflict.',
  413: 'Request body is too large.',
  429: 'Request was throttled.',
  500: 'A server error occurred.',
  502: 'Bad gateway.',
  503: 'Service temporarily unavailable, try again later.',
  504: 'Gateway timeout.',
};

/** The longest wait `setTimeout` honours (2^31 - 1 ms). */
const MAX_TIMER_MS = 2_147_483_647;

interface PendingFault {
  fault: SandboxFault;
  remaining: number;
}

/** Faults waiting for their requests, first injected first used. */
export class FaultQueue {
  #pending: PendingFault[] = [];

  /** Queues a fault after checking it (throws `TypeError`/`RangeError` on a bad one). */
  add(fault: SandboxFault): void {
    checkFault(fault);
    this.#pending.push({ fault, remaining: fault.count ?? 1 });
  }

  /** Removes every pending fault. */
  clear(): void {
    this.#pending = [];
  }

  /** Pending faults with how many requests each still applies to. */
  list(): { fault: SandboxFault; remaining: number }[] {
    return this.#pending.map((pending) => ({ ...pending }));
  }

  /**
   * The first fault matching the request, counting it as used. With `onlyNamed`, only a fault
   * whose `path` matches counts (the storage takes no fault meant for "the next request").
   */
  take(method: string, path: string, onlyNamed = false): SandboxFault | undefined {
    const index = this.#pending.findIndex(
      (pending) =>
        (!onlyNamed || pending.fault.path !== undefined) && matches(pending.fault, method, path),
    );
    const pending = this.#pending[index];
    if (!pending) return undefined;
    pending.remaining -= 1;
    if (pending.remaining <= 0) this.#pending.splice(index, 1);
    return pending.fault;
  }
}

/**
 * Timers of `delay` faults, so `close()` can end them instead of leaving the event loop
 * busy, `reset()` can let the waiting requests through, and a client that hangs up during
 * the delay ends it at once.
 */
export class Delays {
  readonly #active = new Set<(completed: boolean) => void>();

  /** Waits `ms`; resolves `false` early when `signal` aborts or the sandbox closes. */
  wait(ms: number, signal: AbortSignal): Promise<boolean> {
    return new Promise((resolve) => {
      if (signal.aborted) return resolve(false);
      const finish = (completed: boolean) => {
        clearTimeout(timer);
        signal.removeEventListener('abort', onAbort);
        this.#active.delete(finish);
        resolve(completed);
      };
      const onAbort = () => finish(false);
      const timer = setTimeout(() => finish(true), ms);
      signal.addEventListener('abort', onAbort, { once: true });
      this.#active.add(finish);
    });
  }

  /** Ends every pending wait as abandoned: the requests get no answer (for `close()`). */
  cancelAll(): void {
    for (const finish of [...this.#active]) finish(false);
  }

  /**
   * Ends every pending wait as if its delay had passed, so the requests are answered
   * (for `reset()`: a cancelled wait sends nothing and would leave the client hanging on
   * an open connection).
   */
  releaseAll(): void {
    for (const finish of [...this.#active]) finish(true);
  }
}

/**
 * Makes the next matching requests fail as configured (`sandbox.injectFault`). Runs
 * before auth, like a proxy or a crashing process would, so faults hit every request.
 */
export function faults(
  queue: FaultQueue,
  delays: Delays,
  { onlyNamed = false }: { onlyNamed?: boolean } = {},
): MiddlewareHandler<SandboxEnv> {
  return async (c, next) => {
    const fault = queue.take(c.req.method, c.req.path, onlyNamed);
    if (!fault) return next();
    c.set('fault', fault.type);
    switch (fault.type) {
      case 'status':
        return statusResponse(c, fault);
      case 'html500':
        return c.html(HTML_500, 500);
      case 'drop':
        c.set('dropped', true);
        c.env.incoming.socket.destroy();
        return alreadySent(200);
      case 'delay': {
        const completed = await delays.wait(fault.delayMs, c.req.raw.signal);
        // Nothing can be sent on a closed connection; 499 is nginx's "client closed request".
        if (!completed) return alreadySent(499);
        return next();
      }
    }
  };
}

function statusResponse(
  c: Context<SandboxEnv>,
  fault: Extract<SandboxFault, { type: 'status' }>,
): Response {
  if (fault.retryAfterS !== undefined) c.header('Retry-After', String(fault.retryAfterS));
  for (const [name, value] of Object.entries(fault.headers ?? {})) c.header(name, value);
  if ([204, 205, 304].includes(fault.status)) return c.body(null, fault.status as 204);
  const status = fault.status as ContentfulStatusCode;
  if (fault.body !== undefined) {
    return typeof fault.body === 'string' ? c.text(fault.body, status) : c.json(fault.body, status);
  }
  let text = DEFAULT_DETAILS[fault.status] ?? `${STATUS_CODES[fault.status] ?? 'Error'}.`;
  if (fault.status === 429 && fault.retryAfterS !== undefined) {
    text = `Request was throttled. Expected available in ${fault.retryAfterS} seconds.`;
  }
  return c.json({ detail: text }, status);
}

function matches(fault: SandboxFault, method: string, fullPath: string): boolean {
  if (fault.method !== undefined && fault.method.toUpperCase() !== method.toUpperCase()) {
    return false;
  }
  if (fault.path === undefined) return true;
  const path = fullPath.startsWith(`${API_PREFIX}/`) ? fullPath.slice(API_PREFIX.length) : fullPath;
  if (typeof fault.path === 'string') {
    const prefix = fault.path.startsWith(`${API_PREFIX}/`)
      ? fault.path.slice(API_PREFIX.length)
      : fault.path;
    return path.startsWith(prefix);
  }
  const pattern = fault.path;
  pattern.lastIndex = 0;
  if (pattern.test(path)) return true;
  pattern.lastIndex = 0;
  return pattern.test(fullPath);
}

function checkFault(fault: SandboxFault): void {
  if (typeof fault !== 'object' || fault === null) throw new TypeError('A fault must be an object');
  const count = fault.count ?? 1;
  if (!(count >= 1)) throw new RangeError(`fault.count must be 1 or more, got ${fault.count}`);
  if (
    fault.path !== undefined &&
    typeof fault.path !== 'string' &&
    !(fault.path instanceof RegExp)
  ) {
    throw new TypeError('fault.path must be a string or a RegExp');
  }
  switch (fault.type) {
    case 'status':
      if (!Number.isInteger(fault.status) || fault.status < 200 || fault.status > 599) {
        throw new RangeError(`fault.status must be an HTTP status 200–599, got ${fault.status}`);
      }
      if (fault.retryAfterS !== undefined && !(fault.retryAfterS >= 0)) {
        throw new RangeError(`fault.retryAfterS must be zero or more, got ${fault.retryAfterS}`);
      }
      // Checked now: a header that cannot be sent would turn every matching request into a bare 500.
      try {
        new Headers(fault.headers);
      } catch (error) {
        throw new TypeError(`fault.headers cannot be sent: ${(error as Error).message}`);
      }
      return;
    case 'delay':
      // setTimeout fires at once (with a warning) for longer waits than MAX_TIMER_MS.
      if (!(fault.delayMs >= 0 && fault.delayMs <= MAX_TIMER_MS)) {
        throw new RangeError(
          `fault.delayMs must be between 0 and ${MAX_TIMER_MS} (about 24.8 days), got ${fault.delayMs}`,
        );
      }
      return;
    case 'html500':
    case 'drop':
      return;
    default:
      throw new TypeError(
        `Unknown fault type ${JSON.stringify((fault as { type?: unknown }).type)}; use status, html500, drop or delay`,
      );
  }
}
