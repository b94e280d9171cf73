import { serverWaitJitterMs } from '../retry/backoff.js';
import type { RateLimitState } from '../types/client.js';
import type { RateLimitOptions } from '../types/options.js';
import { parseRateLimit, parseServerWait } from '../utils/headers.js';
import { BurstWindow } from './burst.js';
import { Hold, type HoldCause } from './hold.js';
import { normalizeRateLimitOptions } from './options.js';
import { type Grant, GrantedPermit, type PermitSettle } from './permit.js';
import { PoolSlots, type Pools, poolPath } from './pools.js';
import type { Line, Place } from './queue.js';
import { refusalOf } from './refusal.js';
import { RouteTable } from './routes.js';
import { type ScopeState, Scopes } from './scopes.js';
import { governorState } from './state.js';
import { Tabs } from './tabs.js';
import type {
  AttemptOutcome,
  GovernedRequest,
  Governor,
  GovernorDeps,
  GovernorEvent,
  Permit,
} from './types.js';
import { GovernorWaitError } from './wait-error.js';
import type { Waiter } from './waiter.js';

const defaultMarginMs = 250;
/** The burst limit counts sends in a window of this length (the API's "per second"). */
const burstWindowMs = 1000;
/** Added to the burst window: the time a request may take to reach the server varies. */
const burstMarginMs = 50;
/** A 429 that says neither `Retry-After` nor a reset still means "not now": wait this long. */
const unexplained429WaitMs = 1000;

/**
 * Creates a rate-limit governor (see {@link Governor}). `options` are filled with
 * `defaultRateLimitOptions`; `deps` replace the clock, timers, channel and event sink.
 *
 * @example
 * const governor = createGovernor({ burstPerSecond: 10 });
 * const permit = await governor.acquire({ method: 'GET', path: '/datasets/', signal });
 * try {
 *   const response = await fetch(url, { signal });
 *   permit.release(response);
 * } catch (error) {
 *   permit.release();
 *   throw error;
 * }
 */
export function createGovernor(
  options?: Partial<RateLimitOptions>,
  deps: GovernorDeps = {},
): Governor {
  return new RateLimitGovernor(normalizeRateLimitOptions(options), deps);
}

class RateLimitGovernor implements Governor {
  readonly #now: () => number;
  readonly #random: () => number;
  readonly #setTimeout: (callback: () => void, ms: number) => unknown;
  readonly #clearTimeout: (handle: unknown) => void;
  readonly #onEvent: ((event: GovernorEvent) => void) | undefined;
  readonly #scopes: Scopes<Waiter>;
  readonly #burst: BurstWindow;
  readonly #pools: Pools<Waiter>;
  /** An outage (503) holds every request, whatever its scope or pool. */
  readonly #outage = new Hold();
  readonly #tabs: Tabs;
  readonly #listeners = new Set<(state: RateLimitState) => void>();
  #inFlight = 0;
  #seq = 0;
  /** Set when a known wait may have grown: waiters whose cap it now exceeds are failed. */
  #recheck = false;
  #timer: unknown;
  #timerAt: number | undefined;
  #snapshot: RateLimitState | undefined;
  #notifying = false;
  #disposed = false;
  #pumping = false;
  #pumpAgain = false;

  constructor(options: RateLimitOptions, deps: GovernorDeps) {
    this.#now = deps.now ?? Date.now;
    this.#random = deps.random ?? Math.random;
    this.#setTimeout = deps.setTimeout ?? ((callback, ms) => globalThis.setTimeout(callback, ms));
    this.#clearTimeout =
      deps.clearTimeout ??
      ((handle) => globalThis.clearTimeout(handle as ReturnType<typeof setTimeout>));
    this.#onEvent = deps.onEvent;
    const marginMs = deps.marginMs ?? defaultMarginMs;
    this.#scopes = new Scopes<Waiter>(options.scopes, options.initialConcurrency, marginMs);
    this.#burst = new BurstWindow(options.burstPerSecond, burstWindowMs, burstMarginMs);
    this.#pools = new RouteTable(options.pools, (pool) => new PoolSlots<Waiter>(pool));
    this.#tabs = new Tabs(
      options.broadcastChannel,
      {
        scopes: this.#scopes,
        burst: this.#burst,
        outage: this.#outage,
        now: this.#now,
        heard: (longer, opening) => this.#heard(longer, opening),
      },
      deps.channelFactory,
    );
  }

  acquire(request: GovernedRequest): Promise<Permit> {
    if (this.#disposed) return Promise.reject(disposedError());
    const { signal } = request;
    if (signal?.aborted) return Promise.reject(signal.reason);
    const method = request.method.toUpperCase();
    const path = poolPath(request.path);
    const pool = this.#pools.find(method, path);
    const scope = this.#scopes.find(method, path);
    const now = this.#now();
    return new Promise<Permit>((resolve, reject) => {
      const waiter: Waiter = {
        method,
        url: request.url ?? request.path,
        pool,
        scope,
        signal,
        maxWaitMs: request.maxWaitMs ?? Infinity,
        resolve,
        reject,
        holdsSlot: false,
        probes: undefined,
        queuedAt: undefined,
        onAbort: undefined,
      };
      const tooLong = this.#tooLong(waiter, now);
      if (tooLong) {
        reject(tooLong);
        return;
      }
      const seq = ++this.#seq;
      if (pool && !pool.open(now)) {
        this.#wait(waiter, pool.line, seq, now);
        this.#pump(); // sets the timer if the server closed the pool for a while
        return;
      }
      if (pool) this.#takeSlot(pool, waiter, now);
      // Only an empty line may be overtaken; otherwise FIFO puts the newcomer behind it.
      if (scope.line.size === 0 && !this.#tabs.yielding && this.#openingAt(scope, now) <= now) {
        this.#grant(waiter, now);
        return;
      }
      this.#wait(waiter, scope.line, seq, now);
      this.#pump();
    });
  }

  get state(): RateLimitState {
    this.#snapshot ??= governorState(this.#scopes, this.#pools, this.#outage, this.#inFlight);
    return this.#snapshot;
  }

  subscribe(listener: (state: RateLimitState) => void): () => void {
    this.#listeners.add(listener);
    return () => {
      this.#listeners.delete(listener);
    };
  }

  dispose(): void {
    if (this.#disposed) return;
    this.#disposed = true;
    this.#clearTimer();
    this.#tabs.close();
    const error = disposedError();
    for (const { line } of [...this.#pools.values, ...this.#scopes.all]) {
      for (const waiter of line.drain()) {
        this.#detach(waiter);
        waiter.reject(error);
      }
    }
    this.#listeners.clear();
  }

  /** Puts a waiter in `line`, reports it and makes it abortable. */
  #wait(waiter: Waiter, line: Line<Waiter>, seq: number, now: number): void {
    const place = line.push(waiter, seq);
    waiter.queuedAt = now;
    const { signal } = waiter;
    if (signal) {
      waiter.onAbort = () => this.#leave(place, signal.reason);
      signal.addEventListener('abort', waiter.onAbort, { once: true });
    }
    this.#emit({
      type: 'queued',
      method: waiter.method,
      url: waiter.url,
      ...(waiter.pool ? { pool: waiter.pool.name } : {}),
      position: line.size,
    });
    this.#changed();
  }

  /** Takes a waiter out of whichever line it stands in now, freeing its slot, and rejects it. */
  #leave(place: Place<Waiter>, reason: unknown, pump = true): void {
    if (!place.line?.remove(place)) return;
    const waiter = place.value;
    this.#detach(waiter);
    // A probe that never went must not leave the rest waiting for its answer.
    for (const hold of waiter.probes ?? []) hold.probeAnswered('none');
    if (waiter.holdsSlot && waiter.pool) this.#freeSlot(waiter.pool);
    waiter.reject(reason);
    this.#changed();
    if (pump) this.#pump();
  }

  #takeSlot(pool: PoolSlots<Waiter>, waiter: Waiter, now: number): void {
    pool.held++;
    waiter.holdsSlot = true;
    // The first slot after a pool's hold is its probe: the next wait for its answer.
    this.#probe(waiter, pool.hold, now);
  }

  /**
   * Makes `waiter` the probe of `hold` if the hold has passed and its probe is due: the rest
   * wait for its answer. `probes` is made at the first (most requests probe nothing).
   */
  #probe(waiter: Waiter, hold: Hold, now: number): void {
    if (!hold.takeProbe(now)) return;
    waiter.probes ??= [];
    waiter.probes.push(hold);
  }

  /** Sends one request: spends its scope's budget (here and in other tabs), hands out its permit. */
  #grant(waiter: Waiter, now: number): void {
    const { scope } = waiter;
    const token = scope.budget.recordSend();
    const sentAt = scope.budget.sends;
    const burstTicket = this.#burst.record(now);
    this.#inFlight++;
    this.#tabs.sent(scope);
    this.#probe(waiter, this.#outage, now);
    this.#probe(waiter, scope.hold, now);
    this.#detach(waiter);
    if (waiter.queuedAt !== undefined) {
      this.#emit({
        type: 'released',
        method: waiter.method,
        url: waiter.url,
        ...(waiter.pool ? { pool: waiter.pool.name } : {}),
        waitedMs: now - waiter.queuedAt,
      });
    }
    this.#changed();
    waiter.resolve(
      new GrantedPermit(this.#settle, { waiter, sentAt, token, burstTicket, grantedAt: now }),
    );
  }

  /** What a {@link GrantedPermit} asks of its governor (one function for all of them). */
  readonly #settle: PermitSettle = {
    release: (grant, outcome, retained) => {
      if (this.#disposed) return;
      this.#inFlight--;
      // Answered (or given up on) now: it reached the server, if at all, before this.
      this.#burst.answered(grant.burstTicket, this.#now());
      const { waiter } = grant;
      const refused = this.#learn(outcome, grant);
      for (const hold of waiter.probes ?? []) {
        hold.probeAnswered(outcome === undefined ? 'none' : refused ? 'refused' : 'ok');
      }
      if (waiter.pool && !retained) this.#freeSlot(waiter.pool);
      this.#changed();
      this.#pump();
    },
    endRetained: (pool) => {
      if (this.#disposed) return false;
      this.#freeSlot(pool);
      this.#pump();
      return true;
    },
  };

  /**
   * Learns the budget, slow start and any wait the server asked for from one response;
   * returns whether it was a refusal (429/503).
   */
  #learn(outcome: AttemptOutcome | undefined, grant: Grant): boolean {
    const { waiter, sentAt, token, grantedAt } = grant;
    const { scope, pool } = waiter;
    const budget = scope.budget;
    const now = this.#now();
    if (!outcome) {
      budget.answered(token, 'none');
      // It may have been counted: it holds its unit for a window, as an answered send does.
      budget.sliding.answered(grantedAt, now, false, sentAt);
      return false;
    }
    const { status, headers } = outcome;
    const view = parseRateLimit(headers, now);
    const cause = refusalOf(status, view, outcome.code, pool !== undefined);
    budget.answered(token, cause ? 'refused' : 'ok');
    // With no budget told and no window known there is nothing to slide.
    if (view?.limit !== undefined || budget.sliding.windowMs !== undefined) {
      budget.sliding.observe(status, view, grantedAt, sentAt, now, cause === 'rate_limited');
    }
    const spent = budget.spentUntil(this.#tabs.activePeers);
    if (view && budget.learn(view, sentAt, now, true)) {
      this.#tabs.share(scope);
      // Waiters are checked against their caps again only when the known wait changed.
      if (budget.spentUntil(this.#tabs.activePeers) !== spent) this.#recheck = true;
    }
    if (!cause) return false;
    // docs/retry-rule.md: Retry-After wins, else the reset; a bare 429 still means "not right now".
    const wait =
      parseServerWait(status, headers, now) ?? (status === 429 ? unexplained429WaitMs : 0);
    // A wait the request itself will not sleep through fails it at once (docs/retry-rule.md);
    // that fail-fast must not leave everyone else held for the whole wait either.
    if (wait <= 0 || wait > waiter.maxWaitMs) return true;
    // A little spread, so that many clients told the same second do not all wake in it.
    const until = now + wait + serverWaitJitterMs(wait, this.#random);
    this.#hold(cause, until, scope, pool);
    return true;
  }

  /** Puts the hold of `cause` in place: a pool's, a scope's (rate), or everyone's (outage). */
  #hold(
    cause: HoldCause,
    until: number,
    scope: ScopeState<Waiter>,
    pool: PoolSlots<Waiter> | undefined,
  ): void {
    if (cause === 'concurrency_limited') {
      // Only the pool was full: the rest of the traffic goes on. Outside a pool nothing waits.
      if (pool?.hold.set(until)) this.#recheck = true;
      return;
    }
    const hold = cause === 'service_unavailable' ? this.#outage : scope.hold;
    if (!hold.set(until)) return;
    this.#recheck = true;
    this.#tabs.share(cause === 'service_unavailable' ? this.#scopes.main : scope, true);
    this.#changed();
  }

  /** Another governor's news is in (see `TabHost.heard`): check the caps again if a wait grew. */
  #heard(longer: boolean, opening: boolean): void {
    if (longer) this.#recheck = true;
    this.#changed();
    if (longer || opening) this.#pump();
  }

  /** Gives a pool slot back and hands it to the first of that pool's line. */
  #freeSlot(pool: PoolSlots<Waiter>): void {
    pool.held--;
    this.#fillSlots(pool, this.#now());
  }

  /** Hands the pool's free slots to the first of its line, who then wait for their budget. */
  #fillSlots(pool: PoolSlots<Waiter>, now: number): void {
    while (pool.line.size > 0 && pool.free(now)) {
      const place = pool.line.shift();
      if (!place) break;
      this.#takeSlot(pool, place.value, now);
      // It keeps its arrival order for the budget: waiting for the pool cost it no place.
      place.value.scope.line.insert(place);
    }
  }

  /** Lets go every waiter the budgets allow now, oldest first, then sets the timer. */
  #pump(): void {
    if (this.#disposed) return;
    // A sibling governor hearing our send may send and tell us back within this pump: the
    // loop below sees that anyway, so only the timer needs setting again afterwards.
    if (this.#pumping) {
      this.#pumpAgain = true;
      return;
    }
    this.#pumping = true;
    try {
      do {
        this.#pumpAgain = false;
        this.#pumpOnce();
      } while (this.#pumpAgain && !this.#disposed);
    } finally {
      this.#pumping = false;
    }
  }

  #pumpOnce(): void {
    const now = this.#now();
    for (const pool of this.#pools.values) this.#fillSlots(pool, now);
    if (this.#recheck) this.#failTooLong(now);
    while (!this.#tabs.yielding) {
      let next: ScopeState<Waiter> | undefined;
      let nextSeq = Infinity;
      for (const scope of this.#scopes.all) {
        const head = scope.line.head();
        if (!head || head.seq >= nextSeq || this.#openingAt(scope, now) > now) continue;
        next = scope;
        nextSeq = head.seq;
      }
      const place = next?.line.shift();
      if (!place) break;
      this.#grant(place.value, now);
    }
    this.#schedule(now);
  }

  /** Fails, at once, every waiter whose known wait has grown past its `maxWaitMs`. */
  #failTooLong(now: number): void {
    this.#recheck = false;
    const failed: [Place<Waiter>, GovernorWaitError][] = [];
    const visit = (place: Place<Waiter>) => {
      const error = this.#tooLong(place.value, now);
      if (error) failed.push([place, error]);
    };
    for (const pool of this.#pools.values) pool.line.forEach(visit);
    for (const scope of this.#scopes.all) scope.line.forEach(visit);
    for (const [place, error] of failed) this.#leave(place, error, false);
  }

  /**
   * The error for a request whose known wait — a hold of the outage, of its scope or of its
   * pool, or its scope's spent window — is longer than its `maxWaitMs`; else `undefined`.
   * Waits of unknown length (a pool slot, slow start, a probe's answer) are not counted.
   */
  #tooLong(waiter: Waiter, now: number): GovernorWaitError | undefined {
    if (!Number.isFinite(waiter.maxWaitMs)) return undefined;
    const { scope, pool } = waiter;
    const outageUntil = this.#outage.until ?? now;
    const rateUntil = Math.max(
      scope.hold.until ?? now,
      scope.budget.spentUntil(this.#tabs.activePeers) ?? now,
    );
    const poolUntil = (pool && !waiter.holdsSlot ? pool.hold.until : undefined) ?? now;
    const waitMs = Math.max(outageUntil, rateUntil, poolUntil) - now;
    if (waitMs <= Math.max(0, waiter.maxWaitMs)) return undefined;
    // The latest wait says why; on a tie the outage's, then the rate limit's, then the pool's.
    if (poolUntil > Math.max(outageUntil, rateUntil)) {
      return new GovernorWaitError(waitMs, 'concurrency_limited', pool?.name);
    }
    return new GovernorWaitError(
      waitMs,
      rateUntil > outageUntil ? 'rate_limited' : 'service_unavailable',
    );
  }

  /** The earliest time the next request of `scope` may go (`Infinity`: when a response arrives). */
  #openingAt(scope: ScopeState<Waiter>, now: number): number {
    // `tick` first: it gives units back and ends a window (the holds are only looked at).
    if (scope.budget.tick(now) || this.#outage.expired(now) || scope.hold.expired(now)) {
      this.#changed();
    }
    // Tabs learn of each other's sends only a moment later: while others are active, each
    // leaves one request per other tab unspent, of the budget and of the burst, so that two
    // never take the last one at once.
    const peers = this.#tabs.countActive(now);
    return Math.max(
      this.#outage.openingAt(now),
      scope.hold.openingAt(now),
      scope.budget.openingAt(now, peers),
      this.#burst.openingAt(now, peers),
    );
  }

  /** Keeps one timer: for the next opening, or, when idle, for the state to catch up with time. */
  #schedule(now: number): void {
    let at = Infinity;
    let waiting = false;
    for (const scope of this.#scopes.all) {
      const opening = this.#openingAt(scope, now);
      if (scope.line.size > 0) {
        waiting = true;
        at = Math.min(at, opening);
      }
      // Holds and windows that end change the state even with nobody waiting.
      const { hold, budget } = scope;
      at = Math.min(at, ahead(hold.until, now), ahead(budget.endsAt, now));
      at = Math.min(at, ahead(budget.sliding.nextAt, now));
    }
    at = Math.min(at, ahead(this.#outage.until, now));
    // A fresh task ends the yield whatever else the line waits for (see `Tabs.yielding`).
    if (waiting && this.#tabs.yielding) at = now;
    // A pool refused by the server opens again by itself (or its probe's patience ends).
    for (const pool of this.#pools.values) {
      if (pool.line.size > 0) at = Math.min(at, ahead(pool.hold.openingAt(now), now));
    }
    if (!Number.isFinite(at)) {
      this.#clearTimer();
      return;
    }
    if (this.#timerAt === at && this.#timer !== undefined) return;
    this.#clearTimer();
    this.#timerAt = at;
    const handle = this.#setTimeout(
      () => {
        this.#timer = undefined;
        this.#timerAt = undefined;
        this.#tabs.yielding = false;
        this.#pump();
      },
      Math.max(0, at - now),
    );
    // Waiting for a window to reset is no reason to keep a Node process alive.
    (handle as { unref?: () => void } | undefined)?.unref?.();
    this.#timer = handle;
  }

  #clearTimer(): void {
    if (this.#timer === undefined) return;
    this.#clearTimeout(this.#timer);
    this.#timer = undefined;
    this.#timerAt = undefined;
  }

  #detach(waiter: Waiter): void {
    if (waiter.onAbort && waiter.signal) {
      waiter.signal.removeEventListener('abort', waiter.onAbort);
    }
    waiter.onAbort = undefined;
  }

  #emit(event: GovernorEvent): void {
    const onEvent = this.#onEvent;
    if (!onEvent) return;
    try {
      onEvent(event);
    } catch (error) {
      // A failing listener must not wedge the line; let the error surface on its own.
      queueMicrotask(() => {
        throw error;
      });
    }
  }

  /** Marks the state stale and tells subscribers once per microtask. */
  #changed(): void {
    this.#snapshot = undefined;
    if (this.#notifying || this.#listeners.size === 0) return;
    this.#notifying = true;
    queueMicrotask(() => {
      this.#notifying = false;
      if (this.#disposed) return;
      const state = this.state;
      for (const listener of this.#listeners) listener(state);
    });
  }
}

/** `time` if it is still to come at `now`, else `Infinity`: what a timer may wait for. */
function ahead(time: number | undefined, now: number): number {
  return time !== undefined && time > now ? time : Infinity;
}

function disposedError(): DOMException {
  return new DOMException('The rate-limit governor was disposed', 'AbortError');
}
