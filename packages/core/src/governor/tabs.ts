import {
  BudgetChannel,
  type BudgetMessage,
  type ChannelLike,
  type Received,
  type SharedBudget,
} from './broadcast.js';
import type { BurstWindow } from './burst.js';
import type { Hold } from './hold.js';
import { mainScope } from './options.js';
import type { ScopeState, Scopes } from './scopes.js';

/** Another tab counts as active this long after its last message (see `yielding`). */
const peerActiveMs = 10_000;
/** How long after its hello a tab posts without having heard anyone: the answers are on their way. */
const helloAnswerMs = 1_000;

/**
 * What tab sharing reads and changes in its governor: the budgets, holds and burst the key's
 * tabs have in common. The governor keeps the lines and decides who goes; this is all it shows.
 */
export interface TabHost {
  readonly scopes: Scopes<unknown>;
  readonly burst: BurstWindow;
  /** The outage hold of every request (told with the main scope). */
  readonly outage: Hold;
  readonly now: () => number;
  /** Another tab's news was taken in; `longer` when a known wait may have grown. */
  heard(longer: boolean): void;
}

/** Per scope (`undefined`: main), what one task changed: sends, and whether holds did. */
type Outbox = Map<string | undefined, { sends: number; holds: boolean }>;

/**
 * Tab sharing: the budget belongs to the key, not to the tab, so the governors of one origin
 * tell each other over a `BroadcastChannel` what they send, learn and are asked to wait.
 * Changes of one task go out in one message per scope at its end. A tab hears of another's
 * sends a moment late, so while others are active each send is followed by a yield (the
 * next waits for a fresh task, letting their messages in) and the governor keeps one request
 * of a window per other tab unspent. Past the moment its hello would have been answered, a
 * tab posts only once another has spoken: a lone tab pays no `postMessage` per send.
 */
export class Tabs {
  readonly #channel: BudgetChannel;
  readonly #host: TabHost;
  /** The other tabs on the channel, by id: when each last spoke. */
  readonly #peers = new Map<string, number>();
  /** Every other tab heard from and not gone (`bye`): whether anyone listens at all. */
  readonly #known = new Set<string>();
  /** Other tabs heard from lately (as of the last {@link Tabs.countActive}). */
  activePeers = 0;
  /**
   * Set after a send while another tab is active: the next send waits for a fresh task, so
   * that the other tab's messages arrive in between and both count each other's sends.
   * Without it, two tabs would each spend the whole remaining budget at once.
   */
  yielding = false;
  #outbox: Outbox = new Map();
  #pending = false;
  #closed = false;
  /** Until then this tab posts even though nobody answered its hello yet. */
  readonly #helloUntil: number;

  constructor(
    name: string | false,
    host: TabHost,
    factory?: (name: string) => ChannelLike | undefined,
  ) {
    this.#host = host;
    this.#helloUntil = host.now() + helloAnswerMs;
    this.#channel = new BudgetChannel(name, (received) => this.#hear(received), factory);
    this.#channel.post({ type: 'hello' });
  }

  /** Notes one of our sends in `scope`, told at the end of the task. */
  sent(scope: ScopeState<unknown>): void {
    if (!this.#heard()) return;
    this.#entry(tabScope(scope)).sends++;
    this.#flushSoon();
    if (this.activePeers > 0) this.yielding = true;
  }

  /** Marks `scope`'s budget (and, with `holds`, its holds) as news for the other tabs. */
  share(scope: ScopeState<unknown>, holds = false): void {
    this.#mark(tabScope(scope), holds);
  }

  /** Forgets tabs silent for a while and returns how many others are active at `now`. */
  countActive(now: number): number {
    for (const [id, seen] of this.#peers) {
      if (now - seen >= peerActiveMs) this.#peers.delete(id);
    }
    this.activePeers = this.#peers.size;
    return this.activePeers;
  }

  close(): void {
    this.#closed = true;
    if (this.#known.size > 0) this.#channel.post({ type: 'bye' });
    this.#channel.close();
  }

  #hear({ from, message }: Received): void {
    if (this.#closed) return;
    if (message.type === 'bye') {
      this.#known.delete(from);
      this.#peers.delete(from);
      return;
    }
    const newcomer = !this.#known.has(from);
    this.#known.add(from);
    this.#peers.set(from, this.#host.now());
    if (message.type === 'update') {
      // A tab first heard of now missed what we told nobody: tell it what we know.
      if (newcomer) this.#greet();
      this.#receive(message);
      return;
    }
    this.#greet();
    // Always answer a hello, so that the new tab knows someone listens.
    this.#mark(undefined, false);
  }

  /** Another tab's news: its sends first (its budget view already counts them), then holds. */
  #receive(message: Extract<BudgetMessage, { type: 'update' }>): void {
    const { scopes, burst, outage } = this.#host;
    const now = this.#host.now();
    if (message.sends > 0) burst.record(now, message.sends);
    const scope = scopes.named(message.scope);
    // Waiters are checked against their caps again only when a known wait may have grown.
    let longer = false;
    if (scope) {
      const spent = scope.budget.spentUntil(this.activePeers);
      if (message.sends > 0) scope.budget.recordOtherSends(message.sends);
      // Another tab's view needs no ageing: it counts every send it had heard of.
      if (message.budget) scope.budget.learn(message.budget, scope.budget.sends, now);
      if (message.blockedUntil !== undefined) {
        longer = scope.hold.set(message.blockedUntil, 'rate_limited');
      }
      longer ||= scope.budget.spentUntil(this.activePeers) !== spent;
    }
    if (message.outage !== undefined) {
      longer = outage.set(message.outage, 'service_unavailable') || longer;
    }
    this.#host.heard(longer);
  }

  /** A tab just opened: tell it every budget we know and every hold in force. */
  #greet(): void {
    const { scopes, outage } = this.#host;
    const now = this.#host.now();
    for (const scope of scopes.all()) {
      const holding = scope.hold.activeAt(now) || (scope === scopes.main && outage.activeAt(now));
      if (scope.budget.confirmed || holding) this.share(scope, holding);
    }
  }

  /** What the other tabs should hear about one scope at the end of this task. */
  #news(name: string | undefined, withHolds: boolean): ScopeNews {
    const scope = this.#host.scopes.named(name);
    const news: ScopeNews = {};
    if (!scope) return news;
    const { limit, remaining, resetAt, confirmed } = scope.budget;
    if (confirmed && limit !== undefined && remaining !== undefined && resetAt !== undefined) {
      news.budget = { limit, remaining, resetAt };
    }
    if (!withHolds) return news;
    const now = this.#host.now();
    if (scope.hold.activeAt(now)) news.blockedUntil = scope.hold.until;
    const { outage } = this.#host;
    if (name === undefined && outage.activeAt(now)) news.outage = outage.until;
    return news;
  }

  /** Whether another tab may hear us: one has spoken, or our hello may still be answered. */
  #heard(): boolean {
    if (!this.#channel.open) return false;
    return this.#known.size > 0 || this.#host.now() < this.#helloUntil;
  }

  #mark(scope: string | undefined, holds: boolean): void {
    if (!this.#heard()) return;
    const entry = this.#entry(scope);
    entry.holds ||= holds;
    this.#flushSoon();
  }

  #entry(scope: string | undefined): { sends: number; holds: boolean } {
    let entry = this.#outbox.get(scope);
    if (!entry) {
      entry = { sends: 0, holds: false };
      this.#outbox.set(scope, entry);
    }
    return entry;
  }

  #flushSoon(): void {
    if (this.#pending || !this.#channel.open) return;
    this.#pending = true;
    queueMicrotask(() => {
      const outbox = this.#outbox;
      this.#outbox = new Map();
      this.#pending = false;
      if (this.#closed) return;
      for (const [scope, { sends, holds }] of outbox) {
        const message: BudgetMessage = { type: 'update', sends, ...this.#news(scope, holds) };
        if (scope !== undefined) message.scope = scope;
        this.#channel.post(message);
      }
    });
  }
}

/** What one scope has to tell the other tabs when this task ends. */
interface ScopeNews {
  budget?: SharedBudget;
  /** The end of the scope's rate hold, epoch ms. */
  blockedUntil?: number;
  /** The end of the outage hold of everyone, epoch ms (told with the main scope). */
  outage?: number;
}

/** How a scope is named in tab messages: the main scope by no name. */
function tabScope(scope: ScopeState<unknown>): string | undefined {
  return scope.name === mainScope ? undefined : scope.name;
}
