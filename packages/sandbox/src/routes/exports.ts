import { Hono } from 'hono';
import type { SandboxEnv } from '../env.js';
import { keyOf } from '../middleware/auth.js';
import { paginate } from '../pagination.js';
import { toRetryAfterSeconds } from '../rate-limiter.js';
import {
  detail,
  notFound,
  permissionDenied,
  readJson,
  rejectOtherMethods,
  validationFailed,
} from '../responses.js';
import type { SandboxState } from '../state.js';
import { type ExportJob, exportStatus } from '../store.js';
import { choice, string, validate } from '../validation.js';

const exportFields = {
  dataset: string({ required: true }),
  format: choice(['coco', 'yolo', 'avala-json']),
};

/**
 * `/exports/`: list, create, get, cancel. Jobs finish by themselves after
 * `exportDurationMs`. A key may have `maxRunningExports` (5) jobs pending or running; one
 * more answers 429 until the oldest finishes.
 */
export function exportRoutes({ store, options }: SandboxState): Hono<SandboxEnv> {
  const app = new Hono<SandboxEnv>();
  const statusOf = (job: ExportJob) => exportStatus(job, options.now(), options.exportDurationMs);
  const serialize = (job: ExportJob, origin: string) => {
    const status = statusOf(job);
    const finishedAt = job.createdAt + options.exportDurationMs;
    return {
      uid: job.uid,
      dataset: job.dataset,
      format: job.format,
      status,
      created_at: new Date(job.createdAt).toISOString(),
      finished_at: status === 'finished' ? new Date(finishedAt).toISOString() : null,
      cancelled_at: job.cancelledAt === null ? null : new Date(job.cancelledAt).toISOString(),
      download_url:
        status === 'finished' ? `${origin}/__sandbox/files/exports/${job.uid}.json` : null,
    };
  };

  app.get('/exports/', (c) => {
    const origin = new URL(c.req.url).origin;
    const page = paginate(store.listExports(keyOf(c).organization), c.req.url);
    if (!page) return detail(c, 404, 'Invalid cursor.');
    return c.json({ ...page, results: page.results.map((job) => serialize(job, origin)) });
  });

  app.post('/exports/', async (c) => {
    const record = keyOf(c);
    // A concurrency limit is a throttle: like DRF's, it applies before the body is read.
    const active = store.exportsOf(record.key).filter((job) => {
      const status = statusOf(job);
      return status === 'pending' || status === 'running';
    });
    if (active.length >= options.maxRunningExports) {
      const firstDone = Math.min(...active.map((job) => job.createdAt)) + options.exportDurationMs;
      const seconds = toRetryAfterSeconds(firstDone - options.now());
      c.header('Retry-After', String(seconds));
      return detail(
        c,
        429,
        `Too many export jobs running: at most ${options.maxRunningExports} at once per key. Expected available in ${seconds} seconds.`,
        { code: 'too_many_exports' },
      );
    }
    const body = await readJson(c);
    if (!body.ok) return body.response;
    const result = validate(exportFields, body.data);
    if (!result.ok) return validationFailed(c, result.errors);
    const { dataset = '', format = 'coco' } = result.value;
    // DRF's related-field message: another organization's dataset does not exist for this key.
    const target = store.getDataset(dataset);
    if (!target || target.organization !== record.organization) {
      return validationFailed(c, { dataset: [`Invalid pk "${dataset}" - object does not exist.`] });
    }
    const job = store.createExport(record.organization, record.key, dataset, format);
    return c.json(serialize(job, new URL(c.req.url).origin), 201);
  });

  app.get('/exports/:uid/', (c) => {
    const job = store.getExport(c.req.param('uid'));
    if (!job) return notFound(c);
    if (job.organization !== keyOf(c).organization) return permissionDenied(c);
    return c.json(serialize(job, new URL(c.req.url).origin));
  });

  app.post('/exports/:uid/cancel/', (c) => {
    const job = store.getExport(c.req.param('uid'));
    if (!job) return notFound(c);
    if (job.organization !== keyOf(c).organization) return permissionDenied(c);
    const status = statusOf(job);
    if (status === 'finished') {
      return detail(c, 409, 'This export has already finished.', { code: 'export_finished' });
    }
    if (status === 'cancelled') {
      return detail(c, 409, 'This export was already cancelled.', { code: 'export_cancelled' });
    }
    store.cancelExport(job);
    return c.json(serialize(job, new URL(c.req.url).origin));
  });

  return rejectOtherMethods(app);
}
