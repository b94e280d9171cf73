/**
 * A soak: one client, many calls against the sandbox while it throws every failure of
 * docs/retry-rule.md at them — 429 bursts, 500/502/504, 503 maintenance windows, delays past
 * the timeout, dropped connections — and the callers abort some calls themselves.
 *
 * What a user relies on: every call settles (once), with a value or an `AvalaError`; a POST
 * or PATCH is sent again only after a 429 or 503 unless the call was marked idempotent (the
 * sandbox's request log is the witness); nothing rejects unhandled; closing the client and
 * the server leaves no timer or socket behind, and no call's value or error still reachable.
 *
 * 200 calls here; `AVALA_SOAK_CALLS=2000 pnpm vitest run --project core test/soak` for more.
 */
import { type Sandbox, type SandboxLogEntry, startSandbox } from '@avala-fetch/sandbox';
import { afterEach, describe, expect, it } from 'vitest';
import { handleCounts, handlesAfterSettling } from '../../../../scripts/handles.js';
import { heapAfterCollection } from '../../../../scripts/heap.js';
import { seeded } from '../../../../scripts/seeded-random.js';
import { type AvalaClient, createAvalaClient, isAvalaError } from '../../src/index.js';

const CALLS = Number(process.env.AVALA_SOAK_CALLS ?? 200);
const SEED = 0x5eed_2026;
const WORKERS = 8;
const TIMEOUT_MS = 200;
const RETRY_LIMIT = 3;
// Heap growth allowed once everything is closed and collected (2,000 calls measured 6.6 MB:
// the test's plan and log, compiled code), far below what keeping each call's result would cost.
const MAX_HEAP_GROWTH_BYTES = 16 * 1024 * 1024;

type Method = 'GET' | 'POST' | 'PATCH' | 'DELETE';

interface Planned {
  id: number;
  method: Method;
  idempotent: boolean;
  abortAfterMs: number | undefined;
  uid: number;
  /** Queued just before the call starts, for whichever request comes next. */
  fault: PlannedFault | undefined;
}

type PlannedFault =
  | { type: 'status'; status: number; count: number }
  | { type: 'drop' }
  | { type: 'delay'; delayMs: number }
  | { type: 'maintenance' };

function planFault(random: () => number): PlannedFault | undefined {
  const roll = random();
  // A 429 burst: the next few requests are throttled, with a wait of 0 s.
  if (roll < 0.08) return { type: 'status', status: 429, count: 1 + Math.floor(random() * 4) };
  if (roll < 0.2)
    return {
      type: 'status',
      status: [500, 502, 504][Math.floor(random() * 3)] as number,
      count: 1,
    };
  if (roll < 0.24) return { type: 'drop' };
  // Past the per-attempt timeout half the time.
  if (roll < 0.29) return { type: 'delay', delayMs: random() < 0.5 ? TIMEOUT_MS + 150 : 20 };
  if (roll < 0.3) return { type: 'maintenance' };
  return undefined;
}

// What docs/retry-rule.md lets a POST or PATCH be sent again after: the server refused it
// before doing anything.
const RETRYABLE_WRITE = new Set([429, 503]);

let sandbox: Sandbox | undefined;
let client: AvalaClient | undefined;
afterEach(async () => {
  client?.dispose();
  await sandbox?.close();
  client = undefined;
  sandbox = undefined;
});

/** Waits until the request log stops growing (requests the client left are logged when noticed). */
async function settledLog(target: Sandbox): Promise<readonly SandboxLogEntry[]> {
  let length = -1;
  for (let round = 0; round < 40 && length !== target.log.length; round += 1) {
    length = target.log.length;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  return target.log;
}

describe('soak', () => {
  it(
    `settles ${CALLS} calls under random faults, re-sending writes only as the retry rule allows`,
    async () => {
      const unhandled: unknown[] = [];
      const onUnhandled = (reason: unknown) => unhandled.push(reason);
      process.on('unhandledRejection', onUnhandled);
      const baseline = handleCounts();
      const random = seeded(SEED);
      const pick = <T>(items: readonly T[]): T => items[Math.floor(random() * items.length)] as T;
      const started = Date.now();

      sandbox = await startSandbox({
        port: 0,
        // Limits far away, so the headers are there for the governor but faults do the refusing.
        rateLimit: { limit: 1_000_000, burst: 1_000_000, inferenceLimit: 1_000_000 },
      });
      const target = sandbox;
      client = createAvalaClient({
        baseUrl: target.apiUrl,
        apiKey: target.keys.admin,
        timeoutMs: TIMEOUT_MS,
        retry: { limit: RETRY_LIMIT, baseDelayMs: 1, maxDelayMs: 5, maxRetryAfterMs: 2000 },
        // The API's 20 sends a second would make this a 10-second wait, not a soak.
        rateLimit: { broadcastChannel: false, burstPerSecond: 500 },
      });
      const avala = client;
      const { results } = (await avala.get('/datasets/', { searchParams: { limit: 20 } })) as {
        results: { uid: string }[];
      };
      const uids = results.map((dataset) => dataset.uid);
      target.clearLog();
      const heapBaseline = heapAfterCollection();

      const plan: Planned[] = Array.from({ length: CALLS }, (_, id) => ({
        id,
        method: pick(['GET', 'GET', 'GET', 'POST', 'PATCH', 'DELETE'] as const),
        idempotent: random() < 0.3,
        abortAfterMs: random() < 0.08 ? Math.floor(random() * 120) : undefined,
        uid: Math.floor(random() * 20),
        fault: planFault(random),
      }));
      let faultsQueued = 0;

      const queue = (fault: PlannedFault | undefined): void => {
        if (fault === undefined) return;
        faultsQueued += 1;
        if (fault.type === 'maintenance') target.setMaintenance({ retryAfterS: 0, durationMs: 60 });
        else if (fault.type === 'status') {
          target.injectFault({
            type: 'status',
            status: fault.status,
            retryAfterS: 0,
            count: fault.count,
          });
        } else target.injectFault(fault);
      };

      const settlements = new Array<number>(CALLS).fill(0);
      const outcomes: unknown[] = new Array(CALLS);
      const run = async (call: Planned): Promise<void> => {
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
        const uid = uids[call.uid % uids.length] as string;
        let pending: Promise<unknown>;
        if (call.method === 'GET') pending = avala.get(['datasets', uid], options);
        else if (call.method === 'DELETE')
          pending = avala.delete(['datasets', 'no-such-uid'], options);
        else if (call.method === 'PATCH') {
          pending = avala.patch(['datasets', uid], {
            ...options,
            json: { name: `Soak ${call.id}` },
          });
        } else {
          pending = avala.post('/datasets/', {
            ...options,
            json: { name: `Soak ${call.id}`, slug: `soak-${call.id}`, data_type: 'image' },
          });
        }
        const settle = (outcome: unknown): void => {
          settlements[call.id] = (settlements[call.id] ?? 0) + 1;
          outcomes[call.id] = outcome;
        };
        await pending.then(settle, settle);
        clearTimeout(timer);
      };

      let next = 0;
      const worker = async (): Promise<void> => {
        while (next < plan.length) {
          const call = plan[next++] as Planned;
          queue(call.fault);
          await run(call);
        }
      };
      await Promise.all(Array.from({ length: WORKERS }, worker));

      // Every call settled once, with a value or a classified error.
      expect(settlements.filter((count) => count !== 1)).toEqual([]);
      const failures = outcomes.filter((outcome) => outcome instanceof Error);
      for (const failure of failures) expect(isAvalaError(failure)).toBe(true);
      const aborted = plan.filter(
        (call) =>
          isAvalaError(outcomes[call.id]) &&
          (outcomes[call.id] as { kind: string }).kind === 'aborted',
      );

      // The request log, per call: a retry only follows what the rule retries.
      const log = await settledLog(target);
      const byCall = new Map<number, SandboxLogEntry[]>();
      for (const entry of log) {
        const id = Number(new URLSearchParams(entry.query ?? '').get('soak'));
        byCall.set(id, [...(byCall.get(id) ?? []), entry]);
      }
      const violations: string[] = [];
      let writesHitAfterWork = 0;
      for (const call of plan) {
        const entries = [...(byCall.get(call.id) ?? [])].sort((a, b) => a.at - b.at);
        if (entries.length > RETRY_LIMIT + 1)
          violations.push(`call ${call.id}: ${entries.length} requests`);
        // The log shows what the server sent, not what the client saw in time: a GET whose 200
        // came after its timeout is rightly retried. A plain write may follow only a 429 or 503.
        const write = (call.method === 'POST' || call.method === 'PATCH') && !call.idempotent;
        if (!write) continue;
        if ([0, 499, 500, 502, 504].includes(entries.at(-1)?.status ?? -1)) writesHitAfterWork += 1;
        entries.slice(0, -1).forEach((entry) => {
          if (!RETRYABLE_WRITE.has(entry.status)) {
            violations.push(
              `call ${call.id} (${call.method}${call.idempotent ? ', idempotent' : ''}) was re-sent after ${entry.status}: ${entries.map((e) => e.status).join(' → ')}`,
            );
          }
        });
      }
      expect(violations).toEqual([]);
      // Plain writes did meet failures after which a retry would have been wrong.
      expect(writesHitAfterWork).toBeGreaterThan(0);
      const requestCount = log.length;
      const failedCount = failures.length;
      const faultsSeen = log.filter((entry) => entry.fault !== undefined).length;
      const maintenance503 = log.filter(
        (entry) => entry.status === 503 && entry.fault === undefined,
      ).length;
      // The faults really happened (a soak that injects nothing proves nothing).
      expect(faultsSeen).toBeGreaterThan(CALLS / 10);
      expect(aborted.length).toBeGreaterThan(0);

      process.off('unhandledRejection', onUnhandled);
      expect(unhandled).toEqual([]);

      // Closing the client and the server leaves nothing running.
      avala.dispose();
      await target.close();
      client = undefined;
      sandbox = undefined;
      const after = await handlesAfterSettling(baseline);
      expect(after.timers).toBeLessThanOrEqual(baseline.timers);
      expect(after.sockets).toBeLessThanOrEqual(baseline.sockets);

      // …and keeps nothing of the calls: once the test lets go of their values and errors they
      // are collected, and the heap is back near where it started.
      const kept = outcomes
        .filter((outcome): outcome is object => typeof outcome === 'object' && outcome !== null)
        .map((outcome) => new WeakRef(outcome));
      outcomes.fill(undefined);
      failures.length = 0;
      // The sandbox's own store of what the calls created is not the client's to free.
      target.reset();
      // A WeakRef keeps its target alive until the current job ends.
      await new Promise((resolve) => setTimeout(resolve, 10));
      const heapGrowth = heapAfterCollection() - heapBaseline;
      expect(kept.filter((ref) => ref.deref() !== undefined).length).toBeLessThanOrEqual(2);
      expect(heapGrowth).toBeLessThan(MAX_HEAP_GROWTH_BYTES);

      console.info(
        `soak: ${CALLS} calls, ${requestCount} requests, ${faultsSeen} injected faults answered (+${maintenance503} maintenance 503s), ${aborted.length} caller aborts, ${failedCount} calls failed, 0 lost, ${Date.now() - started} ms (${faultsQueued} faults queued), heap ${(heapGrowth / 1048576).toFixed(1)} MB over its baseline`,
      );
    },
    Math.max(15_000, CALLS * 40),
  );
});
