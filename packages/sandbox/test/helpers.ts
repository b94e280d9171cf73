import { afterEach, beforeEach, expect, vi } from 'vitest';
import { type Sandbox, type SandboxOptions, startSandbox } from '../src/index.js';

/** Starts a fresh sandbox on a free port before each test and closes it after. */
export function useSandbox(options: SandboxOptions = {}): { readonly sandbox: Sandbox } {
  let current: Sandbox | undefined;
  beforeEach(async () => {
    current = await startSandbox({ port: 0, ...options });
  });
  afterEach(async () => {
    await current?.close();
    current = undefined;
  });
  return {
    get sandbox() {
      if (!current) throw new Error('useSandbox: no sandbox outside a test');
      return current;
    },
  };
}

/** Options of {@link call}: `key` defaults to the admin key (`null` sends none), `json` is sent as the body. */
export interface CallInit extends Omit<RequestInit, 'body'> {
  key?: string | null;
  json?: unknown;
  body?: BodyInit;
}

/** A request to the sandbox API (`path` under `/api/v1`, or an absolute URL). */
export function call(sandbox: Sandbox, path: string, init: CallInit = {}): Promise<Response> {
  const { key = sandbox.keys.admin, json, headers, ...rest } = init;
  const merged = new Headers(headers);
  if (key !== null) merged.set('X-Avala-Api-Key', key);
  if (json !== undefined) merged.set('Content-Type', 'application/json');
  const url = path.startsWith('http') ? path : `${sandbox.apiUrl}${path}`;
  return fetch(url, {
    ...rest,
    headers: merged,
    ...(json !== undefined ? { body: JSON.stringify(json) } : {}),
  });
}

/** A request to the chaos routes under `/__sandbox`. */
export function admin(
  sandbox: Sandbox,
  method: string,
  path: string,
  json?: unknown,
): Promise<Response> {
  return fetch(`${sandbox.url}/__sandbox${path}`, {
    method,
    ...(json !== undefined
      ? { headers: { 'Content-Type': 'application/json' }, body: JSON.stringify(json) }
      : {}),
  });
}

/**
 * Resolves once every queued fault was taken by a request: after injecting a `delay`
 * fault, the request is then waiting in it (no guessing with sleeps).
 */
export async function faultsTaken(sandbox: Sandbox): Promise<void> {
  await vi.waitFor(
    async () => expect(await (await admin(sandbox, 'GET', '/faults')).json()).toEqual([]),
    { timeout: 5_000, interval: 10 },
  );
}

/** A clock tests move by hand (the `now` option). */
export function manualClock(start = Date.parse('2026-03-01T12:00:00Z')) {
  let time = start;
  return {
    now: () => time,
    advance(ms: number) {
      time += ms;
    },
  };
}

/** The dataset body that passes validation (the slug is made from the name). */
export const validDataset = (name = 'New dataset') => ({
  name,
  slug: name.toLowerCase().replace(/[^a-z0-9]+/g, '-'),
  data_type: 'image',
  description: 'Created by a test.',
  visibility: 'public',
  filters: { split: 'train' },
  items: [{ weight: 0.5 }, { weight: 1 }],
});

/** The body of a 400 with these field errors, in the shape the `fieldErrors` option picks. */
export function fieldErrorBody(shape: 'wrapped' | 'root', errors: Record<string, unknown>) {
  return shape === 'wrapped' ? { detail: errors } : errors;
}
