import {
  BudgetChannel,
  type BudgetMessage,
  type ChannelLike,
  type Received,
  type SharedBudget,
} from './broadcast.js';

/** Another tab counts as active this long after its last message (see `yielding`). */
const peerActiveMs = 10_000;
/** How long after its hello a tab posts without having heard anyone: the answers are on their way. */
const helloAnswerMs = 1_000;

/** What one scope has to tell the other tabs when this task ends. */
export interface ScopeNews {
  budget?: SharedBudget;
  /** The end of the scope's rate hold, epoch ms. */
  blockedUntil?: number;
  /** The end of the outage hold of everyone, epoch ms (told with the main scope). */
  outage?: number;
}

/** What the tab link needs from the governor. */
export interface TabHost {
  /** Another tab's message (the sender is already counted as active). */
  receive(message: BudgetMessage): void;
  /** A tab just opened: mark with `share` whatever it should learn. */
  greet(): void;
  /** What `scope` has to say; `withHolds` when its holds changed in this task. */
  news(scope: string | undefined, withHolds: boolean): ScopeNews;
}

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
  /** Per scope (`undefined`: main), what this task changed: sends, and whether holds did. */
  #outbox = new Map<string | undefined, { sends: number; holds: boolean }>();
  #pending = false;
  #closed = false;
  readonly #now: () => number;
  /** Until then this tab posts even though nobody answered its hello yet. */
  readonly #helloUntil: number;

  constructor(
    name: string | false,
    host: TabHost,
    now: () => number,
    factory?: (name: string) => ChannelLike | undefined,
  ) {
    this.#host = host;
    this.#now = now;
    this.#helloUntil = now() + helloAnswerMs;
    this.#channel = new BudgetChannel(
      name,
      ({ from, message }: Received) => {
        if (this.#closed) return;
        if (message.type === 'bye') {
          this.#known.delete(from);
          this.#peers.delete(from);
          return;
        }
        const newcomer = !this.#known.has(from);
        this.#known.add(from);
        this.#peers.set(from, now());
        if (message.type === 'update') {
          // A tab first heard of now missed what we told nobody: tell it what we know.
          if (newcomer) host.greet();
          host.receive(message);
          return;
        }
        host.greet();
        // Always answer a hello, so that the new tab knows someone listens.
        this.share(undefined);
      },
      factory,
    );
    this.#channel.post({ type: 'hello' });
  }

  /** Notes one of our sends in `scope`, told at the end of the task. */
  sent(scope: string | undefined): void {
    if (!this.#heard()) return;
    this.#entry(scope).sends++;
    this.#flushSoon();
    if (this.activePeers > 0) this.yielding = true;
  }

  /** Marks `scope`'s budget (and, with `holds`, its holds) as news for the other tabs. */
  share(scope: string | undefined, holds = false): void {
    if (!this.#heard()) return;
    const entry = this.#entry(scope);
    entry.holds ||= holds;
    this.#flushSoon();
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

  /** Whether another tab may hear us: one has spoken, or our hello may still be answered. */
  #heard(): boolean {
    if (!this.#channel.open) return false;
    return this.#known.size > 0 || this.#now() < this.#helloUntil;
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
        const message: BudgetMessage = { type: 'update', sends, ...this.#host.news(scope, holds) };
        if (scope !== undefined) message.scope = scope;
        this.#channel.post(message);
      }
    });
  }
}
