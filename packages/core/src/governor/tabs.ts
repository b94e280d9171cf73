import type { BudgetMessage, ChannelLike, SharedBudget } from './broadcast.js';
import type { BurstWindow } from './burst.js';
import type { Hold } from './hold.js';
import { mainScope } from './options.js';
import { PageChannel, type PageMember } from './page-channel.js';
import type { ScopeState, Scopes } from './scopes.js';

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
  /**
   * Another governor's news was taken in: `longer` when a known wait may have grown, `opening`
   * when it told a budget, which may let a waiter go (sends alone only ever close the way).
   */
  heard(longer: boolean, opening: boolean): void;
}

/** News of one scope: sends, and what the sender knows of its budget and holds. */
type Update = Extract<BudgetMessage, { type: 'update' }>;

/** Per scope (`undefined`: main), what one task changed: sends, and whether holds did. */
type Outbox = Map<string | undefined, { sends: number; holds: boolean }>;

/**
 * Tab sharing: the budget belongs to the key, not to the tab, so the governors of one origin
 * tell each other what they send, learn and are asked to wait. Governors of one page hear each
 * other at once through their {@link PageChannel}; other tabs hear over its `BroadcastChannel`,
 * the changes of one task in one message per scope at its end. A tab hears of another's sends
 * a moment late, so while other tabs are active each send is followed by a yield (the next
 * waits for a fresh task, letting their messages in) and the governor keeps one request of a
 * window per other tab unspent; a sibling in the same page needs neither. Past the moment the
 * page's hello would have been answered, it posts only once another tab has spoken: a lone tab
 * pays no `postMessage` per send.
 */
export class Tabs implements PageMember {
  readonly #page: PageChannel<Tabs> | undefined;
  readonly #host: TabHost;
  /** Other tabs heard from lately (as of the last {@link Tabs.countActive}); siblings not counted. */
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

  /**
   * Joins the page's channel `name` (none with `false`) and takes in what the page's other
   * governors know, so that a client made during a hold or on a spent budget knows it at once.
   */
  constructor(
    name: string | false,
    host: TabHost,
    factory?: (name: string) => ChannelLike | undefined,
  ) {
    this.#host = host;
    if (name === false) return;
    this.#page = PageChannel.join(name, factory, this, host.now);
    for (const sibling of this.#page.members) {
      if (sibling === this) continue;
      sibling.#greet((scope, holding) => {
        this.#take({ type: 'update', sends: 0, ...named(scope), ...sibling.#news(scope, holding) });
      });
    }
  }

  /** Notes one of our sends in `scope`: the page's other governors count it now, other tabs at the end of the task. */
  sent(scope: ScopeState<unknown>): void {
    const page = this.#page;
    if (!page) return;
    if (page.members.size > 1) this.#tellSiblings({ type: 'update', sends: 1, ...named(scope) });
    if (!this.#heard()) return;
    this.#entry(tabScope(scope)).sends++;
    this.#flushSoon();
    if (this.activePeers > 0) this.yielding = true;
  }

  /** Tells `scope`'s budget (and, with `holds`, its holds) to the page's other governors now, and to other tabs. */
  share(scope: ScopeState<unknown>, holds = false): void {
    const name = tabScope(scope);
    if ((this.#page?.members.size ?? 0) > 1) {
      this.#tellSiblings({
        type: 'update',
        sends: 0,
        ...named(scope),
        ...this.#news(scope, holds),
      });
    }
    this.#mark(name, holds);
  }

  /** Forgets tabs silent for a while and returns how many others are active at `now`. */
  countActive(now: number): number {
    this.activePeers = this.#page?.countActive(now) ?? 0;
    return this.activePeers;
  }

  close(): void {
    this.#closed = true;
    this.#page?.leave(this);
  }

  /** Another tab's message (see {@link PageMember}). */
  hearTab(message: BudgetMessage, newcomer: boolean): void {
    if (this.#closed || message.type === 'bye') return;
    if (message.type === 'update') {
      // A tab first heard of now missed what we told nobody: tell it what we know.
      if (newcomer) this.#greet((scope, holding) => this.#mark(tabScope(scope), holding));
      this.#receive(message);
      return;
    }
    this.#greet((scope, holding) => this.#mark(tabScope(scope), holding));
    // Always answer a hello, so that the new tab knows someone listens.
    this.#mark(undefined, false);
  }

  #tellSiblings(message: Update): void {
    for (const sibling of this.#page?.members ?? []) {
      if (sibling !== this && !sibling.#closed) sibling.#receive(message);
    }
  }

  /** Another governor's news, taken in and acted on. */
  #receive(message: Update): void {
    this.#host.heard(this.#take(message), message.budget !== undefined);
  }

  /**
   * Takes in another governor's news: its sends first (its budget view already counts them),
   * then holds. Returns whether a known wait may have grown (waiters' caps are checked again).
   */
  #take(message: Update): boolean {
    const { scopes, burst, outage } = this.#host;
    const now = this.#host.now();
    if (message.sends > 0) burst.record(now, message.sends, true);
    const scope = scopes.named(message.scope);
    let longer = false;
    if (scope) {
      const spent = scope.budget.spentUntil(this.activePeers);
      if (message.sends > 0) scope.budget.recordOtherSends(message.sends);
      // Another governor's view needs no ageing: it counts every send it had heard of.
      if (message.budget) scope.budget.learn(message.budget, scope.budget.sends, now);
      if (message.blockedUntil !== undefined) {
        longer = scope.hold.set(message.blockedUntil, 'rate_limited');
      }
      longer ||= scope.budget.spentUntil(this.activePeers) !== spent;
    }
    if (message.outage !== undefined) {
      longer = outage.set(message.outage, 'service_unavailable') || longer;
    }
    return longer;
  }

  /** For a governor that just opened: `tell` every scope whose budget we know or that holds. */
  #greet(tell: (scope: ScopeState<unknown>, holding: boolean) => void): void {
    const { scopes, outage } = this.#host;
    const now = this.#host.now();
    for (const scope of scopes.all()) {
      const holding = scope.hold.activeAt(now) || (scope === scopes.main && outage.activeAt(now));
      if (scope.budget.confirmed || holding) tell(scope, holding);
    }
  }

  /** What others should hear about `scope` (by name as messages give it); `withHolds` adds its holds. */
  #news(scope: ScopeState<unknown> | string | undefined, withHolds: boolean): ScopeNews {
    const { scopes, outage } = this.#host;
    const state = typeof scope === 'object' ? scope : scopes.named(scope);
    const news: ScopeNews = {};
    if (!state) return news;
    const { limit, remaining, resetAt, confirmed } = state.budget;
    if (confirmed && limit !== undefined && remaining !== undefined && resetAt !== undefined) {
      news.budget = { limit, remaining, resetAt };
    }
    if (!withHolds) return news;
    const now = this.#host.now();
    if (state.hold.activeAt(now)) news.blockedUntil = state.hold.until;
    if (state === scopes.main && outage.activeAt(now)) news.outage = outage.until;
    return news;
  }

  /** Whether another tab may hear us (see `PageChannel.heard`). */
  #heard(): boolean {
    return this.#page?.heard(this.#host.now()) ?? false;
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
    if (this.#pending) return;
    this.#pending = true;
    queueMicrotask(() => {
      const outbox = this.#outbox;
      this.#outbox = new Map();
      this.#pending = false;
      if (this.#closed) return;
      for (const [scope, { sends, holds }] of outbox) {
        const message: BudgetMessage = { type: 'update', sends, ...this.#news(scope, holds) };
        if (scope !== undefined) message.scope = scope;
        this.#page?.post(message);
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

/** The `scope` field of an update about `scope` (absent for the main one). */
function named(scope: ScopeState<unknown>): { scope?: string } {
  return scope.name === mainScope ? {} : { scope: scope.name };
}
