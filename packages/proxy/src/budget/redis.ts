import { createHash } from 'node:crypto';
import { Redis } from 'ioredis';
import type { BudgetDecision, BudgetLimits, BudgetObservation, BudgetStore } from './budget.js';
import { ACQUIRE, HOLD, LEARN, SETTLE } from './scripts.js';

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
  let everReady = status === 'up';
  // Only in the first second of the process: after that, a Redis that never came up is down.
  const startupDeadline = Date.now() + 1_000;
  // Requests that arrive while the first connection is still being made wait for it (briefly),
  // rather than meet a 503 in the first milliseconds of the process.
  let resolveFirstReady: () => void = () => {};
  const firstReady = new Promise<void>((resolve) => {
    resolveFirstReady = resolve;
  });
  // What the log last said, so each change is logged once (and a first failure too).
  let announced: 'up' | 'down' | undefined;
  const onReady = () => {
    if (announced !== 'up') log(`redis: up${announced === 'down' ? ' (budget shared again)' : ''}`);
    announced = 'up';
    status = 'up';
    everReady = true;
    resolveFirstReady();
  };
  const onDown = (error?: Error) => {
    if (announced !== 'down') {
      log(`redis: down (${error?.message ?? 'connection closed'}); answering 503 until it returns`);
    }
    announced = 'down';
    status = 'down';
  };
  const onClose = () => onDown();
  client.on('ready', onReady);
  client.on('error', onDown);
  client.on('close', onClose);

  const sha = (script: string) => createHash('sha1').update(script).digest('hex');
  const scripts = {
    acquire: sha(ACQUIRE),
    settle: sha(SETTLE),
    learn: sha(LEARN),
    hold: sha(HOLD),
  };

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
    const startupLeft = startupDeadline - Date.now();
    if (!everReady && startupLeft > 0) {
      let timer: NodeJS.Timeout | undefined;
      await Promise.race([
        firstReady,
        new Promise((resolve) => {
          timer = setTimeout(resolve, startupLeft);
        }),
      ]);
      clearTimeout(timer);
    }
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
      )) as (number | string)[];
      const [granted, waitMs, limit, remaining, resetAtMs, nowMs, fair] = reply.map(Number);
      const grantId = String(reply[7] ?? '');
      const snapshot = {
        limit: limit ?? limits.limit,
        remaining: remaining ?? 0,
        resetAtMs: resetAtMs ?? 0,
      };
      return granted === 1
        ? { granted: true, nowMs: nowMs ?? Date.now(), grantId, snapshot }
        : { granted: false, waitMs: waitMs ?? 1, fair: fair === 1, snapshot };
    },

    async settle(keyId, callerId, grantId) {
      const keys = keysOf(keyId);
      await run(SETTLE, scripts.settle, [keys.sends, keys.caller(callerId)], [grantId]);
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
      resolveFirstReady();
      client.off('ready', onReady);
      client.off('error', onDown);
      client.off('close', onClose);
      if (owned) {
        // Late errors of a closing connection are expected; an unheard 'error' would be logged.
        client.on('error', () => {});
        client.disconnect();
      }
    },
  };
}
