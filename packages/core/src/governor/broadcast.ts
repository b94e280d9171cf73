/** The part of `BroadcastChannel` the governor uses (so tests and other runtimes can stand in). */
export interface ChannelLike {
  postMessage(message: unknown): void;
  close(): void;
  onmessage: ((event: MessageEvent) => void) | null;
  /** Node only: lets the process exit while the channel is open. */
  unref?: () => void;
}

/** The budget as one tab sees it: the server's count less every send it has heard of. */
export interface SharedBudget {
  limit: number;
  remaining: number;
  /** Epoch ms. */
  resetAt: number;
}

/** What tabs of one origin tell each other about the key's budget. */
export type BudgetMessage =
  /**
   * What changed in one task of the sender, for one limit scope (`scope`, absent for the main
   * budget): requests it sent (everyone's `remaining` and burst drop too), then its view of
   * the scope's budget after them (when it has a confirmed one), the end of a rate hold of
   * the scope (`blockedUntil`) and of an outage hold of everyone (`outage`, with the main
   * scope), both epoch ms. One message, so that a receiver never acts on the budget before
   * it has counted the sends that went with it. Holds are shared only while the sender
   * enforces them, with their absolute end, so every tab's copy ends with the original.
   */
  | {
      type: 'update';
      scope?: string;
      sends: number;
      budget?: SharedBudget;
      blockedUntil?: number;
      outage?: number;
    }
  /** A tab just opened and knows nothing yet: whoever knows the budget says it. */
  | { type: 'hello' }
  /** A tab is closing: the others stop counting it (and, if alone now, stop posting). */
  | { type: 'bye' };

/** A message and the tab it came from (an id each governor draws at random). */
export interface Received {
  from: string;
  message: BudgetMessage;
}

const tag = 'avala-fetch/governor@2';

/**
 * The governor's link to other tabs: a `BroadcastChannel` when the runtime has one, else
 * nothing (every call is a no-op). Messages that are not ours are ignored.
 */
export class BudgetChannel {
  #channel: ChannelLike | undefined;
  /** This tab's id in messages, so others can tell how many tabs share the budget. */
  readonly id = Math.random().toString(36).slice(2);

  constructor(
    name: string | false,
    receive: (received: Received) => void,
    factory: ((name: string) => ChannelLike | undefined) | undefined = openBroadcastChannel,
  ) {
    if (name === false) return;
    const channel = factory(name);
    if (!channel) return;
    channel.onmessage = (event) => {
      const received = readMessage(event.data);
      if (received) receive(received);
    };
    // A Node process must be free to exit with the channel open (tests, scripts).
    channel.unref?.();
    this.#channel = channel;
  }

  /** Whether another tab can hear us. */
  get open(): boolean {
    return this.#channel !== undefined;
  }

  post(message: BudgetMessage): void {
    try {
      this.#channel?.postMessage({ tag, from: this.id, ...message });
    } catch {
      // A channel closed underneath us (page unloading) only loses the sharing, not the call.
    }
  }

  close(): void {
    const channel = this.#channel;
    this.#channel = undefined;
    if (!channel) return;
    channel.onmessage = null;
    channel.close();
  }
}

function openBroadcastChannel(name: string): ChannelLike | undefined {
  if (typeof BroadcastChannel === 'undefined') return undefined;
  return new BroadcastChannel(name) as ChannelLike;
}

function readMessage(data: unknown): Received | undefined {
  if (typeof data !== 'object' || data === null) return undefined;
  const m = data as Record<string, unknown>;
  if (m.tag !== tag || typeof m.from !== 'string') return undefined;
  if (m.type === 'hello' || m.type === 'bye') return { from: m.from, message: { type: m.type } };
  if (m.type !== 'update' || !isCount(m.sends)) return undefined;
  const message: BudgetMessage = { type: 'update', sends: m.sends };
  if (typeof m.scope === 'string' && m.scope.length <= 100) message.scope = m.scope;
  else if (m.scope !== undefined) return undefined;
  const budget = readBudget(m.budget);
  if (budget) message.budget = budget;
  if (isCount(m.blockedUntil)) message.blockedUntil = m.blockedUntil;
  if (isCount(m.outage)) message.outage = m.outage;
  return { from: m.from, message };
}

function readBudget(data: unknown): SharedBudget | undefined {
  if (typeof data !== 'object' || data === null) return undefined;
  const { limit, remaining, resetAt } = data as Record<string, unknown>;
  return isCount(limit) && isCount(remaining) && isCount(resetAt)
    ? { limit, remaining, resetAt }
    : undefined;
}

// Counts, budgets and epoch-ms times are all whole numbers; a fraction is someone else's message.
function isCount(value: unknown): value is number {
  return Number.isSafeInteger(value) && (value as number) >= 0;
}
