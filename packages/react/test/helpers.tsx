import {
  type AvalaClient,
  type AvalaClientOptions,
  type AvalaEvent,
  createAvalaClient,
} from '@avala-fetch/core';
import { type Sandbox, type SandboxOptions, startSandbox } from '@avala-fetch/sandbox';
import { QueryClient } from '@tanstack/react-query';
import { cleanup, configure } from '@testing-library/react';
import { type ReactNode, Suspense } from 'react';
import { afterAll, afterEach, beforeAll, beforeEach } from 'vitest';
import { AvalaProvider, type AvalaProviderProps } from '../src/index.js';

// Real HTTP on a busy CI machine: give findBy*/waitFor more than the 1 s default before failing.
configure({ asyncUtilTimeout: 5_000 });

/** Tiny backoff so retried calls finish in milliseconds; the default limit (3) stays. */
export const FAST_RETRY = { baseDelayMs: 1, maxDelayMs: 10 } as const;

/** The default policy's retry limit: an always-failing call makes `RETRY_LIMIT + 1` requests. */
export const RETRY_LIMIT = 3;

/** A client on the sandbox with the admin key, fast retries and no cross-tab channel. */
export function createTestClient(
  sandbox: Sandbox,
  options: Partial<AvalaClientOptions> = {},
): AvalaClient {
  return createAvalaClient({
    baseUrl: sandbox.apiUrl,
    apiKey: sandbox.keys.admin,
    retry: FAST_RETRY,
    rateLimit: { broadcastChannel: false },
    ...options,
  });
}

/** A fresh QueryClient; `gcTime: Infinity` schedules no garbage-collection timers. */
export function createTestQueryClient(gcTime = Number.POSITIVE_INFINITY): QueryClient {
  return new QueryClient({ defaultOptions: { queries: { gcTime }, mutations: { gcTime } } });
}

/** A `wrapper` for render/renderHook: the provider under test. */
export function providerWrapper(props: Omit<AvalaProviderProps, 'children'>) {
  // Created once per test (not per render), so React keeps one provider across rerenders.
  return ({ children }: { children: ReactNode }) => (
    <AvalaProvider {...props}>{children}</AvalaProvider>
  );
}

/** A `wrapper` like {@link providerWrapper} with a Suspense boundary inside, for the suspense hooks. */
export function suspenseWrapper(props: Omit<AvalaProviderProps, 'children'>) {
  return ({ children }: { children: ReactNode }) => (
    <AvalaProvider {...props}>
      <Suspense fallback={null}>{children}</Suspense>
    </AvalaProvider>
  );
}

/** The requests the sandbox received whose path (under /api/v1) starts with `prefix`. */
export function requestsTo(sandbox: Sandbox, prefix: string) {
  return sandbox.log.filter((entry) => entry.path.startsWith(`/api/v1${prefix}`));
}

/** Records a client's events. */
export function recordEvents(client: AvalaClient): AvalaEvent[] {
  const events: AvalaEvent[] = [];
  client.subscribe((event) => events.push(event));
  return events;
}

/**
 * A hand-written Standard Schema (the interface zod 4 implements), so the tests need no schema
 * library: `pick` is the parser, `T` its output type.
 */
export function schemaOf<T>(pick: (value: unknown) => T) {
  return {
    '~standard': {
      version: 1 as const,
      vendor: 'test',
      validate: (value: unknown) => ({ value: pick(value) }),
      // Type-only: Standard Schema reads the output type from here.
      types: undefined as unknown as { input: unknown; output: T },
    },
  };
}

/** What {@link sandboxSuite} gives each test: fresh every test but the sandbox itself. */
export interface SandboxSuite {
  sandbox: Sandbox;
  client: AvalaClient;
  queryClient: QueryClient;
}

/**
 * One sandbox for the file (started before, closed after), reset before each test, with a
 * fresh test client and QueryClient per test; after each test the DOM is cleaned up, the
 * cache cleared and the client disposed.
 */
export function sandboxSuite(options: SandboxOptions = { rateLimit: false }): SandboxSuite {
  const suite = {} as SandboxSuite;
  beforeAll(async () => {
    suite.sandbox = await startSandbox({ port: 0, ...options });
  });
  afterAll(async () => {
    await suite.sandbox.close();
  });
  beforeEach(() => {
    suite.sandbox.reset();
    suite.client = createTestClient(suite.sandbox);
    suite.queryClient = createTestQueryClient();
  });
  afterEach(() => {
    cleanup();
    suite.queryClient.clear();
    suite.client.dispose();
  });
  return suite;
}
