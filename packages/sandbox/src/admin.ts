import { Hono } from 'hono';
import type { SandboxEnv } from './env.js';
import type { SandboxState } from './state.js';

/** Chaos controls over HTTP, under `/__sandbox/` (no key needed). */
export function adminRoutes(_state: SandboxState): Hono<SandboxEnv> {
  const app = new Hono<SandboxEnv>();
  return app;
}
