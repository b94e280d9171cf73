import type { Context, MiddlewareHandler } from 'hono';
import type { SandboxEnv } from '../env.js';
import { type ApiKeyRecord, findKey } from '../keys.js';
import { clientIp, detail, permissionDenied } from '../responses.js';

const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

/**
 * Key authentication (`X-Avala-Api-Key`), then the role check. As in DRF, permissions
 * are checked before the body is even parsed: a read-only key gets 403 for any write,
 * however invalid its body. Public paths accept anonymous callers, but a key that is
 * sent must still be valid.
 */
export function auth({
  isPublic,
}: {
  isPublic: (path: string) => boolean;
}): MiddlewareHandler<SandboxEnv> {
  return async (c, next) => {
    const key = c.req.header('X-Avala-Api-Key')?.trim();
    if (!key) {
      if (!isPublic(c.req.path))
        return unauthorized(c, 'Authentication credentials were not provided.');
      c.set('caller', { kind: 'anonymous', ip: clientIp(c) });
      return next();
    }
    const record = findKey(key);
    if (!record) return unauthorized(c, 'Invalid API key.');
    if (record.revoked) return unauthorized(c, 'API key has been revoked.');
    if (record.role === 'readonly' && !SAFE_METHODS.has(c.req.method)) return permissionDenied(c);
    c.set('caller', { kind: 'key', record });
    return next();
  };
}

/** The key record of an authenticated request (routes behind `auth` that are not public). */
export function keyOf(c: Context<SandboxEnv>): ApiKeyRecord {
  const caller = c.get('caller');
  if (caller.kind !== 'key') throw new Error('This route needs an authenticated caller');
  return caller.record;
}

function unauthorized(c: Context<SandboxEnv>, text: string): Response {
  // DRF sends WWW-Authenticate with every 401 (without it, it answers 403 instead).
  c.header('WWW-Authenticate', 'Api-Key');
  return detail(c, 401, text);
}
