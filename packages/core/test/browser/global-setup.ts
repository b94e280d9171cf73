import { type Sandbox, type SandboxKeys, startSandbox } from '@avala-fetch/sandbox';
import type { TestProject } from 'vitest/node';

/** Where a browser test finds a sandbox: the page cannot start one, it can only call it. */
export interface BrowserSandbox {
  /** Origin, e.g. `http://127.0.0.1:54321` (another origin than the test page). */
  url: string;
  /** `${url}/api/v1`. */
  apiUrl: string;
  keys: SandboxKeys;
  /** Requests per key per window, and the window. */
  rateLimit: { limit: number; windowMs: number };
}

/** The limit of the `tight` sandbox: small enough to run through twice in a test. */
const TIGHT_LIMIT = { limit: 10, windowMs: 1000 };

declare module 'vitest' {
  interface ProvidedContext {
    /** The sandbox most tests use, with its default rate limits. */
    sandbox: BrowserSandbox;
    /** A sandbox with `TIGHT_LIMIT`, for the shared-budget test. */
    tightSandbox: BrowserSandbox;
    /** A second origin a redirect points at; its log must stay empty. */
    otherOrigin: BrowserSandbox;
  }
}

/**
 * The sandboxes run in Node, beside Vitest; the tests in Chromium reach them over loopback
 * HTTP (cross-origin, so CORS is exercised) and drive chaos through `/__sandbox/` routes.
 */
export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const started: Sandbox[] = [];
  const start = async (rateLimit = { limit: 100, windowMs: 60_000 }): Promise<BrowserSandbox> => {
    const sandbox = await startSandbox({
      port: 0,
      // The API's bursts of 20 a second; the tight sandbox's burst is its (1 s) limit.
      rateLimit: { ...rateLimit, burst: Math.min(rateLimit.limit, 20), burstWindowMs: 1000 },
    });
    started.push(sandbox);
    return { url: sandbox.url, apiUrl: sandbox.apiUrl, keys: sandbox.keys, rateLimit };
  };
  try {
    project.provide('sandbox', await start());
    project.provide('tightSandbox', await start(TIGHT_LIMIT));
    project.provide('otherOrigin', await start());
  } catch (error) {
    await Promise.all(started.map((sandbox) => sandbox.close()));
    throw error;
  }
  return async () => {
    await Promise.all(started.map((sandbox) => sandbox.close()));
  };
}
