import { isAvalaError } from '@avala-fetch/core';
import { useDataset } from '../api.js';
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
          <dt>Visibility</dt>
          <dd>{dataset.visibility}</dd>
          <dt>Description</dt>
          <dd>{dataset.description || <span className="muted">none</span>}</dd>
          <dt>Split</dt>
          <dd>{dataset.filters?.split ?? <span className="muted">none</span>}</dd>
          <dt>Items</dt>
          <dd>
            {dataset.items?.length ? (
              `${dataset.items.length}, weights ${dataset.items.map((item) => item.weight).join(', ')}`
            ) : (
              <span className="muted">none</span>
            )}
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
