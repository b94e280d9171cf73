/**
 * The sandbox's chaos controls (`/__sandbox/…`, outside the Avala API). These are plain
 * `fetch` calls on purpose: they are test-bench switches, not API calls the client handles.
 */
import { demoConfig } from './config.js';

/** A failure the Chaos screen can inject into the next request. */
export type ChaosFault =
  | { type: 'status'; status: number }
  | { type: 'html500' }
  | { type: 'drop' }
  | { type: 'delay'; delayMs: number };

/** One request the sandbox saw. */
export interface SandboxLogEntry {
  method: string;
  path: string;
  query?: string;
  status: number;
  key?: string;
  at: number;
  aborted?: boolean;
  fault?: string;
}

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

/** Starts (with a short `Retry-After`) or ends maintenance. */
export function setMaintenance(on: boolean): Promise<unknown> {
  return on ? admin('POST', '/maintenance', { retryAfterS: 2 }) : admin('DELETE', '/maintenance');
}

/** Makes the next API request fail with `fault`. */
export function injectFault(fault: ChaosFault): Promise<unknown> {
  return admin('POST', '/faults', { ...fault, count: 1 });
}

/** Back to the seeded data, no faults, no maintenance, fresh rate-limit windows. */
export function resetSandbox(): Promise<unknown> {
  return admin('POST', '/reset');
}

/** The requests the sandbox received, oldest first. */
export async function sandboxLog(): Promise<SandboxLogEntry[]> {
  const body = await admin('GET', '/log');
  if (Array.isArray(body)) return body as SandboxLogEntry[];
  const entries = (body as { entries?: unknown } | undefined)?.entries;
  return Array.isArray(entries) ? (entries as SandboxLogEntry[]) : [];
}
