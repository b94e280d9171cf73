import { Hono } from 'hono';
import { adminRoutes } from './admin.js';
import type { SandboxEnv } from './env.js';
import { auth } from './middleware/auth.js';
import { bodyLimit } from './middleware/body-limit.js';
import { corsPolicy } from './middleware/cors.js';
import { faults } from './middleware/faults.js';
import { requestLog } from './middleware/log.js';
import { maintenance } from './middleware/maintenance.js';
import { rateLimitHeaders, throttle } from './middleware/throttle.js';
import { detail, notFound } from './responses.js';
import { autoLabelJobRoutes } from './routes/auto-label-jobs.js';
import { datasetRoutes } from './routes/datasets.js';
import { exportRoutes } from './routes/exports.js';
import { healthRoutes } from './routes/health.js';
import { inferenceRoutes } from './routes/inference.js';
import { manualUploadRoutes } from './routes/manual-upload.js';
import { projectRoutes } from './routes/projects.js';
import type { SandboxState } from './state.js';
import { storageRoutes } from './storage.js';

/** Where the Avala API lives on the sandbox, as on `api.avala.ai`. */
export const API_PREFIX = '/api/v1';

const isHealthCheck = (path: string) => path === `${API_PREFIX}/health/`;

/**
 * The sandbox as a Hono app. Middleware runs in the order a real deployment applies it:
 * the access log sees everything, CORS and the body limit sit at the edge, maintenance and
 * faults happen before the application (a proxy or a crashing process answers), then the
 * application authenticates, throttles and routes. The rate-limit headers are added on the
 * way out, around all of it, so no response under `/api/v1` goes without them.
 */
export function createApp(state: SandboxState): Hono<SandboxEnv> {
  const { options } = state;
  const app = new Hono<SandboxEnv>();
  const api = `${API_PREFIX}/*`;

  app.use(api, requestLog(state.log, options.now));
  // Outside everything below so preflights, 401s, 503s and faults carry the headers too.
  app.use(api, rateLimitHeaders(state.limiter, options.rateLimit));
  app.use('*', corsPolicy(options.corsOrigins));
  app.use(
    api,
    bodyLimit(options.maxBodyBytes, (c) =>
      detail(c, 413, `Request body is too large: the limit is ${options.maxBodyBytes} bytes.`),
    ),
  );
  app.use(api, maintenance(state.maintenance, { exempt: isHealthCheck }));
  app.use(api, faults(state.faults, state.delays));
  app.use(api, auth({ isPublic: isHealthCheck }));
  app.use(api, throttle(state.limiter, options.rateLimit));
  // The routes' 400s read the `fieldErrors` option from here (see `validationFailed`).
  app.use(api, async (c, next) => {
    c.set('fieldErrorShape', options.fieldErrors);
    await next();
  });

  app.route(API_PREFIX, healthRoutes());
  // Before the datasets: `/datasets/{uid}/` and `/datasets/{owner}/{slug}/` match its paths too.
  app.route(API_PREFIX, manualUploadRoutes(state));
  app.route(API_PREFIX, datasetRoutes(state));
  app.route(API_PREFIX, projectRoutes(state));
  app.route(API_PREFIX, autoLabelJobRoutes(state));
  app.route(API_PREFIX, exportRoutes(state));
  app.route(API_PREFIX, inferenceRoutes());
  // Sandbox-only, outside the API: the storage upload forms point at, and the chaos controls.
  app.route('/', storageRoutes(state));
  app.route('/__sandbox', adminRoutes(state));
  app.get('/__sandbox/', (c) => c.redirect('/__sandbox'));

  app.notFound(notFound);
  app.onError((error, c) => {
    // A bug in the sandbox must not take the process down; answer like DRF's default 500.
    console.error('[sandbox]', error);
    return detail(c, 500, 'A server error occurred.');
  });
  return app;
}
