import { useState } from 'react';
import { isRunning, useCancelExport, useDatasets, useExportJob, useStartExport } from '../api.js';
import { ErrorMessage } from '../components/ErrorMessage.js';

const BURST = 6;

/**
 * Export jobs: a key may run 5 at once, so a burst of 6 meets a 429 (a toast counts down
 * to when the client tries again). Cancelling a finished job is a 409, shown on its row.
 */
export function ExportsScreen() {
  const datasets = useDatasets();
  const firstDatasets = datasets.data?.pages[0]?.results ?? [];
  const [chosen, setChosen] = useState('');
  const dataset = chosen || firstDatasets[0]?.uid || '';
  const start = useStartExport();
  const [jobs, setJobs] = useState<string[]>([]);
  const [startError, setStartError] = useState<unknown>();

  const startExports = async (count: number) => {
    setStartError(undefined);
    const results = await Promise.allSettled(
      Array.from({ length: count }, () => start.mutateAsync({ dataset, format: 'coco' })),
    );
    const started = results.flatMap((result) =>
      result.status === 'fulfilled' ? [result.value.uid] : [],
    );
    setJobs((current) => [...started.reverse(), ...current]);
    const failed = results.find((result) => result.status === 'rejected');
    if (failed) setStartError(failed.reason);
  };

  return (
    <>
      <h2>Exports</h2>
      <p className="screen-intro">
        Start export jobs and cancel them. Five may run per key; the sixth is refused with 429 until
        one finishes, and the client waits out the <code>Retry-After</code> it was given.
      </p>
      <section className="card">
        <div className="row">
          <label className="row">
            Dataset
            <select
              value={dataset}
              onChange={(event) => setChosen(event.target.value)}
              style={{ width: 'auto' }}
            >
              {firstDatasets.map((item) => (
                <option key={item.uid} value={item.uid}>
                  {item.name}
                </option>
              ))}
            </select>
          </label>
          <button
            type="button"
            className="primary"
            disabled={!dataset}
            onClick={() => startExports(1)}
          >
            Start an export
          </button>
          <button type="button" disabled={!dataset} onClick={() => startExports(BURST)}>
            Start {BURST} at once
          </button>
          {start.isPending && <span className="muted">Starting…</span>}
        </div>
        {startError !== undefined && (
          <div style={{ marginTop: '0.75rem' }}>
            <ErrorMessage error={startError} title="An export did not start" />
          </div>
        )}
      </section>
      {jobs.length > 0 && (
        <section className="card">
          <h3>Started here</h3>
          <ul className="list" data-testid="exports-list">
            {jobs.map((uid) => (
              <ExportRow key={uid} uid={uid} />
            ))}
          </ul>
        </section>
      )}
    </>
  );
}

function ExportRow({ uid }: { uid: string }) {
  const job = useExportJob(uid);
  const cancel = useCancelExport();
  const status = job.data?.status ?? 'loading';
  const tone = status === 'finished' ? 'pill--ok' : isRunning(job.data) ? 'pill--warn' : '';
  return (
    <li style={{ display: 'block' }} data-testid="export-row">
      <div className="row" style={{ justifyContent: 'space-between' }}>
        <span>
          <code>{uid}</code> <span className={`pill ${tone}`}>{status}</span>{' '}
          {job.data?.download_url && (
            <a href={job.data.download_url} target="_blank" rel="noreferrer">
              Download
            </a>
          )}
        </span>
        <button
          type="button"
          className="danger"
          onClick={() => cancel.mutate(uid, { onSuccess: () => job.refetch() })}
          disabled={cancel.isPending}
        >
          Cancel
        </button>
      </div>
      {cancel.isError && (
        <div style={{ marginTop: '0.5rem' }}>
          <ErrorMessage error={cancel.error} title="Cannot cancel" />
        </div>
      )}
    </li>
  );
}
