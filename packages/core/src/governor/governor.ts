import type { RateLimitState } from '../types/client.js';
import type { RateLimitOptions } from '../types/options.js';
import { parseRateLimit, parseServerWait } from '../utils/headers.js';
import { BudgetChannel, type BudgetMessage, type Received } from './broadcast.js';
import { Budget } from './budget.js';
import { BurstWindow } from './burst.js';
import { normalizeRateLimitOptions } from './options.js';
import { type PoolSlots, Pools, poolPath } from './pools.js';
import { Line, type Place } from './queue.js';
import type {
  AttemptOutcome,
  GovernedRequest,
  Governor,
  GovernorDeps,
  GovernorEvent,
  Permit,
} from './types.js';

const defaultMarginMs = 250;
/** The burst limit counts sends in a window of this length (the API's "per second"). */
const burstWindowMs = 1000;
/** Added to the burst window: the time a request may take to reach the server varies. */
const burstMarginMs = 50;
/** A 429 that says neither `Retry-After` nor a reset still means "not now": wait this long. */
const unexplained429WaitMs = 1000;
/** Another tab counts as active this long after its last message (see `#yielding`). */
const peerActiveMs = 10_000;

/** A request waiting in line for a pool slot or for the budget. */
interface Waiter {
  readonly method: string;
  readonly url: string;
  readonly pool: PoolSlots<Waiter> | undefined;
  readonly since: number;
  readonly signal: AbortSignal | undefined;
  readonly resolve: (permit: Permit) => void;
  readonly reject: (reason: unknown) => void;
  holdsSlot: boolean;
  /** Whether a `queued` event was reported (so a `released` one follows). */
  waited: boolean;
  onAbort: (() => void) | undefined;
}

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
  readonly #setTimeout: (callback: () => void, ms: number) => unknown;
  readonly #clearTimeout: (handle: unknown) => void;
  readonly #onEvent: ((event: GovernorEvent) => void) | undefined;
  readonly #marginMs: number;
  readonly #budget: Budget;
  readonly #burst: BurstWindow;
  readonly #pools: Pools<Waiter>;
  /** Requests that have their pool slot (if any) and wait for the budget, by arrival. */
  readonly #line = new Line<Waiter>();
  readonly #channel: BudgetChannel;
  readonly #listeners = new Set<(state: RateLimitState) => void>();
  #inFlight = 0;
  #queued = 0;
  #seq = 0;
  #blockedUntil: number | undefined;
  #timer: unknown;
  #timerAt: number | undefined;
  /** The other tabs on the channel, by id: when each last spoke. */
  readonly #peers = new Map<string, number>();
  /** Other tabs heard from lately, counted when the budget changes hands (see `#openingAt`). */
  #activePeers = 0;
  /**
   * Set after a send while another tab is active: the next send waits for a fresh task, so
   * that the other tab's `send` messages arrive in between and both count each other's
   * sends. Without it, two tabs would each spend the whole remaining budget at once.
   */
  #yielding = false;
  /** What this task changed, told to the other tabs in one message at its end. */
  #outbox = { sends: 0, blocked: false, pending: false };
  #snapshot: RateLimitState | undefined;
  #notifying = false;
  #disposed = false;

  constructor(options: RateLimitOptions, deps: GovernorDeps) {
    this.#now = deps.now ?? Date.now;
    this.#setTimeout = deps.setTimeout ?? ((callback, ms) => globalThis.setTimeout(callback, ms));
    this.#clearTimeout =
      deps.clearTimeout ??
      ((handle) => globalThis.clearTimeout(handle as ReturnType<typeof setTimeout>));
    this.#onEvent = deps.onEvent;
    this.#marginMs = deps.marginMs ?? defaultMarginMs;
    this.#budget = new Budget(options.initialConcurrency, this.#marginMs);
    this.#burst = new BurstWindow(options.burstPerSecond, burstWindowMs, burstMarginMs);
    this.#pools = new Pools<Waiter>(options.pools);
    this.#channel = new BudgetChannel(
      options.broadcastChannel,
      (message) => this.#receive(message),
      deps.channelFactory,
    );
    this.#channel.post({ type: 'hello' });
  }

  acquire(request: GovernedRequest): Promise<Permit> {
    if (this.#disposed) return Promise.reject(disposedError());
    const { signal } = request;
    if (signal?.aborted) return Promise.reject(signal.reason);
    const method = request.method.toUpperCase();
    const pool = this.#pools.find(method, poolPath(request.path));
    const now = this.#now();
    return new Promise<Permit>((resolve, reject) => {
      const waiter: Waiter = {
        method,
        url: request.url ?? request.path,
        pool,
        since: now,
        signal,
        resolve,
        reject,
        holdsSlot: false,
        waited: false,
        onAbort: undefined,
      };
      const seq = ++this.#seq;
      if (pool && !pool.open(now)) {
        this.#wait(waiter, pool.line, seq);
        this.#pump(); // sets the timer if the server closed the pool for a while
        return;
      }
      if (pool) {
        pool.held++;
        waiter.holdsSlot = true;
      }
      // Only an empty line may be overtaken; otherwise FIFO puts the newcomer behind it.
      if (this.#line.size === 0 && !this.#yielding && this.#openingAt(now) <= now) {
        this.#grant(waiter, now);
        return;
      }
      this.#wait(waiter, this.#line, seq);
      this.#pump();
    });
  }

  get state(): RateLimitState {
    this.#snapshot ??= this.#makeState();
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
    this.#channel.close();
    const error = disposedError();
    const waiters = [
      ...this.#pools.all().flatMap((pool) => pool.line.drain()),
      ...this.#line.drain(),
    ];
    for (const waiter of waiters) {
      this.#detach(waiter);
      waiter.reject(error);
    }
    this.#queued = 0;
    this.#listeners.clear();
  }

  /** Puts a waiter in `line`, reports it and makes it abortable. */
  #wait(waiter: Waiter, line: Line<Waiter>, seq: number): void {
    const place = line.push(waiter, seq);
    this.#queued++;
    waiter.waited = true;
    const { signal } = waiter;
    if (signal) {
      waiter.onAbort = () => this.#abort(place, signal.reason);
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

  /** Takes an aborted waiter out of whichever line it stands in now, freeing its slot. */
  #abort(place: Place<Waiter>, reason: unknown): void {
    if (!place.line?.remove(place)) return;
    const waiter = place.value;
    this.#queued--;
    waiter.onAbort = undefined;
    if (waiter.holdsSlot && waiter.pool) this.#freeSlot(waiter.pool);
    waiter.reject(reason);
    this.#changed();
    this.#pump();
  }

  /** Sends one request: spends the budget (here and in other tabs) and hands out its permit. */
  #grant(waiter: Waiter, now: number): void {
    const token = this.#budget.recordSend();
    const sentAt = this.#budget.sends;
    this.#burst.record(now);
    this.#inFlight++;
    this.#outbox.sends++;
    this.#share();
    if (this.#activePeers > 0) this.#yielding = true;
    this.#detach(waiter);
    if (waiter.waited) {
      this.#emit({
        type: 'released',
        method: waiter.method,
        url: waiter.url,
        ...(waiter.pool ? { pool: waiter.pool.name } : {}),
        waitedMs: now - waiter.since,
      });
    }
    this.#changed();
    waiter.resolve(this.#permit(waiter, sentAt, token));
  }

  #permit(waiter: Waiter, sentAt: number, token: number): Permit {
    const { pool } = waiter;
    let released = false;
    let retained = false;
    return {
      pool: pool?.name,
      release: (outcome) => {
        if (released) return;
        released = true;
        if (this.#disposed) return;
        this.#inFlight--;
        this.#learn(outcome, sentAt, token, pool);
        if (pool && !retained) this.#freeSlot(pool);
        this.#changed();
        this.#pump();
      },
      retainSlot: () => {
        if (released) throw new Error('retainSlot() must be called before release()');
        if (!pool || retained) return () => {};
        retained = true;
        let ended = false;
        return () => {
          if (ended || this.#disposed) return;
          ended = true;
          this.#freeSlot(pool);
          this.#pump();
        };
      },
    };
  }

  /** Learns the budget, slow start and any wait the server asked for from one response. */
  #learn(
    outcome: AttemptOutcome | undefined,
    sentAt: number,
    token: number,
    pool: PoolSlots<Waiter> | undefined,
  ): void {
    const budget = this.#budget;
    if (!outcome) {
      budget.answered(token, 'none');
      return;
    }
    const { status, headers } = outcome;
    const now = this.#now();
    const view = parseRateLimit(headers, now);
    const refused = status === 429 || status === 503;
    budget.answered(token, refused ? 'refused' : 'ok');
    if (view && budget.learn(view, sentAt)) this.#share();
    if (!refused) return;
    // docs/retry-rule.md: Retry-After wins, else the reset; a bare 429 still means "not right now".
    const wait =
      parseServerWait(status, headers, now) ?? (status === 429 ? unexplained429WaitMs : 0);
    const until = now + wait;
    if (wait <= 0) return;
    // A 429 with budget left refused the pool (say, a sixth export job), not the rate limit:
    // only that pool waits, the rest of the traffic goes on.
    if (pool && status === 429 && (view?.remaining ?? 0) > 0) {
      pool.blockedUntil = Math.max(pool.blockedUntil ?? 0, until);
      return;
    }
    if (this.#block(until)) {
      this.#outbox.blocked = true;
      this.#share();
    }
  }

  /** Holds everyone until `until`; true when that is later than the hold already in place. */
  #block(until: number): boolean {
    if (this.#blockedUntil !== undefined && this.#blockedUntil >= until) return false;
    this.#blockedUntil = until;
    this.#changed();
    return true;
  }

  /** Tells the other tabs what changed, once at the end of this task. */
  #share(): void {
    if (this.#outbox.pending || !this.#channel.open) return;
    this.#outbox.pending = true;
    queueMicrotask(() => {
      const { sends, blocked } = this.#outbox;
      this.#outbox = { sends: 0, blocked: false, pending: false };
      if (this.#disposed) return;
      const message: BudgetMessage = { type: 'update', sends };
      const { limit, remaining, resetAt } = this.#budget;
      const known = limit !== undefined && remaining !== undefined && resetAt !== undefined;
      if (known && this.#budget.confirmed) message.budget = { limit, remaining, resetAt };
      if (blocked && this.#blockedUntil !== undefined) message.blockedUntil = this.#blockedUntil;
      this.#channel.post(message);
    });
  }

  #receive({ from, message }: Received): void {
    if (this.#disposed) return;
    const now = this.#now();
    this.#peers.set(from, now);
    if (message.type === 'hello') {
      // Someone new: tell what we know (an update with no sends carries the budget and wait).
      this.#outbox.blocked = this.#blockedUntil !== undefined && this.#blockedUntil > now;
      if (this.#budget.confirmed || this.#outbox.blocked) this.#share();
      return;
    }
    // The sender's sends first: its budget view already counts them.
    if (message.sends > 0) {
      this.#budget.recordOtherSends(message.sends);
      this.#burst.record(now, message.sends);
    }
    // Another tab's view needs no ageing: it counts every send it had heard of.
    if (message.budget) this.#budget.learn(message.budget, this.#budget.sends);
    if (message.blockedUntil !== undefined) this.#block(message.blockedUntil);
    this.#changed();
    this.#pump();
  }

  /** Gives a pool slot back and hands it to the first of that pool's line. */
  #freeSlot(pool: PoolSlots<Waiter>): void {
    pool.held--;
    this.#fillSlots(pool, this.#now());
  }

  /** Hands the pool's free slots to the first of its line, who then wait for the budget. */
  #fillSlots(pool: PoolSlots<Waiter>, now: number): void {
    while (pool.line.size > 0 && pool.free(now)) {
      const place = pool.line.shift();
      if (!place) break;
      pool.held++;
      place.value.holdsSlot = true;
      // It keeps its arrival order for the budget: waiting for the pool cost it no place.
      this.#line.insert(place);
    }
  }

  /** Lets go every waiter the budget allows now, then sets the timer for the next opening. */
  #pump(): void {
    if (this.#disposed) return;
    const now = this.#now();
    for (const pool of this.#pools.all()) this.#fillSlots(pool, now);
    let opening = this.#openingAt(now);
    while (this.#line.size > 0 && !this.#yielding && opening <= now) {
      const place = this.#line.shift();
      if (!place) break;
      this.#queued--;
      this.#grant(place.value, now);
      opening = this.#openingAt(now);
    }
    this.#schedule(now, opening);
  }

  /** The earliest time the next request may go (`Infinity`: when a response arrives). */
  #openingAt(now: number): number {
    if (this.#budget.tick(now)) this.#changed();
    if (this.#blockedUntil !== undefined && this.#blockedUntil <= now) {
      this.#blockedUntil = undefined;
      this.#changed();
    }
    // Tabs learn of each other's sends only a moment later: while others are active, each
    // leaves one request per other tab unspent, so that two never take the last one at once.
    this.#activePeers = this.#countActivePeers(now);
    return Math.max(
      this.#blockedUntil ?? now,
      this.#budget.openingAt(now, this.#activePeers),
      this.#burst.openingAt(now),
    );
  }

  #countActivePeers(now: number): number {
    if (this.#peers.size === 0) return 0;
    for (const [id, seen] of this.#peers) {
      if (now - seen >= peerActiveMs) this.#peers.delete(id);
    }
    return this.#peers.size;
  }

  /** Keeps one timer: for the next opening, or, when idle, for the state to catch up with time. */
  #schedule(now: number, opening: number): void {
    let at = this.#line.size > 0 ? opening : Number.POSITIVE_INFINITY;
    // A fresh task ends the yield whatever else the line waits for (see `#yielding`).
    if (this.#line.size > 0 && this.#yielding) at = now;
    // A pool refused by the server opens again by itself.
    for (const pool of this.#pools.all()) {
      if (pool.line.size > 0 && pool.blockedUntil !== undefined)
        at = Math.min(at, pool.blockedUntil);
    }
    if (this.#line.size === 0) {
      if (this.#blockedUntil !== undefined) at = Math.min(at, this.#blockedUntil);
      const { resetAt } = this.#budget;
      if (this.#budget.confirmed && resetAt !== undefined) {
        at = Math.min(at, resetAt + this.#marginMs);
      }
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
        this.#yielding = false;
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

  #makeState(): RateLimitState {
    const { limit, remaining, resetAt } = this.#budget;
    const state: RateLimitState = { queued: this.#queued, inFlight: this.#inFlight };
    if (limit !== undefined) state.limit = limit;
    if (remaining !== undefined) state.remaining = remaining;
    // After a reset has passed, the old time would only mislead until the new one is known.
    if (resetAt !== undefined && this.#budget.confirmed) state.resetAt = resetAt;
    if (this.#blockedUntil !== undefined) state.blockedUntil = this.#blockedUntil;
    return Object.freeze(state);
  }
}

function disposedError(): DOMException {
  return new DOMException('The rate-limit governor was disposed', 'AbortError');
}
