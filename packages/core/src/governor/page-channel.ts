import {
  type BudgetMessage,
  type ChannelLike,
  openBroadcastChannel,
  type Received,
  readMessage,
  tag,
} from './broadcast.js';

/** Another tab counts as active this long after its last message. */
const peerActiveMs = 10_000;
/** How long after its hello a page posts without having heard anyone: the answers are on their way. */
const helloAnswerMs = 1_000;

type ChannelFactory = (name: string) => ChannelLike | undefined;

/** What a page's channel needs of each governor's tab link on it. */
export interface PageMember {
  /** Another tab's message; `newcomer` when that tab was first heard of just now. */
  hearTab(message: Exclude<BudgetMessage, { type: 'bye' }>, newcomer: boolean): void;
}

/** Every page channel open in this realm, by channel factory and name. */
const pages = new WeakMap<ChannelFactory, Map<string, PageChannel<PageMember>>>();

/**
 * One page's end of a channel: the governors of one page (one JavaScript realm) that share a
 * channel name share one `BroadcastChannel`, one id and what is known of the other tabs. They
 * hear each other's news at once, through {@link PageChannel.members}, never over the channel:
 * two clients of one page neither structured-clone a message per send for each other nor wait
 * a task for one, and the other tabs count the page once. Messages that are not ours are ignored.
 */
export class PageChannel<M extends PageMember> {
  /** `undefined` where the runtime has no channel: every post is then a no-op. */
  readonly #channel: ChannelLike | undefined;
  /** This page's id in messages, so other tabs can tell how many share the budget. */
  readonly #id = Math.random().toString(36).slice(2);
  /** The page channels of its factory, by name (see {@link pages}). */
  readonly #byName: Map<string, PageChannel<PageMember>>;
  readonly #name: string;
  /** The governors of this page on the channel, oldest first. */
  readonly members = new Set<M>();
  /** Every other tab heard from and not gone (`bye`), by id: when each last spoke. */
  readonly #peers = new Map<string, number>();
  /** Until then the page posts even though nobody answered its hello yet. */
  readonly #helloUntil: number;
  readonly #now: () => number;

  /**
   * The page's channel called `name` (opened with `factory`, default a `BroadcastChannel`),
   * with `member` in it; the first member opens it and says hello, and its clock times the page.
   */
  static join<M extends PageMember>(
    name: string,
    factory: ChannelFactory = openBroadcastChannel,
    member: M,
    now: () => number,
  ): PageChannel<M> {
    let byName = pages.get(factory);
    if (!byName) {
      byName = new Map();
      pages.set(factory, byName);
    }
    let page = byName.get(name) as PageChannel<M> | undefined;
    if (!page) {
      page = new PageChannel<M>(name, byName, factory, now);
      byName.set(name, page as PageChannel<PageMember>);
    }
    page.members.add(member);
    return page;
  }

  private constructor(
    name: string,
    byName: Map<string, PageChannel<PageMember>>,
    factory: ChannelFactory,
    now: () => number,
  ) {
    this.#name = name;
    this.#byName = byName;
    this.#now = now;
    this.#helloUntil = now() + helloAnswerMs;
    const channel = factory(name);
    if (channel) {
      channel.onmessage = (event) => {
        const received = readMessage(event.data);
        if (received) this.#hear(received);
      };
      // A Node process must be free to exit with the channel open (tests, scripts).
      channel.unref?.();
    }
    this.#channel = channel;
    this.post({ type: 'hello' });
  }

  /** Whether another tab may hear us: one has spoken, or our hello may still be answered. */
  heard(now: number): boolean {
    return this.#channel !== undefined && (this.#peers.size > 0 || now < this.#helloUntil);
  }

  /** How many other tabs are active at `now` (spoke lately). */
  countActive(now: number): number {
    let active = 0;
    for (const seen of this.#peers.values()) if (now - seen < peerActiveMs) active++;
    return active;
  }

  /** Tells the other tabs (no-op without a channel). */
  post(message: BudgetMessage): void {
    try {
      this.#channel?.postMessage({ tag, from: this.#id, ...message });
    } catch {
      // A channel closed underneath us (page unloading) only loses the sharing, not the call.
    }
  }

  /** Takes `member` out; the last one to leave says goodbye and closes the channel. */
  leave(member: M): void {
    if (!this.members.delete(member) || this.members.size > 0) return;
    this.#byName.delete(this.#name);
    if (this.#peers.size > 0) this.post({ type: 'bye' });
    const channel = this.#channel;
    if (!channel) return;
    channel.onmessage = null;
    channel.close();
  }

  #hear({ from, message }: Received): void {
    if (message.type === 'bye') {
      this.#peers.delete(from);
      return;
    }
    const newcomer = !this.#peers.has(from);
    this.#peers.set(from, this.#now());
    for (const member of this.members) member.hearTab(message, newcomer);
  }
}
