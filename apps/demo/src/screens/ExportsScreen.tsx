import { useState } from 'react';
import { type ExportJob, isRunning, useDatasets, useExportJob, useStartExport } from '../api.js';
import { ErrorMessage } from '../components/ErrorMessage.js';
import { demoConfig } from '../config.js';

const BURST = 6;

/**
 * Export jobs: a key may run 5 at once, so a burst of 6 meets a 429 (a toast counts down
 * to when the client tries again). Each job is polled until it ends `exported` (with a
 * download link) or `failed`.
 */
export function ExportsScreen() {
  const datasets = useDatasets();
  const firstDatasets = datasets.data?.pages[0]?.results ?? [];
  const [chosen, setChosen] = useState('');
  const dataset = chosen || firstDatasets[0]?.uid || '';
  const start = useStartExport();
  const [jobs, setJobs] = useState<ExportJob[]>([]);
  const [starting, setStarting] = useState(0);
  const [startError, setStartError] = useState<unknown>();

  // Each job is listed as soon as it starts (in a burst the sixth may wait out a 429 while
  // the first five run); status polling waits until every start has settled, since a 429
  // pauses the key's requests anyway.
  const startExports = (count: number) => {
    setStartError(undefined);
    setStarting((n) => n + count);
    for (let n = 0; n < count; n++) {
      start
        .mutateAsync({ dataset, format: 'coco' })
        .then(
          (job) => setJobs((current) => [job, ...current]),
          (error: unknown) => setStartError(error),
        )
        .finally(() => setStarting((n) => n - 1));
    }
  };

  return (
    <>
      <h2>Exports</h2>
      <p className="screen-intro">
        Start export jobs. Five may run per key; the sixth is refused with 429 until one ends, and
        the client waits out the <code>Retry-After</code> it was given. A job ends{' '}
        <code>exported</code> (with a download link) or <code>failed</code>.
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
          {/* On the real API a deliberate 429 is not a game: limits can get a key suspended. */}
          {demoConfig.mode === 'sandbox' && (
            <button type="button" disabled={!dataset} onClick={() => startExports(BURST)}>
              Start {BURST} at once
            </button>
          )}
          {starting > 0 && (
            <span className="muted" data-testid="starting">
              Starting {starting}…
            </span>
          )}
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
            {jobs.map((job) => (
              <ExportRow key={job.uid} started={job} poll={starting === 0} />
            ))}
          </ul>
        </section>
      )}
    </>
  );
}

function ExportRow({ started, poll }: { started: ExportJob; poll: boolean }) {
  const uid = started.uid;
  const job = useExportJob(uid, poll);
  const current = job.data ?? started;
  const status = current.status;
  const tone = status === 'exported' ? 'pill--ok' : isRunning(current) ? 'pill--warn' : '';
  return (
    <li style={{ display: 'block' }} data-testid="export-row">
      <div className="row" style={{ justifyContent: 'space-between' }}>
        <span>
          <code>{uid}</code> <span className={`pill ${tone}`}>{status}</span>{' '}
          {current.download_url && (
            <a href={current.download_url} target="_blank" rel="noreferrer">
              Download
            </a>
          )}
          {current.error_message && <span className="muted">{current.error_message}</span>}
        </span>
      </div>
    </li>
  );
}
