import type { BudgetMessage, ChannelLike } from './broadcast.js';
import type { BurstWindow } from './burst.js';
import type { Hold } from './hold.js';
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
  /** Per scope, what this task changed for the other tabs: sends, and whether holds did. */
  readonly #outbox = new Map<ScopeState<unknown>, { sends: number; holds: boolean }>();
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
      sibling.#greet((scope, holding) => this.#take(sibling.#update(scope, 0, holding)));
    }
  }

  /** Notes one of our sends in `scope`: the page's other governors count it now, other tabs at the end of the task. */
  sent(scope: ScopeState<unknown>): void {
    const page = this.#page;
    if (!page) return;
    if (page.members.size > 1) this.#tellSiblings({ type: 'update', scope: scope.name, sends: 1 });
    if (this.#tellTabs(scope, 1, false) && this.activePeers > 0) this.yielding = true;
  }

  /** Tells `scope`'s budget (and, with `holds`, its holds) to the page's other governors now, and to other tabs. */
  share(scope: ScopeState<unknown>, holds = false): void {
    if ((this.#page?.members.size ?? 0) > 1) this.#tellSiblings(this.#update(scope, 0, holds));
    this.#tellTabs(scope, 0, holds);
  }

  /** How many other tabs are active at `now` (spoke lately). */
  countActive(now: number): number {
    this.activePeers = this.#page?.countActive(now) ?? 0;
    return this.activePeers;
  }

  close(): void {
    this.#closed = true;
    this.#page?.leave(this);
  }

  /** Another tab's message (see {@link PageMember}). */
  hearTab(message: Exclude<BudgetMessage, { type: 'bye' }>, newcomer: boolean): void {
    if (this.#closed) return;
    const update = message.type === 'update';
    // A tab first heard of now missed what we told nobody: tell it what we know.
    if (newcomer || !update) this.#greet((scope, holding) => this.#tellTabs(scope, 0, holding));
    if (update) this.#receive(message);
    // Always answer a hello, so that the new tab knows someone listens.
    else this.#tellTabs(this.#host.scopes.main, 0, false);
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
      if (message.blockedUntil !== undefined) longer = scope.hold.set(message.blockedUntil);
      longer ||= scope.budget.spentUntil(this.activePeers) !== spent;
    }
    if (message.outage !== undefined) longer = outage.set(message.outage) || longer;
    return longer;
  }

  /** For a governor that just opened: `tell` every scope whose budget we know or that holds. */
  #greet(tell: (scope: ScopeState<unknown>, holding: boolean) => void): void {
    const { scopes, outage } = this.#host;
    const now = this.#host.now();
    for (const scope of scopes.all) {
      const holding = scope.hold.activeAt(now) || (scope === scopes.main && outage.activeAt(now));
      if (scope.budget.confirmed || holding) tell(scope, holding);
    }
  }

  /**
   * What others should hear about `scope`: `sends` of ours, its confirmed budget, and with
   * `withHolds` the holds it is under (the outage's with the main scope).
   */
  #update(scope: ScopeState<unknown>, sends: number, withHolds: boolean): Update {
    const { budget, hold } = scope;
    const { limit, remaining, resetAt } = budget;
    const update: Update = { type: 'update', scope: scope.name, sends };
    if (
      budget.confirmed &&
      limit !== undefined &&
      remaining !== undefined &&
      resetAt !== undefined
    ) {
      update.budget = { limit, remaining, resetAt };
    }
    if (!withHolds) return update;
    const { scopes, outage } = this.#host;
    const now = this.#host.now();
    if (hold.activeAt(now)) update.blockedUntil = hold.until;
    if (scope === scopes.main && outage.activeAt(now)) update.outage = outage.until;
    return update;
  }

  /**
   * Notes `sends` and whether `holds` changed in `scope` for the other tabs, told in one message
   * at the end of the task; false when no other tab may hear us (see `PageChannel.heard`).
   */
  #tellTabs(scope: ScopeState<unknown>, sends: number, holds: boolean): boolean {
    if (!this.#page?.heard(this.#host.now())) return false;
    let entry = this.#outbox.get(scope);
    if (!entry) {
      entry = { sends: 0, holds: false };
      this.#outbox.set(scope, entry);
    }
    entry.sends += sends;
    entry.holds ||= holds;
    if (this.#pending) return true;
    this.#pending = true;
    queueMicrotask(() => {
      this.#pending = false;
      if (!this.#closed) {
        for (const [told, { sends, holds }] of this.#outbox) {
          this.#page?.post(this.#update(told, sends, holds));
        }
      }
      this.#outbox.clear();
    });
    return true;
  }
}
