/**
 * The sandbox's chaos controls (`/__sandbox/…`, outside the Avala API). These are plain
 * `fetch` calls on purpose: they are test-bench switches, not API calls the client handles.
 */
// Types only: the sandbox runs in Node; this page reads its log over HTTP.
import type { SandboxLogEntry } from '@avala-fetch/sandbox';
import { demoConfig } from './config.js';

/** A failure the Chaos screen can inject into the next request. */
export type ChaosFault =
  | { type: 'status'; status: number }
  | { type: 'html500' }
  | { type: 'drop' }
  | { type: 'delay'; delayMs: number };

export type { SandboxLogEntry };

async function admin(method: string, path: string, body?: unknown): Promise<unknown> {
  const response = await fetch(`${demoConfig.sandboxUrl}/__sandbox${path}`, {
    method,
    headers: body === undefined ? undefined : { 'Content-Type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  if (!response.ok) throw new Error(`Sandbox ${method} ${path} answered ${response.status}`);
  const text = await response.text();
  return text ? JSON.parse(text) : undefined;
}

// The sandbox cannot be asked whether it is in maintenance, so the page remembers what it
// last set, for the switch to show the truth after a person leaves the screen and returns.
let maintenanceOn = false;

/** Whether this page last put the sandbox in maintenance. */
export function isMaintenanceOn(): boolean {
  return maintenanceOn;
}

/** Starts (with a short `Retry-After`) or ends maintenance. */
export async function setMaintenance(on: boolean): Promise<unknown> {
  const result = on
    ? await admin('POST', '/maintenance', { retryAfterS: 2 })
    : await admin('DELETE', '/maintenance');
  maintenanceOn = on;
  return result;
}

/**
 * Makes the Chaos screen's next probe (`GET /datasets/`) fail with `fault`; scoped to it so
 * no other request the page happens to send takes the fault instead.
 */
export function injectFault(fault: ChaosFault): Promise<unknown> {
  return admin('POST', '/faults', { count: 1, method: 'GET', path: '/datasets/', ...fault });
}

/**
 * A network outage: every API connection is dropped for `ms`, then they work again. Not
 * "drop the next request": a browser silently resends a request whose reused connection
 * dropped (over each idle pooled connection), so a one-shot drop may never reach the page.
 */
export async function dropConnectionsFor(ms: number, whileDown: () => void): Promise<void> {
  await admin('POST', '/faults', { type: 'drop', count: 'Infinity' });
  try {
    whileDown();
    await new Promise((resolve) => setTimeout(resolve, ms));
  } finally {
    await admin('DELETE', '/faults');
  }
}

/** Back to the seeded data, no faults, no maintenance, fresh rate-limit windows. */
export async function resetSandbox(): Promise<unknown> {
  const result = await admin('POST', '/reset');
  maintenanceOn = false;
  return result;
}

/** The requests the sandbox received, oldest first. */
export async function sandboxLog(): Promise<SandboxLogEntry[]> {
  const body = await admin('GET', '/log');
  if (Array.isArray(body)) return body as SandboxLogEntry[];
  const entries = (body as { entries?: unknown } | undefined)?.entries;
  return Array.isArray(entries) ? (entries as SandboxLogEntry[]) : [];
}

/** The sandbox's upload limit per file (`maxUploadBytes`), to refuse a larger file before sending. */
export async function sandboxUploadLimit(): Promise<number | undefined> {
  const body = (await admin('GET', '')) as { maxUploadBytes?: unknown } | undefined;
  return typeof body?.maxUploadBytes === 'number' ? body.maxUploadBytes : undefined;
}

/** The sandbox's rate-limit window (`rateLimit.windowMs`), for the burst panel's estimate. */
export async function sandboxWindowMs(): Promise<number | undefined> {
  const body = (await admin('GET', '')) as { rateLimit?: { windowMs?: unknown } | false };
  const windowMs = body?.rateLimit ? body.rateLimit.windowMs : undefined;
  return typeof windowMs === 'number' ? windowMs : undefined;
}
