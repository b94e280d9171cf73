import { Hono } from 'hono';
import type { SandboxEnv } from '../env.js';
import { keyOf } from '../middleware/auth.js';
import { paginate } from '../pagination.js';
import {
  detail,
  notFound,
  permissionDenied,
  readJson,
  rejectOtherMethods,
  validationFailed,
} from '../responses.js';
import type { SandboxState } from '../state.js';
import { boolean, list, number, string, validate } from '../validation.js';
import { serializeAutoLabelJob } from './auto-label-jobs.js';

/** Where Avala documents which plan includes what (sent with `plan_insufficient`). */
const PLANS_DOC_URL = 'https://docs.avala.ai/account/plans';

const autoLabelFields = {
  model_type: string({ maxLength: 100 }),
  confidence_threshold: number({ min: 0, max: 1 }),
  labels: list(string({ maxLength: 100 })),
  dry_run: boolean(),
};

/**
 * Projects of the key's user, under `/users/me/projects/` (docs/avala-api.md). `/projects/`
 * is Avala's staff listing: a customer key, which every sandbox key is, gets 403 there. A
 * project's auto-labeling starts at `/projects/{uid}/auto-label/`; one seeded project's plan
 * does not include it.
 */
export function projectRoutes({ store, options }: SandboxState): Hono<SandboxEnv> {
  const app = new Hono<SandboxEnv>();

  app.get('/users/me/projects/', (c) => {
    const page = paginate(store.listProjects(keyOf(c).organization), c.req.url);
    return page ? c.json(page) : detail(c, 404, 'Invalid cursor.');
  });

  app.get('/users/me/projects/:uid/', (c) => {
    const project = store.getProject(c.req.param('uid'));
    // Another organization's project is not among "my" projects.
    if (!project || project.organization !== keyOf(c).organization) return notFound(c);
    return c.json(project);
  });

  app.get('/projects/', (c) => permissionDenied(c));

  app.post('/projects/:uid/auto-label/', async (c) => {
    const { organization } = keyOf(c);
    const project = store.getProject(c.req.param('uid'));
    if (!project) return notFound(c);
    if (project.organization !== organization) return permissionDenied(c);
    if (!project.auto_label_available) {
      return detail(c, 403, "Auto-labeling is not included in your organization's plan.", {
        code: 'plan_insufficient',
        doc_url: PLANS_DOC_URL,
      });
    }
    const body = await readJson(c);
    if (!body.ok) return body.response;
    const result = validate(autoLabelFields, body.data);
    if (!result.ok) return validationFailed(c, result.errors);
    const dataset = project.dataset === null ? undefined : store.getDataset(project.dataset);
    const job = store.createAutoLabelJob({
      project: project.uid,
      organization,
      model_type: result.value.model_type ?? 'default',
      confidence_threshold: result.value.confidence_threshold ?? 0.5,
      labels: result.value.labels ?? [],
      dry_run: result.value.dry_run ?? false,
      total_items: dataset?.item_count ?? 0,
    });
    return c.json(serializeAutoLabelJob(job, options), 202);
  });

  return rejectOtherMethods(app);
}
