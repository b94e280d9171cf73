/**
 * A short soak through the gateway: one keyless browser client → the gateway (budget on a real
 * redis-server) → the sandbox, while the sandbox throws 429 bursts, 500/502/504, maintenance
 * 503s, delays past the client's timeout and dropped connections, and callers abort.
 *
 * What a user relies on (docs/retry-rule.md, docs/security.md): every call settles once, with
 * a value or an `AvalaError`; the gateway re-sends nothing itself, so a plain POST or PATCH
 * reaches the sandbox again only after a 429 or 503; every request that reached the sandbox
 * carried the gateway's key; the gateway is up with Redis afterwards.
 */
import { createAvalaClient, isAvalaError } from '@avala-fetch/core';
import { type SandboxLogEntry, startSandbox } from '@avala-fetch/sandbox';
import { afterEach, describe, expect, it } from 'vitest';
import { handleCounts, handlesAfterSettling } from '../../../scripts/handles.js';
import { heapAfterCollection } from '../../../scripts/heap.js';
import { seeded } from '../../../scripts/seeded-random.js';
import { startProxy } from '../src/index.js';
import { startRedis } from './helpers/redis-server.js';

const CALLS = Number(process.env.AVALA_PROXY_SOAK_CALLS ?? 150);
const SEED = 0x9a7e_2026;
const WORKERS = 6;
const TIMEOUT_MS = 400;
const TOKEN = 'soak-token';
// Heap growth allowed once the client, the gateway and the sandbox are closed and collected.
const MAX_HEAP_GROWTH_BYTES = 16 * 1024 * 1024;

const closers: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const close of closers.splice(0).reverse()) await close();
});

describe('soak through the gateway', () => {
  it(
    `settles ${CALLS} calls under upstream faults; plain writes reach the upstream again only after 429/503`,
    async () => {
      const unhandled: unknown[] = [];
      const onUnhandled = (reason: unknown) => unhandled.push(reason);
      process.on('unhandledRejection', onUnhandled);
      closers.push(async () => void process.off('unhandledRejection', onUnhandled));

      const baseline = handleCounts();
      const heapBaseline = heapAfterCollection();
      const redis = await startRedis();
      closers.push(redis.stop);
      const sandbox = await startSandbox({
        port: 0,
        rateLimit: { limit: 1_000_000, burst: 1_000_000, inferenceLimit: 1_000_000 },
      });
      closers.push(sandbox.close);
      const proxy = await startProxy({
        apiKey: sandbox.keys.admin,
        upstream: sandbox.url,
        redis: redis.url,
        port: 0,
        rateLimit: { limit: 1_000_000, burst: 1_000_000 },
        authorize: (request) =>
          request.headers.get('authorization') === `Bearer ${TOKEN}` && 'soaker',
      });
      closers.push(proxy.close);
      const client = createAvalaClient({
        baseUrl: `${proxy.url}/api/v1`,
        fetch: (input, init) => {
          const request = new Request(input, init);
          request.headers.set('Authorization', `Bearer ${TOKEN}`);
          return fetch(request);
        },
        timeoutMs: TIMEOUT_MS,
        retry: { limit: 3, baseDelayMs: 1, maxDelayMs: 5, maxRetryAfterMs: 2000 },
        rateLimit: { broadcastChannel: false, burstPerSecond: 500 },
      });
      closers.push(async () => client.dispose());

      const { results } = (await client.get('/datasets/', { searchParams: { limit: 20 } })) as {
        results: { uid: string }[];
      };
      sandbox.clearLog();

      const random = seeded(SEED);
      const plan = Array.from({ length: CALLS }, (_, id) => ({
        id,
        method: (['GET', 'GET', 'POST', 'PATCH'] as const)[Math.floor(random() * 4)] as string,
        idempotent: random() < 0.3,
        abortAfterMs: random() < 0.06 ? Math.floor(random() * 150) : undefined,
        uid: (results[Math.floor(random() * results.length)] as { uid: string }).uid,
        fault: random(),
        detail: random(),
      }));
      const faultFor = (roll: number, detail: number): void => {
        if (roll < 0.08) {
          sandbox.injectFault({
            type: 'status',
            status: 429,
            retryAfterS: 0,
            count: 1 + Math.floor(detail * 3),
          });
        } else if (roll < 0.18) {
          sandbox.injectFault({
            type: 'status',
            status: [500, 502, 504][Math.floor(detail * 3)] as number,
          });
        } else if (roll < 0.22) sandbox.injectFault({ type: 'drop' });
        else if (roll < 0.26) {
          sandbox.injectFault({ type: 'delay', delayMs: detail < 0.5 ? TIMEOUT_MS + 200 : 20 });
        } else if (roll < 0.27) sandbox.setMaintenance({ retryAfterS: 0, durationMs: 60 });
      };

      const settlements = new Array<number>(CALLS).fill(0);
      const outcomes = new Array<unknown>(CALLS);
      let next = 0;
      const worker = async () => {
        while (next < plan.length) {
          const call = plan[next++] as (typeof plan)[number];
          faultFor(call.fault, call.detail);
          const controller = new AbortController();
          const timer =
            call.abortAfterMs === undefined
              ? undefined
              : setTimeout(() => controller.abort(), call.abortAfterMs);
          const options = {
            searchParams: { soak: call.id },
            signal: controller.signal,
            idempotent: call.idempotent,
          };
          const pending =
            call.method === 'GET'
              ? client.get(['datasets', call.uid], options)
              : call.method === 'PATCH'
                ? client.patch(['datasets', call.uid], {
                    ...options,
                    json: { name: `Soak ${call.id}` },
                  })
                : client.post('/datasets/', {
                    ...options,
                    json: { name: `Soak ${call.id}`, slug: `soak-${call.id}`, data_type: 'image' },
                  });
          const settle = (outcome: unknown) => {
            settlements[call.id] = (settlements[call.id] ?? 0) + 1;
            outcomes[call.id] = outcome;
          };
          await pending.then(settle, settle);
          clearTimeout(timer);
        }
      };
      await Promise.all(Array.from({ length: WORKERS }, worker));

      expect(settlements.filter((count) => count !== 1)).toEqual([]);
      for (const outcome of outcomes)
        if (outcome instanceof Error) expect(isAvalaError(outcome)).toBe(true);

      // Requests the client left are logged once the sandbox notices: wait for the log to settle.
      let length = -1;
      for (let round = 0; round < 40 && length !== sandbox.log.length; round += 1) {
        length = sandbox.log.length;
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
      const byCall = new Map<number, SandboxLogEntry[]>();
      for (const entry of sandbox.log) {
        expect(entry.key).toBe(sandbox.keys.admin);
        const id = Number(new URLSearchParams(entry.query ?? '').get('soak'));
        byCall.set(id, [...(byCall.get(id) ?? []), entry]);
      }
      const violations: string[] = [];
      for (const call of plan) {
        const entries = [...(byCall.get(call.id) ?? [])].sort((a, b) => a.at - b.at);
        if (entries.length > 4)
          violations.push(`call ${call.id}: ${entries.length} requests upstream`);
        if (call.method === 'GET' || call.idempotent) continue;
        for (const entry of entries.slice(0, -1)) {
          if (entry.status !== 429 && entry.status !== 503) {
            violations.push(
              `call ${call.id} (${call.method}) re-sent after ${entry.status}: ${entries.map((e) => e.status).join(' → ')}`,
            );
          }
        }
      }
      expect(violations).toEqual([]);
      expect(sandbox.log.filter((entry) => entry.fault !== undefined).length).toBeGreaterThan(
        CALLS / 10,
      );

      const health = await fetch(`${proxy.url}/healthz`);
      expect(await health.json()).toEqual({ ok: true, redis: 'up' });
      expect(unhandled).toEqual([]);
      // Closed, the client, the gateway (its Redis connection included) and the sandbox leave
      // no timer or socket behind.
      for (const close of closers.splice(0).reverse()) await close();
      const after = await handlesAfterSettling(baseline);
      expect(after.timers).toBeLessThanOrEqual(baseline.timers);
      expect(after.sockets).toBeLessThanOrEqual(baseline.sockets);
      const aborted = outcomes.filter((o) => isAvalaError(o) && o.kind === 'aborted').length;
      // …and holds on to nothing of the calls: the heap is back near where it started.
      outcomes.fill(undefined);
      const heapGrowth = heapAfterCollection() - heapBaseline;
      expect(heapGrowth).toBeLessThan(MAX_HEAP_GROWTH_BYTES);
      console.info(
        `proxy soak: ${CALLS} calls, ${sandbox.log.length} requests upstream, ${sandbox.log.filter((e) => e.fault !== undefined).length} injected faults answered, ${aborted} caller aborts, 0 lost, heap ${(heapGrowth / 1048576).toFixed(1)} MB over its baseline`,
      );
    },
    Math.max(30_000, CALLS * 60),
  );
});
