import type { BudgetDecision, BudgetSnapshot, BudgetStore } from './budget.js';
import { POLL_MS } from './budget.js';

/** Granted (with the store's send time), or refused with how long the caller should wait. */
export type WaitResult =
  | { granted: true; nowMs: number; grantId: string; snapshot: BudgetSnapshot }
  | { granted: false; retryAfterMs: number; snapshot: BudgetSnapshot };

/**
 * Asks the store for budget until it grants, the wait it names would pass `maxWaitMs` (then
 * the caller gets 429 at once rather than after a pointless wait), or the caller leaves.
 * Waits are capped at `POLL_MS` so a waiting caller keeps its place in the fairness rule.
 * Store errors propagate: the route answers them as "store unavailable".
 */
export async function waitForBudget(
  store: BudgetStore,
  keyId: string,
  callerId: string,
  maxWaitMs: number,
  signal: AbortSignal,
): Promise<WaitResult> {
  const deadline = Date.now() + maxWaitMs;
  for (;;) {
    const decision: BudgetDecision = await store.acquire(keyId, callerId);
    if (decision.granted) return decision;
    const left = deadline - Date.now();
    if (decision.waitMs > left && !decision.fair) {
      return { granted: false, retryAfterMs: decision.waitMs, snapshot: decision.snapshot };
    }
    if (left <= 0 || signal.aborted) {
      return {
        granted: false,
        retryAfterMs: Math.max(decision.waitMs, 1000),
        snapshot: decision.snapshot,
      };
    }
    // A little jitter, so waiters woken by the same reset do not all ask in the same millisecond.
    await sleep(Math.min(decision.waitMs, POLL_MS, left) + Math.random() * 20, signal);
  }
}

function sleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    const timer = setTimeout(done, ms);
    function done() {
      clearTimeout(timer);
      signal.removeEventListener('abort', done);
      resolve();
    }
    signal.addEventListener('abort', done, { once: true });
  });
}
