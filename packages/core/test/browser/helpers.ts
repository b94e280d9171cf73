import type { SandboxFault, SandboxLogEntry } from '@avala-fetch/sandbox';
import { inject } from 'vitest';
import type { AvalaClient, AvalaEvent } from '../../src/index.js';
import type { AvalaClientOptions } from '../../src/types/options.js';
import { recordingClient } from '../recording-client.js';
import type { BrowserSandbox } from './global-setup.js';

export { FAST_RETRY, failureOf } from '../recording-client.js';

// Runs in Chromium: only types come from the sandbox package (it is a Node server); the
// page reaches the sandboxes started by global-setup.ts over HTTP.

export const sandbox = inject('sandbox');

/** Calls one of the sandbox's `/__sandbox/` admin routes from the page; fails on a non-2xx. */
async function admin(box: BrowserSandbox, method: string, route: string, body?: unknown) {
  const response = await fetch(`${box.url}/__sandbox/${route}`, {
    method,
    ...(body === undefined
      ? {}
      : { headers: { 'Content-Type': 'application/json' }, body: JSON.stringify(body) }),
  });
  if (!response.ok) throw new Error(`${method} /__sandbox/${route}: ${response.status}`);
  return response;
}

/** Store, rate-limit windows, faults, log and maintenance back to the start. */
export async function resetSandbox(box: BrowserSandbox = sandbox): Promise<void> {
  await admin(box, 'POST', 'reset');
}

/** Queues a fault; a RegExp path is not JSON, so faults here use string prefixes. */
export async function injectFault(
  fault: SandboxFault & { path?: string },
  box: BrowserSandbox = sandbox,
): Promise<void> {
  await admin(box, 'POST', 'faults', fault);
}

/**
 * What the sandbox received under `/api/v1`, oldest first, without CORS preflights:
 * Chromium caches those per URL, so whether one shows depends on which test ran first.
 */
export async function sandboxLog(
  box: BrowserSandbox = sandbox,
  { preflights = false } = {},
): Promise<SandboxLogEntry[]> {
  const log: SandboxLogEntry[] = await (await admin(box, 'GET', 'log')).json();
  return preflights ? log : log.filter((entry) => entry.method !== 'OPTIONS');
}

/**
 * A client of `box` with the admin key and fast retries, on a channel of its own unless
 * one is named (test files share the origin, so a shared default name would mix budgets);
 * disposed after the test.
 */
export function clientFor(
  box: BrowserSandbox = sandbox,
  options: AvalaClientOptions = {},
): { client: AvalaClient; events: AvalaEvent[] } {
  return recordingClient(box, options);
}
