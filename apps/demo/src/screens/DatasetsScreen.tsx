import { useDatasets } from '../api.js';
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

  return (
    <section className="card" aria-labelledby="datasets-list-title">
      <div className="row" style={{ justifyContent: 'space-between' }}>
        <h3 id="datasets-list-title">All datasets</h3>
        <span className="muted" data-testid="datasets-count">
          {list.data && `${datasets.length}${total !== undefined ? ` of ${total}` : ''} shown`}
        </span>
      </div>
      {list.isPending && <p className="muted">Loading…</p>}
      {list.isError && <ErrorMessage error={list.error} title="Could not load datasets" />}
      {datasets.length > 0 && (
        <ul className="list" data-testid="datasets-list">
          {datasets.map((dataset) => (
            <li key={dataset.uid}>
              <a href={datasetHref(dataset.uid)}>{dataset.name}</a>
              <span className="pill">{dataset.visibility}</span>
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
