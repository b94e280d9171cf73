import { applyFieldErrors, useAvalaClient } from '@avala-fetch/react';
import { type AvalaExportRequest, useAvalaExport } from '@avala-fetch/react/workflows';
import { zodResolver } from '@hookform/resolvers/zod';
import { useEffect, useRef, useState } from 'react';
import { useForm } from 'react-hook-form';
import { useDatasets, useProjects } from '../api.js';
import { ErrorMessage } from '../components/ErrorMessage.js';
import { Field } from '../components/Field.js';
import { demoConfig } from '../config.js';
import { type ExportForm, ExportFormSchema } from '../schemas.js';

const BURST = 6;

interface Started {
  id: number;
  request: AvalaExportRequest;
}

/** Bodies the server refuses, sent without the browser's check to show its answers. */
function serverChecks(
  dataset = '',
  project = '',
): { label: string; json: { dataset?: string; project?: string } }[] {
  return [
    { label: 'Neither a dataset nor a project', json: {} },
    { label: 'Both', json: { dataset, project } },
    { label: 'A dataset that does not exist', json: { dataset: 'no-such-dataset' } },
  ];
}

/** The body Avala's `POST /exports/` takes: `{dataset}` or `{project}`, never both. */
function exportRequest(values: ExportForm): AvalaExportRequest {
  return values.dataset ? { dataset: values.dataset } : { project: values.project };
}

/**
 * Export jobs with `useAvalaExport`: each keeps one of the key's five export slots for its
 * whole life, so a sixth waits in line ("queued: 5 exports running") instead of earning a
 * 429, and each is polled with backoff until it ends `exported` (with a download link) or
 * `failed`. Avala has no way to cancel an export; "Stop watching" frees the slot here. The
 * form has the fields Avala takes; the server's `non_field_errors` go above it and its field
 * errors under each field (`applyFieldErrors`).
 */
export function ExportsScreen() {
  const datasets = useDatasets();
  const projects = useProjects();
  const firstDatasets = datasets.data?.pages[0]?.results ?? [];
  const firstProjects = projects.data?.results ?? [];
  const client = useAvalaClient();
  const [started, setStarted] = useState<Started[]>([]);
  const [formErrors, setFormErrors] = useState<string[]>([]);
  const [unknownDataset, setUnknownDataset] = useState<string>();
  const nextId = useRef(0);
  const errorsRef = useRef<HTMLDivElement>(null);
  const listRef = useRef<HTMLHeadingElement>(null);
  const form = useForm<ExportForm>({
    resolver: zodResolver(ExportFormSchema),
    defaultValues: { dataset: '', project: '' },
  });
  const first = firstDatasets[0]?.uid;
  useEffect(() => {
    if (first && !form.getValues('dataset') && !form.getValues('project'))
      form.setValue('dataset', first);
  }, [first, form]);

  // Selected once its option is rendered (a select drops a value it has no option for).
  useEffect(() => {
    if (unknownDataset) form.setValue('dataset', unknownDataset);
  }, [unknownDataset, form]);

  const startExports = (request: AvalaExportRequest, count: number) => {
    setFormErrors([]);
    const added = Array.from({ length: count }, () => ({ id: nextId.current++, request }));
    setStarted((current) => [...added, ...current]);
    // Focus follows the outcome: the list where the new jobs appear.
    requestAnimationFrame(() => listRef.current?.focus());
  };

  // The server's own answers, sent without the browser's check on purpose: its
  // `non_field_errors` above the form, its field errors under the fields.
  const sendUnchecked = async (json: { dataset?: string; project?: string }) => {
    form.clearErrors();
    setFormErrors([]);
    // The select shows what was sent, so an error about an unknown uid sits under that uid.
    const unknown = json.dataset && !firstDatasets.some((d) => d.uid === json.dataset);
    setUnknownDataset(unknown ? json.dataset : undefined);
    try {
      await client.post('/exports/', { json });
    } catch (error) {
      const result = applyFieldErrors(error, form.setError);
      setFormErrors(result.formErrors);
      if (result.applied.length === 0) requestAnimationFrame(() => errorsRef.current?.focus());
    }
  };

  const onSubmit = (count: number) =>
    form.handleSubmit(
      (values) => startExports(exportRequest(values), count),
      (invalid) => {
        if (invalid.root?.message) setFormErrors([invalid.root.message]);
        requestAnimationFrame(() => errorsRef.current?.focus());
      },
    );

  return (
    <>
      <h2>Exports</h2>
      <p className="screen-intro">
        Five exports may run per key. Each job keeps its slot until it ends, so a sixth waits in
        line in the client (<code>queued</code>) instead of meeting a 429, then starts when one
        ends. Jobs are polled with backoff until <code>exported</code> (with a download link) or{' '}
        <code>failed</code>.
      </p>
      <section className="card" aria-labelledby="export-form-title">
        <h3 id="export-form-title">New export</h3>
        <form onSubmit={onSubmit(1)} noValidate data-testid="export-form">
          {demoConfig.mode === 'sandbox' && (
            <p className="form-helpers">
              Ask the server:
              {serverChecks(first, firstProjects[0]?.uid).map((check) => (
                <button
                  key={check.label}
                  type="button"
                  className="link"
                  onClick={() => sendUnchecked(check.json)}
                >
                  {check.label}
                </button>
              ))}
            </p>
          )}
          <div ref={errorsRef} tabIndex={-1} data-testid="export-form-outcome">
            {formErrors.length > 0 && (
              <div className="alert alert--error" role="alert" data-testid="export-form-errors">
                {formErrors.map((message) => (
                  <p key={message}>{message}</p>
                ))}
              </div>
            )}
          </div>
          <div className="row row--fields">
            {(
              [
                ['dataset', 'Dataset', firstDatasets],
                ['project', 'or Project', firstProjects],
              ] as const
            ).map(([name, label, items]) => (
              <Field key={name} form={form} name={name} label={label}>
                {(props) => (
                  <select {...props} {...form.register(name)}>
                    <option value="">None</option>
                    {name === 'dataset' && unknownDataset && (
                      <option value={unknownDataset}>{unknownDataset} (unknown)</option>
                    )}
                    {items.map((item) => (
                      <option key={item.uid} value={item.uid}>
                        {item.name}
                      </option>
                    ))}
                  </select>
                )}
              </Field>
            ))}
          </div>
          <div className="form-actions">
            <button type="submit" className="primary">
              Start an export
            </button>
            {/* On the real API a deliberate burst is not a game: limits can get a key suspended. */}
            {demoConfig.mode === 'sandbox' && (
              <button type="button" onClick={onSubmit(BURST)}>
                Start {BURST} at once
              </button>
            )}
          </div>
        </form>
      </section>
      {started.length > 0 && (
        <section className="card" aria-labelledby="exports-list-title">
          <h3 id="exports-list-title" ref={listRef} tabIndex={-1}>
            Started here
          </h3>
          <ul className="list" data-testid="exports-list">
            {started.map((entry) => (
              <ExportRow key={entry.id} request={entry.request} />
            ))}
          </ul>
        </section>
      )}
    </>
  );
}

function ExportRow({ request }: { request: AvalaExportRequest }) {
  const exp = useAvalaExport();
  const once = useRef(false);
  const { start } = exp;
  useEffect(() => {
    if (once.current) return;
    once.current = true;
    start(request);
  }, [start, request]);
  const { phase, job } = exp;
  const tone =
    phase === 'exported' ? 'pill--ok' : phase === 'failed' || phase === 'error' ? '' : 'pill--warn';
  return (
    <li style={{ display: 'block' }} data-testid="export-row" data-phase={phase}>
      <div className="row" style={{ justifyContent: 'space-between' }}>
        <span>
          {job ? <code>{job.uid}</code> : <span className="muted">not started yet</span>}{' '}
          <span className={`pill ${tone}`} data-testid="export-phase">
            {phase === 'queued' ? `queued: ${exp.running} exports running` : phase}
          </span>{' '}
          {job?.download_url && (
            <a href={job.download_url} target="_blank" rel="noreferrer">
              Download
            </a>
          )}
          {job?.error_message && <span className="muted">{job.error_message}</span>}
        </span>
        {(phase === 'queued' || phase === 'pending' || phase === 'running') && (
          <button type="button" onClick={exp.cancel}>
            {phase === 'queued' ? 'Leave the line' : 'Stop watching'}
          </button>
        )}
      </div>
      {exp.error && <ErrorMessage error={exp.error} title="This export did not start" />}
    </li>
  );
}
