import { type Context, Hono } from 'hono';
import { cors } from 'hono/cors';
import { readBody } from './body.js';
import type { BudgetSnapshot, BudgetStore } from './budget/budget.js';
import { waitForBudget } from './budget/wait.js';
import { redactKey } from './forward.js';
import { hashId } from './hash.js';
import type { ResolvedOptions } from './options.js';
import { writeRateLimit } from './rate-limit-headers.js';
import { detail, storeUnavailable, throttled } from './responses.js';
import { checkTarget } from './target.js';
import type { RedisStatus } from './types.js';
import { callUpstream } from './upstream.js';

/** What the routes share: the options, the budget store and the Redis connection's state. */
export interface ProxyContext {
  options: ResolvedOptions;
  store: BudgetStore;
  redisStatus: () => RedisStatus;
}

interface ProxyEnv {
  Bindings: { incoming?: { url?: string } } | undefined;
  Variables: {
    /** The checked path and query under `/api/v1/`. */
    pathAndQuery: string;
    path: string;
    callerId: string;
  };
}

type Ctx = Context<ProxyEnv>;

/** The methods forwarded to the upstream (the ones Avala's API uses). */
export const FORWARDED_METHODS = ['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS'];

/**
 * The proxy's routes, with the checks in the order they must run: the target is checked
 * before anything else reads it, the caller is admitted before any budget is spent, and the
 * body is measured before anything is forwarded (docs/security.md).
 */
export function createApp(context: ProxyContext): Hono<ProxyEnv> {
  const { options, store } = context;
  const app = new Hono<ProxyEnv>();
  let lastSnapshot: BudgetSnapshot | undefined;
  // Lines are built from method, path and status only; redacting the key is the second lock.
  let lastKey = '';
  const log = (line: string) => options.log(redactKey(line, lastKey));

  // Every answer carries the shared budget as last seen, so browsers' governors see it.
  app.use('*', async (c, next) => {
    const started = Date.now();
    await next();
    if (lastSnapshot && !c.res.headers.has('X-RateLimit-Limit')) {
      writeRateLimit(c.res.headers, lastSnapshot);
    }
    // Method, checked path and status only: no query, no header, so no secret can reach a log.
    log(`${c.req.method} ${c.get('path') ?? '-'} ${c.res.status} ${Date.now() - started}ms`);
  });

  // Cross-origin browsers: a preflight carries no credentials, so it is answered before
  // admission; the budget headers are exposed so the browser's governor can read them.
  if (options.corsOrigins.length > 0) {
    app.use(
      '/api/v1/*',
      cors({
        origin: [...options.corsOrigins],
        allowHeaders: ['Authorization', 'Content-Type'],
        exposeHeaders: [
          'X-RateLimit-Limit',
          'X-RateLimit-Remaining',
          'X-RateLimit-Reset',
          'Retry-After',
        ],
        credentials: true,
        maxAge: 600,
      }),
    );
  }

  // Liveness of this instance, answered here and never forwarded; no caller check, no budget.
  app.get('/healthz', (c) => {
    c.set('path', '/healthz');
    return c.json({ ok: true, redis: context.redisStatus() });
  });

  app.all('/api/v1/*', refuseAbnormalTarget, refuseForeignMethod, admitCaller, async (c) => {
    const { method } = c.req;
    if (!options.allow({ method, path: c.get('path').slice('/api/v1'.length) })) {
      return detail(403, `This gateway does not allow ${method} ${c.get('path')}.`);
    }
    const body = await readBody(c.req.raw, options.maxBodyBytes);
    if (body instanceof Response) return body;

    const apiKey = await options.apiKey();
    lastKey = apiKey;
    const keyId = hashId(apiKey);
    let decision: Awaited<ReturnType<typeof waitForBudget>>;
    try {
      decision = await waitForBudget(
        store,
        keyId,
        c.get('callerId'),
        options.maxWaitMs,
        c.req.raw.signal,
      );
    } catch (error) {
      log(`budget: store unavailable (${(error as Error).message})`);
      return storeUnavailable();
    }
    lastSnapshot = decision.snapshot;
    if (!decision.granted) return throttled(decision.retryAfterMs, decision.snapshot);

    return callUpstream(options, store, {
      method,
      pathAndQuery: c.get('pathAndQuery'),
      headers: c.req.raw.headers,
      body,
      apiKey,
      keyId,
      callerId: c.get('callerId'),
      grantId: decision.grantId,
      sentAtMs: decision.nowMs,
      snapshot: decision.snapshot,
      signal: c.req.raw.signal,
      publicOrigin: new URL(c.req.url).origin,
    });
  });

  // Unknown paths are answered here, never forwarded; a raw target that would normalise into
  // `/api/v1/` (or out of it) is refused rather than routed.
  app.all('*', refuseAbnormalTarget, () => detail(404, 'Not found.'));

  app.onError((error) => {
    log(`error: ${(error as Error).message}`);
    return detail(500, 'The gateway failed to handle the request.');
  });

  async function refuseAbnormalTarget(c: Ctx, next: () => Promise<void>) {
    const raw = c.env?.incoming?.url;
    const check = checkTarget(
      typeof raw === 'string' ? raw : undefined,
      new URL(c.req.url),
      c.req.header('host'),
      options.allowedHosts,
    );
    if (!check.ok) return detail(check.status, check.reason);
    c.set('path', check.path);
    c.set('pathAndQuery', `${check.path}${check.search}`);
    await next();
  }

  async function admitCaller(c: Ctx, next: () => Promise<void>) {
    let verdict: boolean | string;
    try {
      verdict = await options.authorize(c.req.raw);
    } catch {
      verdict = false;
    }
    if (verdict === false || verdict === '') {
      return detail(401, 'Authentication credentials were not provided or are not valid.');
    }
    // Caller ids may be personal (an email): the store sees only their hash.
    c.set('callerId', verdict === true ? 'anonymous' : hashId(verdict));
    await next();
  }

  return app;
}

/**
 * Only the methods the Avala API serves are forwarded: TRACE would echo the request (the key
 * included) back, WebDAV verbs and the like have no meaning there. Others get DRF's 405.
 */
async function refuseForeignMethod(c: Ctx, next: () => Promise<void>) {
  if (!FORWARDED_METHODS.includes(c.req.method)) {
    return detail(405, `Method "${c.req.method}" not allowed.`, {
      Allow: FORWARDED_METHODS.join(', '),
    });
  }
  await next();
}
