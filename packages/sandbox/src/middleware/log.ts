import type { MiddlewareHandler } from 'hono';
import type { SandboxEnv } from '../env.js';
import type { SandboxLogEntry } from '../types.js';

/** The request log behind `sandbox.log` and `GET /__sandbox/log`. */
export class RequestLog {
  /** Entries in the order the requests ended. */
  readonly entries: SandboxLogEntry[] = [];

  /** Forgets every entry. */
  clear(): void {
    this.entries.length = 0;
  }
}

/**
 * Outermost middleware: records every request with the status it got. A client that
 * hangs up before the response is sent is marked `aborted` (the adapter aborts the
 * request's signal when the connection closes early), also when that happens after the
 * entry was written.
 */
export function requestLog(log: RequestLog, now: () => number): MiddlewareHandler<SandboxEnv> {
  return async (c, next) => {
    const at = now();
    const signal = c.req.raw.signal;
    await next();
    const url = new URL(c.req.url);
    const dropped = c.get('dropped') === true;
    const entry: SandboxLogEntry = {
      method: c.req.method,
      path: url.pathname,
      status: dropped ? 0 : c.res.status,
      at,
    };
    if (url.search.length > 1) entry.query = url.search.slice(1);
    const key = c.req.header('X-Avala-Api-Key');
    if (key !== undefined) entry.key = key;
    const fault = c.get('fault');
    if (fault !== undefined) entry.fault = fault;
    if (!dropped) {
      if (signal.aborted) entry.aborted = true;
      else
        signal.addEventListener('abort', () => Object.assign(entry, { aborted: true }), {
          once: true,
        });
    }
    log.entries.push(entry);
  };
}
