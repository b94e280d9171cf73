import { Hono } from 'hono';
import type { SandboxEnv } from '../env.js';
import { keyOf } from '../middleware/auth.js';
import type { ResolvedOptions } from '../options.js';
import { paginate } from '../pagination.js';
import { detail, notFound, permissionDenied, rejectOtherMethods } from '../responses.js';
import type { SandboxState } from '../state.js';
import { type AutoLabelJob, autoLabelProgress } from '../store.js';

/**
 * A job as the API returns it: counters and `progress_pct` advance with the clock over
 * `autoLabelDurationMs` (docs/avala-api.md).
 */
export function serializeAutoLabelJob(
  job: AutoLabelJob,
  options: Pick<ResolvedOptions, 'now' | 'autoLabelDurationMs'>,
) {
  const { status, fraction } = autoLabelProgress(job, options.now(), options.autoLabelDurationMs);
  const processed = Math.floor(job.total_items * fraction);
  const iso = (ms: number) => new Date(ms).toISOString();
  return {
    uid: job.uid,
    project: job.project,
    status,
    model_type: job.model_type,
    confidence_threshold: job.confidence_threshold,
    labels: job.labels,
    dry_run: job.dry_run,
    total_items: job.total_items,
    processed_items: processed,
    successful_items: processed,
    failed_items: 0,
    skipped_items: 0,
    progress_pct: Math.round(fraction * 1000) / 10,
    error_message: null,
    started_at: status === 'pending' ? null : iso(job.createdAt + options.autoLabelDurationMs / 10),
    completed_at: status === 'completed' ? iso(job.createdAt + options.autoLabelDurationMs) : null,
    created_at: iso(job.createdAt),
  };
}

/**
 * `/auto-label-jobs/`: the organization's jobs (`?project=` narrows them), one job, and
 * DELETE to cancel a job that is still going (409 once it has ended).
 */
export function autoLabelJobRoutes({ store, options }: SandboxState): Hono<SandboxEnv> {
  const app = new Hono<SandboxEnv>();

  app.get('/auto-label-jobs/', (c) => {
    const entries = store.listAutoLabelJobs(keyOf(c).organization, c.req.query('project'));
    const page = paginate(entries, c.req.url);
    if (!page) return detail(c, 404, 'Invalid cursor.');
    return c.json({
      ...page,
      results: page.results.map((job) => serializeAutoLabelJob(job, options)),
    });
  });

  app.get('/auto-label-jobs/:uid/', (c) => {
    const job = store.getAutoLabelJob(c.req.param('uid'));
    if (!job) return notFound(c);
    if (job.organization !== keyOf(c).organization) return permissionDenied(c);
    return c.json(serializeAutoLabelJob(job, options));
  });

  app.delete('/auto-label-jobs/:uid/', (c) => {
    const job = store.getAutoLabelJob(c.req.param('uid'));
    if (!job) return notFound(c);
    if (job.organization !== keyOf(c).organization) return permissionDenied(c);
    const { status } = serializeAutoLabelJob(job, options);
    if (status === 'completed') {
      return detail(c, 409, 'This job has already completed.', { code: 'job_completed' });
    }
    if (status === 'cancelled') {
      return detail(c, 409, 'This job was already cancelled.', { code: 'job_cancelled' });
    }
    store.cancelAutoLabelJob(job);
    return c.body(null, 204);
  });

  return rejectOtherMethods(app);
}
