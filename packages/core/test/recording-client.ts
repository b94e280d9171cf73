import { afterEach } from 'vitest';
import { type AvalaClient, type AvalaEvent, createAvalaClient } from '../src/index.js';
import type { AvalaClientOptions } from '../src/types/options.js';

// Shared by the Node harness (test/client) and the Chromium helpers (test/browser): it imports
// nothing from the sandbox, whose server cannot load in a page.

/** Retries in milliseconds, not seconds: tests stay fast, the logic is the same. */
export const FAST_RETRY = { baseDelayMs: 1, maxDelayMs: 5 } as const;

/** Where a test client points: a sandbox, or nothing (the test gives `baseUrl` itself). */
export interface ClientTarget {
  apiUrl: string;
  keys: { admin: string };
}

const clients: AvalaClient[] = [];

afterEach(() => {
  for (const client of clients.splice(0)) client.dispose();
});

/**
 * A client of `target` with the admin key, fast retries and no tab channel, recording its
 * events; disposed after the test.
 */
export function recordingClient(
  target: ClientTarget | undefined,
  options: AvalaClientOptions = {},
): { client: AvalaClient; events: AvalaEvent[] } {
  const events: AvalaEvent[] = [];
  const client = createAvalaClient({
    baseUrl: target?.apiUrl,
    apiKey: target?.keys.admin,
    retry: FAST_RETRY,
    rateLimit: { broadcastChannel: false },
    ...options,
    onEvent: (event) => {
      events.push(event);
      options.onEvent?.(event);
    },
  });
  clients.push(client);
  return { client, events };
}

/** What a promise rejected with; fails the test if it resolved. */
export async function failureOf(promise: Promise<unknown>): Promise<unknown> {
  try {
    await promise;
  } catch (error) {
    return error;
  }
  throw new Error('expected the call to fail, it succeeded');
}
