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
   * What changed in one task of the sender, for one limit scope (`scope`, by name; absent
   * means the main budget): requests it sent (everyone's `remaining` and burst drop too), then its view of
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

/** A message and the tab it came from (an id each page draws at random). */
export interface Received {
  from: string;
  message: BudgetMessage;
}

/** Marks the governor's messages (and their version) among whatever else uses the channel. */
export const tag = 'avala-fetch/governor@2';

/** The default channel: a `BroadcastChannel`, or none where the runtime has none. */
export function openBroadcastChannel(name: string): ChannelLike | undefined {
  if (typeof BroadcastChannel === 'undefined') return undefined;
  return new BroadcastChannel(name) as ChannelLike;
}

/** One of our messages, checked field by field; anything else on the channel is `undefined`. */
export function readMessage(data: unknown): Received | undefined {
  if (typeof data !== 'object' || data === null) return undefined;
  const m = data as Record<string, unknown>;
  if (m.tag !== tag || typeof m.from !== 'string') return undefined;
  if (m.type === 'hello' || m.type === 'bye') return { from: m.from, message: { type: m.type } };
  if (m.type !== 'update' || !isCount(m.sends)) return undefined;
  const { scope } = m;
  if (scope !== undefined && (typeof scope !== 'string' || scope.length > 100)) return undefined;
  // A field that is not what we send is left out; the rest of the message still counts.
  const message: BudgetMessage = {
    type: 'update',
    scope,
    sends: m.sends,
    budget: readBudget(m.budget),
    blockedUntil: count(m.blockedUntil),
    outage: count(m.outage),
  };
  return { from: m.from, message };
}

function readBudget(data: unknown): SharedBudget | undefined {
  if (typeof data !== 'object' || data === null) return undefined;
  const { limit, remaining, resetAt } = data as Record<string, unknown>;
  return isCount(limit) && isCount(remaining) && isCount(resetAt)
    ? { limit, remaining, resetAt }
    : undefined;
}

function count(value: unknown): number | undefined {
  return isCount(value) ? value : undefined;
}

// Counts, budgets and epoch-ms times are all whole numbers; a fraction is someone else's message.
function isCount(value: unknown): value is number {
  return Number.isSafeInteger(value) && (value as number) >= 0;
}
