/** The part of `BroadcastChannel` the governor uses (so tests and other runtimes can stand in). */
export interface ChannelLike {
  postMessage(message: unknown): void;
  close(): void;
  onmessage: ((event: MessageEvent) => void) | null;
  /** Node only: lets the process exit while the channel is open. */
  unref?: () => void;
}

/** What tabs of one origin tell each other about the key's budget. */
export type BudgetMessage =
  /** Requests this tab just sent: everyone's `remaining` and burst drop too. */
  | { type: 'send'; count: number }
  /** The budget as this tab now sees it (after a response's headers). */
  | { type: 'budget'; limit: number; remaining: number; resetAt: number }
  /** The API asked everyone to wait until `until` (epoch ms). */
  | { type: 'blocked'; until: number }
  /** A tab just opened and knows nothing yet: whoever knows the budget says it. */
  | { type: 'hello' };

const tag = 'avala-fetch/governor@1';

/**
 * The governor's link to other tabs: a `BroadcastChannel` when the runtime has one, else
 * nothing (every call is a no-op). Messages that are not ours are ignored.
 */
export class BudgetChannel {
  #channel: ChannelLike | undefined;

  constructor(
    name: string | false,
    receive: (message: BudgetMessage) => void,
    factory: ((name: string) => ChannelLike | undefined) | undefined = openBroadcastChannel,
  ) {
    if (name === false) return;
    const channel = factory(name);
    if (!channel) return;
    channel.onmessage = (event) => {
      const message = readMessage(event.data);
      if (message) receive(message);
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
      this.#channel?.postMessage({ tag, ...message });
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

function readMessage(data: unknown): BudgetMessage | undefined {
  if (typeof data !== 'object' || data === null) return undefined;
  const m = data as Record<string, unknown>;
  if (m.tag !== tag) return undefined;
  switch (m.type) {
    case 'send':
      return isCount(m.count) ? { type: 'send', count: m.count } : undefined;
    case 'budget':
      return isCount(m.limit) && isCount(m.remaining) && isCount(m.resetAt)
        ? { type: 'budget', limit: m.limit, remaining: m.remaining, resetAt: m.resetAt }
        : undefined;
    case 'blocked':
      return isCount(m.until) ? { type: 'blocked', until: m.until } : undefined;
    case 'hello':
      return { type: 'hello' };
    default:
      return undefined;
  }
}

function isCount(value: unknown): value is number {
  return typeof value === 'number' && Number.isFinite(value) && value >= 0;
}
