import { Hono } from 'hono';
import type { SandboxEnv } from './env.js';
import { SANDBOX_KEYS } from './keys.js';
import { bodyLimit } from './middleware/body-limit.js';
import { detail, readJson, rejectOtherMethods } from './responses.js';
import type { SandboxState } from './state.js';
import type { SandboxFault, SandboxMaintenance } from './types.js';
import { isPlainObject } from './validation.js';

/**
 * Chaos controls over HTTP, under `/__sandbox/` (outside the Avala API, no key needed),
 * mirroring the `Sandbox` object for clients that run in another process (the demo's
 * chaos screen, a browser). Bad input answers 400 `{detail}`.
 */
export function adminRoutes(state: SandboxState): Hono<SandboxEnv> {
  const app = new Hono<SandboxEnv>();
  const { options, store } = state;
  const jsonLimit = bodyLimit(options.maxBodyBytes, (c) =>
    c.json({ detail: 'Request body is too large.' }, 413),
  );

  app.get('/', (c) =>
    c.json({
      keys: SANDBOX_KEYS,
      rateLimit: options.rateLimit,
      exportDurationMs: options.exportDurationMs,
      maxBodyBytes: options.maxBodyBytes,
      maxUploadBytes: options.maxUploadBytes,
      routes: [
        'POST /__sandbox/maintenance {retryAfterS?, durationMs?}',
        'DELETE /__sandbox/maintenance',
        'GET|POST|DELETE /__sandbox/faults',
        'GET|DELETE /__sandbox/log',
        'POST /__sandbox/reset',
        'POST /__sandbox/storage/ (the presigned upload forms point here)',
      ],
    }),
  );

  app.post('/maintenance', jsonLimit, async (c) => {
    const body = await readJson(c);
    if (!body.ok) return body.response;
    if (!isPlainObject(body.data)) return detail(c, 400, 'Expected a JSON object.');
    const { retryAfterS, durationMs } = body.data;
    if (!optionalNumber(retryAfterS) || !optionalNumber(durationMs)) {
      return detail(c, 400, 'retryAfterS and durationMs must be numbers ≥ 0 when given.');
    }
    const settings: SandboxMaintenance = {};
    if (retryAfterS !== undefined) settings.retryAfterS = retryAfterS;
    if (durationMs !== undefined) settings.durationMs = durationMs;
    state.maintenance.start(settings);
    return c.json({ maintenance: true, ...settings });
  });

  app.delete('/maintenance', (c) => {
    state.maintenance.end();
    return c.body(null, 204);
  });

  app.get('/faults', (c) =>
    c.json(
      state.faults.list().map(({ fault, remaining }) => ({
        ...fault,
        path: fault.path instanceof RegExp ? String(fault.path) : fault.path,
        remaining: Number.isFinite(remaining) ? remaining : 'Infinity',
      })),
    ),
  );

  app.post('/faults', jsonLimit, async (c) => {
    const body = await readJson(c);
    if (!body.ok) return body.response;
    const fault = faultFromJson(body.data);
    if (typeof fault === 'string') return detail(c, 400, fault);
    try {
      state.faults.add(fault);
    } catch (error) {
      return detail(c, 400, error instanceof Error ? error.message : String(error));
    }
    return c.json({ queued: true, type: fault.type }, 201);
  });

  app.delete('/faults', (c) => {
    state.faults.clear();
    return c.body(null, 204);
  });

  app.get('/log', (c) => c.json(state.log.entries));

  app.delete('/log', (c) => {
    state.log.clear();
    return c.body(null, 204);
  });

  app.post('/reset', (c) => {
    state.reset();
    return c.body(null, 204);
  });

  // Where a finished export's `download_url` points.
  app.get('/files/exports/:file', (c) => {
    const job = store.getExport(c.req.param('file').replace(/\.json$/, ''));
    if (!job) return detail(c, 404, 'Not found.');
    return c.json({ export: job.uid, dataset: job.dataset, project: job.project });
  });

  return rejectOtherMethods(app);
}

/**
 * A fault from JSON, which has no RegExp or Infinity: `pathPattern` (a RegExp source)
 * stands for a RegExp `path`, and `count` may be `"Infinity"` or `null` for no limit.
 */
function faultFromJson(data: unknown): SandboxFault | string {
  if (!isPlainObject(data)) return 'Expected a JSON object describing the fault.';
  const { pathPattern, count, ...rest } = data;
  const fault = { ...rest } as Record<string, unknown>;
  if (count === 'Infinity' || count === null) fault.count = Number.POSITIVE_INFINITY;
  else if (count !== undefined) fault.count = count;
  if (pathPattern !== undefined) {
    if (typeof pathPattern !== 'string') return 'pathPattern must be a string.';
    try {
      fault.path = new RegExp(pathPattern);
    } catch {
      return `pathPattern is not a valid regular expression: ${pathPattern}`;
    }
  }
  for (const name of ['count', 'status', 'retryAfterS', 'delayMs'] as const) {
    if (fault[name] !== undefined && typeof fault[name] !== 'number') {
      return `${name} must be a number.`;
    }
  }
  if (fault.method !== undefined && typeof fault.method !== 'string')
    return 'method must be a string.';
  if (fault.headers !== undefined) {
    const headers = fault.headers;
    if (!isPlainObject(headers) || Object.values(headers).some((v) => typeof v !== 'string')) {
      return 'headers must be an object of strings.';
    }
  }
  return fault as unknown as SandboxFault;
}

function optionalNumber(value: unknown): value is number | undefined {
  return value === undefined || (typeof value === 'number' && value >= 0);
}
