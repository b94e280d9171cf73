import { type Sandbox, startSandbox } from '@avala-fetch/sandbox';
import { afterEach, describe, expect, it } from 'vitest';
import { createGovernor, type Governor } from '../../src/governor/index.js';
import type { RateLimitOptions } from '../../src/types/options.js';

// Real HTTP on loopback against the sandbox: the governor alone keeps the client inside
// the limits; the helper below only does what the client does around each attempt.

const adminKey = 'avk_sandbox_admin';
let sandbox: Sandbox | undefined;
let governors: Governor[] = [];

afterEach(async () => {
  for (const governor of governors) governor.dispose();
  governors = [];
  await sandbox?.close();
  sandbox = undefined;
});

function governor(options: Partial<RateLimitOptions> = {}): Governor {
  const made = createGovernor({ broadcastChannel: false, ...options });
  governors.push(made);
  return made;
}

/**
 * `fetch` through the governor, like the client: one permit per attempt, released with the
 * response. A 429 is sent again; the governor itself holds it until `Retry-After` has passed.
 */
async function governedFetch(
  gov: Governor,
  base: string,
  path: string,
  init: { method?: string; body?: unknown } = {},
): Promise<Response> {
  const method = init.method ?? 'GET';
  for (;;) {
    const permit = await gov.acquire({ method, path });
    let response: Response;
    try {
      response = await fetch(`${base}${path}`, {
        method,
        headers: { 'X-Avala-Api-Key': adminKey, 'Content-Type': 'application/json' },
        ...(init.body === undefined ? {} : { body: JSON.stringify(init.body) }),
      });
    } catch (error) {
      permit.release();
      throw error;
    }
    permit.release(response);
    if (response.status !== 429) return response;
    await response.body?.cancel();
  }
}

/** The 429s the sandbox answered, as times of day in ms. */
function throttledAt(box: Sandbox): number[] {
  return box.log
    .filter((entry) => entry.status === 429)
    .map((entry) => new Date(entry.at).getTime())
    .sort((a, b) => a - b);
}

/** Whether any two 429s fall within one window of each other. */
function twoInOneWindow(times: number[], windowMs: number): boolean {
  return times.some((time, i) => i > 0 && time - (times[i - 1] ?? 0) < windowMs);
}

describe('governor against the sandbox', () => {
  it('gets 5×limit requests through with at most one 429 per window', {
    timeout: 30_000,
  }, async () => {
    const windowMs = 1000;
    sandbox = await startSandbox({
      port: 0,
      rateLimit: { limit: 10, windowMs, burst: 10, burstWindowMs: 1000 },
    });
    const gov = governor({ burstPerSecond: 10 });
    const box = sandbox;
    const responses = await Promise.all(
      Array.from({ length: 50 }, () => governedFetch(gov, box.apiUrl, '/datasets/?limit=1')),
    );
    await Promise.all(responses.map((response) => response.body?.cancel()));

    expect(responses.map((response) => response.status)).toEqual(Array(50).fill(200));
    const throttled = throttledAt(box);
    expect(twoInOneWindow(throttled, windowMs)).toBe(false);
    expect(box.log.filter((entry) => entry.status === 200)).toHaveLength(50);
    expect(gov.state).toMatchObject({ limit: 10, queued: 0, inFlight: 0 });
  });

  it('shares one budget between two clients on one BroadcastChannel', {
    timeout: 30_000,
  }, async () => {
    const windowMs = 1000;
    sandbox = await startSandbox({
      port: 0,
      rateLimit: { limit: 10, windowMs, burst: 10, burstWindowMs: 1000 },
    });
    const channel = `avala-fetch-sandbox-${Math.random().toString(36).slice(2)}`;
    const tabs = [
      governor({ burstPerSecond: 10, broadcastChannel: channel }),
      governor({ burstPerSecond: 10, broadcastChannel: channel }),
    ];
    const box = sandbox;
    const responses = await Promise.all(
      Array.from({ length: 30 }, (_, i) =>
        governedFetch(tabs[i % 2] as Governor, box.apiUrl, '/datasets/?limit=1'),
      ),
    );
    await Promise.all(responses.map((response) => response.body?.cancel()));

    expect(responses.every((response) => response.status === 200)).toBe(true);
    expect(twoInOneWindow(throttledAt(box), windowMs)).toBe(false);
  });

  it('never has more than 5 export jobs running from 8 started at once', {
    timeout: 30_000,
  }, async () => {
    const exportDurationMs = 300;
    sandbox = await startSandbox({
      port: 0,
      exportDurationMs,
      rateLimit: { limit: 1000, windowMs: 60_000, burst: 100, burstWindowMs: 1000 },
    });
    const box = sandbox;
    const gov = governor({ burstPerSecond: 100 });
    const list = await governedFetch(gov, box.apiUrl, '/datasets/?limit=1');
    const { results } = (await list.json()) as { results: { uid: string }[] };
    const dataset = results[0]?.uid;

    let running = 0;
    let mostRunning = 0;
    /** Starts an export and keeps its pool slot until the job is over, as an export helper would. */
    async function runExport(): Promise<number> {
      const permit = await gov.acquire({ method: 'POST', path: '/exports/' });
      const endJob = permit.retainSlot();
      const response = await fetch(`${box.apiUrl}/exports/`, {
        method: 'POST',
        headers: { 'X-Avala-Api-Key': adminKey, 'Content-Type': 'application/json' },
        body: JSON.stringify({ dataset }),
      });
      permit.release(response);
      if (response.status !== 201) {
        endJob();
        return response.status;
      }
      running++;
      mostRunning = Math.max(mostRunning, running);
      const { uid } = (await response.json()) as { uid: string };
      for (;;) {
        const poll = await governedFetch(gov, box.apiUrl, `/exports/${uid}/`);
        const { status } = (await poll.json()) as { status: string };
        if (status === 'exported' || status === 'failed') break;
        await new Promise((resolve) => setTimeout(resolve, 25));
      }
      running--;
      endJob();
      return 201;
    }

    const statuses = await Promise.all(Array.from({ length: 8 }, runExport));
    expect(statuses).toEqual(Array(8).fill(201));
    expect(box.log.filter((entry) => entry.status === 429)).toEqual([]);
    expect(mostRunning).toBe(5);
  });
});
