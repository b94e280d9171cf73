import type { MiddlewareHandler } from 'hono';
import type { SandboxEnv } from '../env.js';
import { toRetryAfterSeconds } from '../rate-limiter.js';
import { detail } from '../responses.js';
import type { SandboxMaintenance } from '../types.js';

const DEFAULT_RETRY_AFTER_S = 30;

/** Maintenance mode: on until ended, or until its duration runs out (checked lazily against the clock). */
export class Maintenance {
  #active = false;
  #until: number | undefined;
  #retryAfterS: number | undefined;
  readonly #now: () => number;

  constructor(now: () => number) {
    this.#now = now;
  }

  /** Starts maintenance (again, replacing earlier settings). */
  start({ retryAfterS, durationMs }: SandboxMaintenance = {}): void {
    if (retryAfterS !== undefined && !(retryAfterS >= 0)) {
      throw new RangeError(`retryAfterS must be zero or more, got ${retryAfterS}`);
    }
    if (durationMs !== undefined && !(durationMs >= 0)) {
      throw new RangeError(`durationMs must be zero or more, got ${durationMs}`);
    }
    this.#active = true;
    this.#retryAfterS = retryAfterS;
    this.#until = durationMs === undefined ? undefined : this.#now() + durationMs;
  }

  /** Ends maintenance. */
  end(): void {
    this.#active = false;
    this.#until = undefined;
  }

  /**
   * The `Retry-After` to send while maintenance is on, `undefined` when it is off. Without
   * an explicit value it is the time left, or 30 s when maintenance has no end.
   */
  retryAfterS(): number | undefined {
    if (!this.#active) return undefined;
    const now = this.#now();
    if (this.#until !== undefined && now >= this.#until) {
      this.end();
      return undefined;
    }
    if (this.#retryAfterS !== undefined) return this.#retryAfterS;
    return this.#until === undefined
      ? DEFAULT_RETRY_AFTER_S
      : toRetryAfterSeconds(this.#until - now);
  }
}

/** Answers 503 to everything but the paths a load balancer needs (the health check). */
export function maintenance(
  state: Maintenance,
  { exempt }: { exempt: (path: string) => boolean },
): MiddlewareHandler<SandboxEnv> {
  return async (c, next) => {
    const retryAfterS = state.retryAfterS();
    if (retryAfterS === undefined || exempt(c.req.path)) return next();
    c.header('Retry-After', String(retryAfterS));
    return detail(c, 503, 'The API is down for maintenance.');
  };
}
