import { type Sandbox, type SandboxOptions, startSandbox } from '@avala-fetch/sandbox';
import { afterEach } from 'vitest';
import { type AvalaClient, type AvalaEvent, createAvalaClient } from '../../src/index.js';
import type { AvalaClientOptions } from '../../src/types/options.js';

/** Retries in milliseconds, not seconds: tests stay fast, the logic is the same. */
export const FAST_RETRY = { baseDelayMs: 1, maxDelayMs: 5 } as const;

const sandboxes: Sandbox[] = [];
const clients: AvalaClient[] = [];

afterEach(async () => {
  for (const client of clients.splice(0)) client.dispose();
  await Promise.all(sandboxes.splice(0).map((sandbox) => sandbox.close()));
});

/** A sandbox on a free loopback port, closed after the test. */
export async function sandboxFor(options: SandboxOptions = {}): Promise<Sandbox> {
  const sandbox = await startSandbox({ port: 0, ...options });
  sandboxes.push(sandbox);
  return sandbox;
}

/** A client of `sandbox` with the admin key, fast retries and no tab channel; disposed after the test. */
export function clientFor(
  sandbox: Sandbox | undefined,
  options: AvalaClientOptions = {},
): { client: AvalaClient; events: AvalaEvent[] } {
  const events: AvalaEvent[] = [];
  const client = createAvalaClient({
    baseUrl: sandbox?.apiUrl,
    apiKey: sandbox?.keys.admin,
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

/** The statuses the sandbox answered, in order. */
export function statuses(sandbox: Sandbox): number[] {
  return sandbox.log.map((entry) => entry.status);
}

/** What a promise settled with: its rejection (or a marker if it resolved). */
export async function failureOf(promise: Promise<unknown>): Promise<unknown> {
  try {
    await promise;
  } catch (error) {
    return error;
  }
  throw new Error('expected the call to fail, it succeeded');
}

/** Resolves when the next event of `type` is emitted. */
export function nextEvent<T extends AvalaEvent['type']>(
  client: AvalaClient,
  type: T,
): Promise<Extract<AvalaEvent, { type: T }>> {
  return new Promise((resolve) => {
    const stop = client.subscribe((event) => {
      if (event.type === type) {
        stop();
        resolve(event as Extract<AvalaEvent, { type: T }>);
      }
    });
  });
}
