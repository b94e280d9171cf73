import type {
  BudgetDecision,
  BudgetLimits,
  BudgetObservation,
  BudgetSnapshot,
  BudgetStore,
} from './budget.js';

interface KeyState {
  /**
   * Sends, oldest first: granted (or, once answered, settled) at `at`. Settling moves a send to
   * the end with the current time, which keeps the order, since no send is in the future.
   */
  sends: { id: string; at: number; caller: string }[];
  learned: { limit: number; remaining: number; resetAtMs: number; sentAtMs: number } | undefined;
  blockedUntil: number;
  /** Caller id → last time it asked (within the window). */
  active: Map<string, number>;
  /** Caller id → last time it was refused. */
  waiting: Map<string, number>;
}

/**
 * The budget of a single instance, in memory: the rules of `budget.ts`, written the same way
 * as the Lua script of `redis.ts` so the two can be read side by side.
 */
export function createMemoryBudget(
  limits: BudgetLimits,
  now: () => number = Date.now,
): BudgetStore {
  const keys = new Map<string, KeyState>();
  let sequence = 0;
  const stateOf = (keyId: string): KeyState => {
    let state = keys.get(keyId);
    if (!state) {
      state = {
        sends: [],
        learned: undefined,
        blockedUntil: 0,
        active: new Map(),
        waiting: new Map(),
      };
      keys.set(keyId, state);
    }
    return state;
  };

  return {
    async acquire(keyId, caller): Promise<BudgetDecision> {
      const t = now();
      const state = stateOf(keyId);
      const { sends, learned, active, waiting } = state;
      while (sends.length > 0 && (sends[0]?.at ?? 0) <= t - limits.windowMs) sends.shift();
      for (const [id, at] of active) if (at <= t - limits.windowMs) active.delete(id);
      for (const [id, at] of waiting) if (at <= t - limits.waitingTtlMs) waiting.delete(id);

      let limit = limits.limit;
      if (learned && learned.limit < limit) limit = learned.limit;
      let available = limit - sends.length;
      let resetAtMs =
        sends.length > 0 ? (sends[0]?.at ?? t) + limits.windowMs : t + limits.windowMs;
      if (learned && learned.resetAtMs > t && learned.sentAtMs > t - limits.windowMs) {
        const since = sends.filter((send) => send.at >= learned.sentAtMs).length;
        const upstreamAvailable = learned.remaining - since;
        if (upstreamAvailable < available) {
          available = upstreamAvailable;
          resetAtMs = learned.resetAtMs;
        }
      }

      let waitMs = 0;
      let fair = false;
      if (state.blockedUntil > t) {
        waitMs = state.blockedUntil - t;
        resetAtMs = Math.max(resetAtMs, state.blockedUntil);
        available = 0;
      } else if (available <= 0) {
        waitMs = Math.max(resetAtMs - t, 1);
      } else {
        const inBurst = sends.filter((send) => send.at >= t - limits.burstWindowMs);
        if (inBurst.length >= limits.burst) {
          waitMs = Math.max((inBurst[0]?.at ?? t) + limits.burstWindowMs - t, 1);
        }
      }
      active.set(caller, t);
      if (waitMs === 0) {
        const share = Math.ceil(limit / active.size);
        const mine = sends.filter((send) => send.caller === caller).length;
        const othersWaiting = waiting.size - (waiting.has(caller) ? 1 : 0);
        if (mine >= share && othersWaiting > 0) {
          waitMs = limits.fairPollMs;
          fair = true;
        }
      }
      const snapshot = (remaining: number): BudgetSnapshot => ({
        limit,
        remaining: Math.max(remaining, 0),
        resetAtMs,
      });
      if (waitMs > 0) {
        waiting.set(caller, t);
        return { granted: false, waitMs, fair, snapshot: snapshot(available) };
      }
      const grantId = `${t}-${++sequence}`;
      sends.push({ id: grantId, at: t, caller });
      // The caller stays waiting until its entry ages out: its other requests may still wait.
      return { granted: true, nowMs: t, grantId, snapshot: snapshot(available - 1) };
    },

    async settle(keyId, _caller, grantId) {
      const { sends } = stateOf(keyId);
      const index = sends.findIndex((send) => send.id === grantId);
      const send = sends[index];
      if (!send) return;
      sends.splice(index, 1);
      sends.push({ ...send, at: now() });
    },

    async learn(keyId, observation: BudgetObservation) {
      const state = stateOf(keyId);
      const current = state.learned;
      if (current && observation.sentAtMs < current.sentAtMs) return;
      if (current && observation.sentAtMs === current.sentAtMs) {
        state.learned = {
          ...observation,
          remaining: Math.min(observation.remaining, current.remaining),
        };
      } else {
        state.learned = { ...observation };
      }
    },

    async hold(keyId, forMs) {
      const state = stateOf(keyId);
      state.blockedUntil = Math.max(state.blockedUntil, now() + forMs);
    },

    async close() {
      keys.clear();
    },
  };
}
