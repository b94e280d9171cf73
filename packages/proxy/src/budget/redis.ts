import { createHash } from 'node:crypto';
import { Redis } from 'ioredis';
import type { BudgetDecision, BudgetLimits, BudgetObservation, BudgetStore } from './budget.js';
import { ACQUIRE, HOLD, LEARN } from './scripts.js';

/** Longest a budget command may take before the request is answered as if Redis were down. */
const COMMAND_TIMEOUT_MS = 500;

/** The Redis budget plus what `/healthz` and the logs need to know about the connection. */
export interface RedisBudget extends BudgetStore {
  readonly status: 'up' | 'down';
}

/**
 * A budget shared by every instance on one Redis. Redis failures never hang a request: the
 * client does not queue commands while disconnected (`enableOfflineQueue: false`), each
 * command is bounded by a timeout, and reconnecting runs on its own in the background — so a
 * call fails fast while Redis is away and the proxy answers 503 (docs/security.md) until it
 * returns.
 */
export function createRedisBudget(
  redis: string | Redis,
  limits: BudgetLimits & { holdTtlMs: number },
  log: (line: string) => void,
): RedisBudget {
  const owned = typeof redis === 'string';
  const client =
    typeof redis === 'string'
      ? new Redis(redis, {
          enableOfflineQueue: false,
          maxRetriesPerRequest: 1,
          commandTimeout: COMMAND_TIMEOUT_MS,
          connectTimeout: 1_000,
          // Keep trying for as long as the proxy runs, at most every two seconds.
          retryStrategy: (times) => Math.min(times * 200, 2_000),
        })
      : redis;

  let status: 'up' | 'down' = client.status === 'ready' ? 'up' : 'down';
  const onReady = () => {
    if (status !== 'up') log('redis: up (budget shared again)');
    status = 'up';
  };
  const onDown = (error?: Error) => {
    if (status !== 'down') {
      log(`redis: down (${error?.message ?? 'connection closed'}); answering 503 until it returns`);
    }
    status = 'down';
  };
  client.on('ready', onReady);
  client.on('error', onDown);
  client.on('close', () => onDown());

  const sha = (script: string) => createHash('sha1').update(script).digest('hex');
  const scripts = { acquire: sha(ACQUIRE), learn: sha(LEARN), hold: sha(HOLD) };

  async function run(
    script: string,
    hash: string,
    keys: string[],
    args: (string | number)[],
  ): Promise<unknown> {
    const call = async () => {
      try {
        return await client.evalsha(hash, keys.length, ...keys, ...args);
      } catch (error) {
        // A restarted Redis has forgotten its scripts: send the body once, then the hash works.
        if (error instanceof Error && error.message.startsWith('NOSCRIPT')) {
          return client.eval(script, keys.length, ...keys, ...args);
        }
        throw error;
      }
    };
    // A client passed in may queue commands while offline; never let that hang a request.
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(
        () => reject(new Error('redis: command timed out')),
        COMMAND_TIMEOUT_MS * 2,
      );
    });
    try {
      return await Promise.race([call(), timeout]);
    } finally {
      clearTimeout(timer);
    }
  }

  const keysOf = (keyId: string) => {
    const prefix = `avala-proxy:{${keyId}}`;
    return {
      sends: `${prefix}:sends`,
      state: `${prefix}:state`,
      active: `${prefix}:active`,
      waiting: `${prefix}:waiting`,
      caller: (callerId: string) => `${prefix}:caller:${callerId}`,
    };
  };
  const ttlMs = limits.windowMs * 2 + limits.holdTtlMs;

  return {
    get status() {
      return status;
    },

    async acquire(keyId, callerId): Promise<BudgetDecision> {
      const keys = keysOf(keyId);
      const reply = (await run(
        ACQUIRE,
        scripts.acquire,
        [keys.sends, keys.state, keys.active, keys.waiting, keys.caller(callerId)],
        [
          limits.limit,
          limits.windowMs,
          limits.burst,
          limits.burstWindowMs,
          limits.waitingTtlMs,
          limits.fairPollMs,
          callerId,
          ttlMs,
        ],
      )) as number[];
      const [granted, waitMs, limit, remaining, resetAtMs, nowMs, fair] = reply.map(Number);
      const snapshot = {
        limit: limit ?? limits.limit,
        remaining: remaining ?? 0,
        resetAtMs: resetAtMs ?? 0,
      };
      return granted === 1
        ? { granted: true, nowMs: nowMs ?? Date.now(), snapshot }
        : { granted: false, waitMs: waitMs ?? 1, fair: fair === 1, snapshot };
    },

    async learn(keyId, observation: BudgetObservation) {
      await run(
        LEARN,
        scripts.learn,
        [keysOf(keyId).state],
        [
          observation.limit,
          observation.remaining,
          observation.resetAtMs,
          observation.sentAtMs,
          ttlMs,
        ],
      );
    },

    async hold(keyId, forMs) {
      await run(HOLD, scripts.hold, [keysOf(keyId).state], [Math.ceil(forMs), ttlMs]);
    },

    async close() {
      if (owned) client.disconnect();
    },
  };
}
