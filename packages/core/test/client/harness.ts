import { type Sandbox, type SandboxOptions, startSandbox } from '@avala-fetch/sandbox';
import { afterEach } from 'vitest';
import type { AvalaClient, AvalaEvent } from '../../src/index.js';

// Clients: one recording client helper for the Node and the Chromium tests.
export {
  FAST_RETRY,
  failureOf,
  recordingClient as clientFor,
} from '../recording-client.js';

const sandboxes: Sandbox[] = [];
afterEach(async () => {
  await Promise.all(sandboxes.splice(0).map((sandbox) => sandbox.close()));
});

/** A sandbox on a free loopback port, closed after the test. */
export async function sandboxFor(options: SandboxOptions = {}): Promise<Sandbox> {
  const sandbox = await startSandbox({ port: 0, ...options });
  sandboxes.push(sandbox);
  return sandbox;
}

/** The statuses the sandbox answered, in order. */
export function statuses(sandbox: Sandbox): number[] {
  return sandbox.log.map((entry) => entry.status);
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
