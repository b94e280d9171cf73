import { afterEach, beforeEach, vi } from 'vitest';
import type { Governor, GovernorEvent, Permit } from '../../src/governor/index.js';
import { createGovernor } from '../../src/governor/index.js';
import type { RateLimitOptions } from '../../src/types/options.js';

/** A whole second, so `X-RateLimit-Reset` (Unix seconds) states resets exactly. */
export const T0 = 1_800_000_000_000;

/** The headers of a response that announces the budget. */
export function budgetHeaders(limit: number, remaining: number, resetAt: number): Headers {
  return new Headers({
    'X-RateLimit-Limit': String(limit),
    'X-RateLimit-Remaining': String(remaining),
    'X-RateLimit-Reset': String(Math.ceil(resetAt / 1000)),
  });
}

/** A 2xx outcome announcing the budget. */
export function ok(limit: number, remaining: number, resetAt: number) {
  return { status: 200, headers: budgetHeaders(limit, remaining, resetAt) };
}

/** Lets promise callbacks run (fake timers keep the clock still). */
export async function settle(): Promise<void> {
  await vi.advanceTimersByTimeAsync(0);
}

/**
 * A governor on fake timers with no tab sharing, recording its events. No jitter on
 * server-requested waits, so holds end exactly when the server said.
 */
export function setup(options: Partial<RateLimitOptions> = {}) {
  const events: GovernorEvent[] = [];
  const governor = createGovernor(
    { broadcastChannel: false, ...options },
    { onEvent: (event) => events.push(event), random: () => 0 },
  );
  return { governor, events, ...tracker(governor) };
}

/** Sends requests through `governor` and remembers which got their permit, in order. */
export function tracker(governor: Governor) {
  const granted: string[] = [];
  const permits = new Map<string, Permit>();
  const failures = new Map<string, unknown>();
  function send(id: string, path = '/datasets/', method = 'GET', signal?: AbortSignal) {
    const request = governor.acquire({ method, path, ...(signal ? { signal } : {}) });
    request.then(
      (permit) => {
        granted.push(id);
        permits.set(id, permit);
      },
      (error: unknown) => failures.set(id, error),
    );
    return request;
  }
  function permit(id: string): Permit {
    const found = permits.get(id);
    if (!found) throw new Error(`${id} has no permit`);
    return found;
  }
  return { send, granted, permit, permits, failures };
}

/**
 * Fake timers at `T0` for each test of the file, and governors that are disposed after it:
 * `make` sets one up, `track` hands over one made otherwise.
 */
export function useGovernors() {
  const governors: Governor[] = [];
  beforeEach(() => {
    vi.useFakeTimers();
    vi.setSystemTime(T0);
  });
  afterEach(() => {
    for (const governor of governors.splice(0)) governor.dispose();
    vi.useRealTimers();
  });
  const track = (...made: Governor[]) => void governors.push(...made);
  const make = (options: Partial<RateLimitOptions> = {}) => {
    const made = setup(options);
    track(made.governor);
    return made;
  };
  return { make, track };
}
