import { type Project, useAutoLabel, useProjects } from '../api.js';
import { ErrorMessage } from '../components/ErrorMessage.js';

/** Projects, each with the plan-gated "Auto-label" action and its structured 403. */
export function ProjectsScreen() {
  const projects = useProjects();
  return (
    <>
      <h2>Projects</h2>
      <p className="screen-intro">
        Auto-labelling needs a higher plan. The API answers 403 with a machine <code>code</code> and
        a <code>doc_url</code>; the error carries both, so the app can explain what happened and
        link to the fix.
      </p>
      {projects.isPending && <p className="muted">Loading…</p>}
      {projects.isError && <ErrorMessage error={projects.error} title="Could not load projects" />}
      {projects.data && (
        <section className="card">
          <ul className="list" data-testid="projects-list">
            {projects.data.results.map((project) => (
              <ProjectRow key={project.uid} project={project} />
            ))}
          </ul>
        </section>
      )}
    </>
  );
}

function ProjectRow({ project }: { project: Project }) {
  const { uid, name, status, task_type, auto_label_available } = project;
  const autoLabel = useAutoLabel();
  return (
    <li style={{ display: 'block' }}>
      <div className="row" style={{ justifyContent: 'space-between' }}>
        <span>
          <strong>{name}</strong> {task_type && <span className="pill">{task_type}</span>}{' '}
          {status && status !== 'active' && <span className="pill">{status}</span>}{' '}
          {auto_label_available === false && (
            <span className="pill pill--warn">auto-label not in plan</span>
          )}
        </span>
        <button type="button" onClick={() => autoLabel.mutate(uid)} disabled={autoLabel.isPending}>
          {autoLabel.isPending ? 'Starting…' : 'Auto-label'}
        </button>
      </div>
      {autoLabel.isSuccess && (
        <div className="alert alert--ok" role="status" style={{ marginTop: '0.5rem' }}>
          <p>
            Auto-labelling started: job <code>{autoLabel.data.uid}</code>, {autoLabel.data.status}.
          </p>
        </div>
      )}
      {autoLabel.isError && (
        <div style={{ marginTop: '0.5rem' }}>
          <ErrorMessage error={autoLabel.error} title="Auto-label refused" />
        </div>
      )}
    </li>
  );
}
