import { Hono } from 'hono';
import type { SandboxEnv } from '../env.js';
import { keyOf } from '../middleware/auth.js';
import { paginate } from '../pagination.js';
import { detail, notFound, permissionDenied, rejectOtherMethods } from '../responses.js';
import type { SandboxState } from '../state.js';

/** Where Avala documents which plan includes what (sent with `plan_insufficient`). */
const PLANS_DOC_URL = 'https://docs.avala.ai/account/plans';

/** `/projects/`: list, get, and auto-labeling, which one seeded project's plan does not include. */
export function projectRoutes({ store }: SandboxState): Hono<SandboxEnv> {
  const app = new Hono<SandboxEnv>();

  app.get('/projects/', (c) => {
    const entries = store
      .listProjects(keyOf(c).organization)
      .map((item, index) => ({ position: index + 1, item }));
    const page = paginate(entries, c.req.url);
    return page ? c.json(page) : detail(c, 404, 'Invalid cursor.');
  });

  app.get('/projects/:uid/', (c) => {
    const project = store.getProject(c.req.param('uid'));
    if (!project) return notFound(c);
    if (project.organization !== keyOf(c).organization) return permissionDenied(c);
    return c.json(project);
  });

  app.post('/projects/:uid/auto-label/', (c) => {
    const project = store.getProject(c.req.param('uid'));
    if (!project) return notFound(c);
    if (project.organization !== keyOf(c).organization) return permissionDenied(c);
    if (!project.auto_label_available) {
      return detail(c, 403, "Auto-labeling is not included in your organization's plan.", {
        code: 'plan_insufficient',
        doc_url: PLANS_DOC_URL,
      });
    }
    return c.json({ project: project.uid, status: 'queued' }, 202);
  });

  return rejectOtherMethods(app);
}
