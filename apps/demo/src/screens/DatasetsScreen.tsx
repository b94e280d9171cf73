import { useEffect, useRef, useState } from 'react';
import { type Dataset, useDatasets, useDeleteDataset } from '../api.js';
import { ErrorMessage } from '../components/ErrorMessage.js';
import { datasetHref } from '../router.js';
import { DatasetForm } from './DatasetForm.js';

/** The datasets list (cursor pages, "Load more") next to the "New dataset" form. */
export function DatasetsScreen() {
  return (
    <>
      <h2>Datasets</h2>
      <p className="screen-intro">
        A cursor-paginated list read with <code>useAvalaInfiniteQuery</code>, and a form whose 400
        and 409 answers land under the fields they are about.
      </p>
      <div className="columns">
        <DatasetList />
        <DatasetForm />
      </div>
    </>
  );
}

function DatasetList() {
  const list = useDatasets();
  const datasets = list.data?.pages.flatMap((page) => page.results) ?? [];
  const total = list.data?.pages[0]?.count;
  const remove = useDeleteDataset();
  const [confirming, setConfirming] = useState<string>();
  const [outcome, setOutcome] = useState<{ deleted?: string; error?: unknown }>();
  const headingRef = useRef<HTMLHeadingElement>(null);
  const outcomeRef = useRef<HTMLDivElement>(null);

  const confirmDelete = (dataset: Dataset) => {
    setConfirming(undefined);
    setOutcome(undefined);
    // The row leaves at once (optimistic); focus goes to what says how it went.
    requestAnimationFrame(() => headingRef.current?.focus());
    remove.mutate(dataset, {
      onSuccess: () => setOutcome({ deleted: dataset.name }),
      onError: (error) => {
        setOutcome({ error });
        requestAnimationFrame(() => outcomeRef.current?.focus());
      },
    });
  };

  return (
    <section className="card" aria-labelledby="datasets-list-title">
      <div className="row" style={{ justifyContent: 'space-between' }}>
        <h3 id="datasets-list-title" ref={headingRef} tabIndex={-1}>
          All datasets
        </h3>
        <span className="muted" data-testid="datasets-count">
          {list.data && `${datasets.length}${total !== undefined ? ` of ${total}` : ''} shown`}
        </span>
      </div>
      <div ref={outcomeRef} tabIndex={-1} data-testid="delete-outcome">
        {outcome?.deleted && (
          <p className="alert alert--ok" role="status">
            Deleted {outcome.deleted}.
          </p>
        )}
        {outcome?.error !== undefined && (
          <ErrorMessage error={outcome.error} title="Not deleted; it is back in the list" />
        )}
      </div>
      {list.isPending && <p className="muted">Loading…</p>}
      {list.isError && <ErrorMessage error={list.error} title="Could not load datasets" />}
      {datasets.length > 0 && (
        <ul className="list" data-testid="datasets-list">
          {datasets.map((dataset) => (
            <li key={dataset.uid} data-testid="dataset-row">
              <a href={datasetHref(dataset.uid)}>{dataset.name}</a>
              <span className="row">
                <span className="pill">{dataset.visibility}</span>
                {confirming === dataset.uid ? (
                  <ConfirmDelete
                    dataset={dataset}
                    onConfirm={() => confirmDelete(dataset)}
                    onCancel={() => setConfirming(undefined)}
                  />
                ) : (
                  <button
                    type="button"
                    className="link"
                    onClick={() => setConfirming(dataset.uid)}
                    aria-label={`Delete ${dataset.name}`}
                  >
                    Delete
                  </button>
                )}
              </span>
            </li>
          ))}
        </ul>
      )}
      {list.data && datasets.length === 0 && <p className="muted">No datasets yet.</p>}
      {list.hasNextPage && (
        <button
          type="button"
          onClick={() => list.fetchNextPage()}
          disabled={list.isFetchingNextPage}
        >
          {list.isFetchingNextPage ? 'Loading…' : 'Load more'}
        </button>
      )}
      {list.data && !list.hasNextPage && datasets.length > 0 && (
        <p className="muted">That is every dataset.</p>
      )}
      {list.isFetchNextPageError && <ErrorMessage error={list.error} title="Next page failed" />}
    </section>
  );
}

/** The inline confirmation: focus lands on it, Escape keeps the dataset. */
function ConfirmDelete({
  dataset,
  onConfirm,
  onCancel,
}: {
  dataset: Dataset;
  onConfirm: () => void;
  onCancel: () => void;
}) {
  const confirmRef = useRef<HTMLButtonElement>(null);
  useEffect(() => confirmRef.current?.focus(), []);
  return (
    <fieldset
      className="inline-confirm"
      onKeyDown={(event) => event.key === 'Escape' && onCancel()}
    >
      <legend className="visually-hidden">Delete {dataset.name}?</legend>
      <span>Delete it?</span>
      <button type="button" className="danger" ref={confirmRef} onClick={onConfirm}>
        Delete {dataset.name}
      </button>
      <button type="button" onClick={onCancel}>
        Keep
      </button>
    </fieldset>
  );
}
