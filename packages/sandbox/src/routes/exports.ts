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
  dataset: string(),
  project: string(),
  format: choice(['coco', 'yolo', 'avala-json']),
};

/**
 * `/exports/`: list, create (from a dataset or a project), get. Jobs end by themselves after
 * `exportDurationMs`: `exported` with a `download_url`, or `failed` when there was nothing
 * to export (an empty dataset) (docs/avala-api.md). A key may have `maxRunningExports` (5)
 * jobs pending or running; one more answers 429 until the oldest ends.
 */
export function exportRoutes({ store, options }: SandboxState): Hono<SandboxEnv> {
  const app = new Hono<SandboxEnv>();
  const statusOf = (job: ExportJob) => exportStatus(job, options.now(), options.exportDurationMs);
  const serialize = (job: ExportJob, origin: string) => {
    const status = statusOf(job);
    const ended = status === 'exported' || status === 'failed';
    const iso = (ms: number) => new Date(ms).toISOString();
    return {
      uid: job.uid,
      dataset: job.dataset,
      project: job.project,
      format: job.format,
      status,
      download_url:
        status === 'exported' ? `${origin}/__sandbox/files/exports/${job.uid}.json` : null,
      error_message: status === 'failed' ? job.failure : null,
      created_at: iso(job.createdAt),
      updated_at: iso(ended ? job.createdAt + options.exportDurationMs : job.createdAt),
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
    const { dataset, project, format = 'coco' } = result.value;
    if ((dataset === undefined) === (project === undefined)) {
      return validationFailed(c, {
        non_field_errors: ['Provide either a dataset or a project to export.'],
      });
    }
    // DRF's related-field message: another organization's object does not exist for this key.
    const missing = (field: 'dataset' | 'project', pk: string) =>
      validationFailed(c, { [field]: [`Invalid pk "${pk}" - object does not exist.`] });
    let source: string | null;
    if (dataset !== undefined) {
      const target = store.getDataset(dataset);
      if (!target || target.organization !== record.organization)
        return missing('dataset', dataset);
      source = target.uid;
    } else {
      const target = project === undefined ? undefined : store.getProject(project);
      if (!target || target.organization !== record.organization) {
        return missing('project', project ?? '');
      }
      source = target.dataset;
    }
    const items = source === null ? 0 : (store.getDataset(source)?.item_count ?? 0);
    const job = store.createExport({
      organization: record.organization,
      key: record.key,
      dataset: dataset ?? null,
      project: project ?? null,
      format,
      failure: items === 0 ? 'There are no items to export.' : null,
    });
    return c.json(serialize(job, new URL(c.req.url).origin), 201);
  });

  app.get('/exports/:uid/', (c) => {
    const job = store.getExport(c.req.param('uid'));
    if (!job) return notFound(c);
    if (job.organization !== keyOf(c).organization) return permissionDenied(c);
    return c.json(serialize(job, new URL(c.req.url).origin));
  });

  return rejectOtherMethods(app);
}
