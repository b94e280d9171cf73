import { isAvalaError } from '@avala-fetch/core';
import { type Dataset, useDataset, useDatasetItems } from '../api.js';
import { ErrorMessage } from '../components/ErrorMessage.js';
import { NotFoundPage } from './NotFoundPage.js';

/** `#/datasets/:uid`: one dataset, or the 404 page when the API does not know the id. */
export function DatasetDetail({ uid }: { uid: string }) {
  const query = useDataset(uid);

  if (query.isPending) return <p className="muted">Loading dataset…</p>;
  if (query.isError) {
    if (isAvalaError(query.error) && query.error.kind === 'not_found') {
      return <NotFoundPage what="Dataset" detail={query.error.detail} />;
    }
    return <ErrorMessage error={query.error} title="Could not load the dataset" />;
  }

  const dataset = query.data;
  return (
    <>
      <p>
        <a href="#/datasets">← Datasets</a>
      </p>
      <section className="card" data-testid="dataset-detail">
        <h2>{dataset.name}</h2>
        <dl className="facts">
          <dt>Id</dt>
          <dd>
            <code>{dataset.uid}</code>
          </dd>
          <dt>Address</dt>
          <dd>
            <code>
              /datasets/{dataset.owner_name}/{dataset.slug}/
            </code>
          </dd>
          <dt>Data type</dt>
          <dd>
            {dataset.data_type}
            {dataset.is_sequence ? ' (sequences)' : ''}
          </dd>
          <dt>Status</dt>
          <dd>{dataset.status}</dd>
          <dt>Visibility</dt>
          <dd>{dataset.visibility}</dd>
          <dt>Description</dt>
          <dd>{dataset.description || <span className="muted">none</span>}</dd>
          <dt>Split</dt>
          <dd>{dataset.filters?.split ?? <span className="muted">none</span>}</dd>
          <dt>Items</dt>
          <dd>
            <Items dataset={dataset} />
          </dd>
          {dataset.created_at && (
            <>
              <dt>Created</dt>
              <dd>{new Date(dataset.created_at).toLocaleString()}</dd>
            </>
          )}
        </dl>
      </section>
    </>
  );
}

/** The item count, and the keys of the first items (read by owner and slug). */
function Items({ dataset }: { dataset: Dataset }) {
  const items = useDatasetItems(dataset);
  if (!dataset.item_count) return <span className="muted">none</span>;
  const keys = items.data?.results.map((item) => item.key) ?? [];
  return (
    <span data-testid="dataset-items">
      {dataset.item_count}
      {keys.length > 0 && `: ${keys.join(', ')}${dataset.item_count > keys.length ? ', …' : ''}`}
    </span>
  );
}
