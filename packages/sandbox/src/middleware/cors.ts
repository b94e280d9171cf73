import type { MiddlewareHandler } from 'hono';
import { cors } from 'hono/cors';

/** Browser pages served from the machine itself, on any port. */
const LOCAL_ORIGIN = /^https?:\/\/(localhost|127\.0\.0\.1|\[::1\])(:\d+)?$/;

/** Headers a browser client must be able to read to follow the rate limits. */
export const EXPOSED_HEADERS = [
  'X-RateLimit-Limit',
  'X-RateLimit-Remaining',
  'X-RateLimit-Reset',
  'Retry-After',
];

/**
 * CORS for browser clients (the demo, a dev server on another port): preflights answer
 * 204, the key header is allowed, and the rate-limit headers are exposed. The headers are
 * set before the rest runs, so error responses carry them too.
 */
export function corsPolicy(extraOrigins: readonly (string | RegExp)[] | '*'): MiddlewareHandler {
  return cors({
    origin: (origin) => (isAllowedOrigin(origin, extraOrigins) ? origin : null),
    allowMethods: ['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS'],
    allowHeaders: ['X-Avala-Api-Key', 'Content-Type'],
    exposeHeaders: EXPOSED_HEADERS,
    maxAge: 600,
  });
}

function isAllowedOrigin(origin: string, extra: readonly (string | RegExp)[] | '*'): boolean {
  if (origin === '') return false;
  if (extra === '*' || LOCAL_ORIGIN.test(origin)) return true;
  return extra.some((allowed) =>
    typeof allowed === 'string' ? allowed === origin : allowed.test(origin),
  );
}
