/**
 * One key's budget as every instance sees it. Two stores implement it with the same rules:
 * `memory.ts` for a single instance, `redis.ts` for many (one Lua script per operation, so a
 * decision and its spend are one atomic step).
 *
 * The rules, in the order a decision applies them:
 * 1. a hold (after an upstream 429/503 with `Retry-After`) refuses everything until it ends;
 * 2. a sliding window: at most `limit` sends in `windowMs` (the learned `X-RateLimit-Limit`
 *    when lower), and at most `burst` in `burstWindowMs`. A send counts from its grant and,
 *    once answered, from its answer: it reached the upstream somewhere in between, so a slow
 *    or delayed request cannot leave our window before it has left the upstream's;
 * 3. the upstream's word: the last `X-RateLimit-Remaining` observed, minus every send since
 *    the observed request left, until its `X-RateLimit-Reset` (so spending by other clients of
 *    the key, which the window cannot see, still counts);
 * 4. fairness: a caller that already had its share (`limit` ÷ callers active in the window)
 *    waits while another caller is waiting — refused within `waitingTtlMs`, which its waiting
 *    requests renew each time they ask (at least every `POLL_MS`).
 */

/** The budget as `X-RateLimit-*` headers tell it. */
export interface BudgetSnapshot {
  limit: number;
  remaining: number;
  /** When `remaining` next grows, epoch ms. */
  resetAtMs: number;
}

/**
 * A decision: sent now (at `nowMs`, on the store's clock; `grantId` names the send for
 * `settle`), or wait `waitMs` and ask again.
 */
export type BudgetDecision =
  | { granted: true; nowMs: number; grantId: string; snapshot: BudgetSnapshot }
  | { granted: false; waitMs: number; fair: boolean; snapshot: BudgetSnapshot };

/** What the upstream said about the budget in one answer. */
export interface BudgetObservation {
  limit: number;
  remaining: number;
  resetAtMs: number;
  /** When the observed request was granted (`BudgetDecision.nowMs`). */
  sentAtMs: number;
}

/** The limits a store enforces, from the normalised options. */
export interface BudgetLimits {
  limit: number;
  /** The window plus the margin. */
  windowMs: number;
  burst: number;
  /** The burst window plus the margin. */
  burstWindowMs: number;
  /** How long a waiting caller counts as waiting without asking again. */
  waitingTtlMs: number;
  /** The wait a caller over its fair share is told to come back after. */
  fairPollMs: number;
}

/** A store of budgets, one per key id (a hash of the key, never the key). */
export interface BudgetStore {
  acquire(keyId: string, callerId: string): Promise<BudgetDecision>;
  /** The granted send was answered (or failed): from now on it counts from this moment. */
  settle(keyId: string, callerId: string, grantId: string): Promise<void>;
  learn(keyId: string, observation: BudgetObservation): Promise<void>;
  hold(keyId: string, forMs: number): Promise<void>;
  close(): Promise<void>;
}

/** How often a waiting request asks again at most; also bounds how stale `waiting` gets. */
export const POLL_MS = 200;
