import { Hono } from 'hono';
import type { SandboxEnv } from '../env.js';
import { rejectOtherMethods } from '../responses.js';

/** The anonymous health check load balancers poll; it answers even during maintenance. */
export function healthRoutes(): Hono<SandboxEnv> {
  const app = new Hono<SandboxEnv>();
  app.get('/health/', (c) => c.json({ status: 'ok' }));
  return rejectOtherMethods(app);
}
