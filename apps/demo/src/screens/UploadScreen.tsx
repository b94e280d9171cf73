import { useAvalaUpload } from '@avala-fetch/react/workflows';
import { zodResolver } from '@hookform/resolvers/zod';
import { useEffect, useRef, useState } from 'react';
import { useForm } from 'react-hook-form';
import { ErrorMessage } from '../components/ErrorMessage.js';
import { Field } from '../components/Field.js';
import { demoConfig } from '../config.js';
import { datasetHref } from '../router.js';
import { sandboxUploadLimit } from '../sandbox-admin.js';
import { DATA_TYPES, type DatasetIdentity, DatasetIdentitySchema, slugOf } from '../schemas.js';

/** Avala's limit per file (docs/avala-api.md); the sandbox says its own. */
const AVALA_UPLOAD_LIMIT = 100 * 1024 * 1024;

function formatBytes(bytes: number): string {
  if (bytes < 1024) return `${bytes} B`;
  // "100 MiB", not "100.0 MiB": a decimal only where it says something.
  const [value, unit] = bytes < 1024 * 1024 ? [bytes / 1024, 'KiB'] : [bytes / 1024 / 1024, 'MiB'];
  return `${Number(value.toFixed(1))} ${unit}`;
}

/**
 * Upload files and make a dataset of them (`useAvalaUpload`): one progress bar per file, a
 * file over the limit refused inline with its 413 before it is sent, cancel all or one.
 */
export function UploadScreen() {
  const [limit, setLimit] = useState(AVALA_UPLOAD_LIMIT);
  useEffect(() => {
    if (demoConfig.mode !== 'sandbox') return;
    sandboxUploadLimit().then(
      (bytes) => bytes && setLimit(bytes),
      () => {},
    );
  }, []);
  const upload = useAvalaUpload({ maxBytes: limit });
  const [files, setFiles] = useState<File[]>([]);
  const [dragging, setDragging] = useState(false);
  const outcome = useRef<HTMLDivElement>(null);
  const form = useForm<DatasetIdentity>({
    resolver: zodResolver(DatasetIdentitySchema),
    defaultValues: { name: '', slug: '', data_type: 'image' },
  });
  const busy = upload.phase === 'uploading' || upload.phase === 'creating';

  // After an outcome, focus goes to what says it (a person on a screen reader hears it).
  useEffect(() => {
    if (upload.phase === 'success' || upload.phase === 'error') outcome.current?.focus();
  }, [upload.phase]);

  const onSubmit = form.handleSubmit((dataset) => upload.start({ dataset, files }));
  const created = upload.data as { uid?: string; name?: string; item_count?: number } | undefined;

  return (
    <>
      <h2>Upload</h2>
      <p className="screen-intro">
        Avala's manual-upload flow with <code>useAvalaUpload</code>: a presigned form per file, the
        file to storage (never with the key), at most 10 at a time, then the dataset. Files over{' '}
        {formatBytes(limit)} are refused with a 413 before anything is sent.
      </p>
      <section className="card" aria-labelledby="upload-title">
        <h3 id="upload-title">New dataset from files</h3>
        <form onSubmit={onSubmit} noValidate data-testid="upload-form">
          <Field form={form} name="name" label="Name">
            {(props) => (
              <input
                {...props}
                autoComplete="off"
                {...form.register('name', {
                  onChange: (event: { target: { value: string } }) => {
                    if (!form.getFieldState('slug').isDirty) {
                      form.setValue('slug', slugOf(event.target.value));
                    }
                  },
                })}
              />
            )}
          </Field>
          <Field form={form} name="slug" label="Slug">
            {(props) => <input {...props} autoComplete="off" {...form.register('slug')} />}
          </Field>
          <Field form={form} name="data_type" label="Data type">
            {(props) => (
              <select {...props} {...form.register('data_type')}>
                {DATA_TYPES.map((type) => (
                  <option key={type}>{type}</option>
                ))}
              </select>
            )}
          </Field>
          {/* biome-ignore lint/a11y/noStaticElementInteractions: a drop target for the mouse; the file input inside is the keyboard's way */}
          <div
            className={`dropzone${dragging ? ' dropzone--over' : ''}`}
            onDragOver={(event) => {
              event.preventDefault();
              setDragging(true);
            }}
            onDragLeave={() => setDragging(false)}
            onDrop={(event) => {
              event.preventDefault();
              setDragging(false);
              setFiles([...event.dataTransfer.files]);
            }}
          >
            <label htmlFor="upload-files">Files (pick or drop them here)</label>
            <input
              id="upload-files"
              type="file"
              multiple
              onChange={(event) => setFiles([...(event.target.files ?? [])])}
            />
          </div>
          <div className="form-actions">
            <button type="submit" className="primary" disabled={busy || files.length === 0}>
              Upload {files.length > 0 ? `${files.length} file${files.length > 1 ? 's' : ''}` : ''}
            </button>
            {busy && (
              <button type="button" onClick={upload.cancel}>
                Cancel
              </button>
            )}
          </div>
        </form>
      </section>
      {upload.files.length > 0 && (
        <section className="card" aria-labelledby="upload-files-title">
          <h3 id="upload-files-title">Files</h3>
          <ul className="list" data-testid="upload-files">
            {upload.files.map((file, index) => (
              <li
                // biome-ignore lint/suspicious/noArrayIndexKey: one run's files never reorder, and names may repeat
                key={index}
                style={{ display: 'block' }}
                data-testid="upload-file"
              >
                <div className="row" style={{ justifyContent: 'space-between' }}>
                  <span>
                    {file.name} <span className="muted">{formatBytes(file.size)}</span>{' '}
                    <span className={`pill ${file.status === 'uploaded' ? 'pill--ok' : ''}`}>
                      {file.status}
                    </span>
                    {file.status === 'uploading' && (
                      <span className="muted"> {Math.round(file.percent * 100)} %</span>
                    )}
                  </span>
                  {(file.status === 'waiting' || file.status === 'uploading') && (
                    <button type="button" onClick={() => upload.cancelFile(index)}>
                      Cancel <span className="visually-hidden">{file.name}</span>
                    </button>
                  )}
                </div>
                <progress
                  className="upload-progress"
                  max={1}
                  value={file.percent}
                  aria-label={`${file.name} upload progress`}
                />
                {file.error && file.status !== 'cancelled' && (
                  <p className="field-error" data-testid="upload-file-error">
                    {file.error.message}
                    {file.error.status !== undefined && ` (${file.error.status})`}
                  </p>
                )}
              </li>
            ))}
          </ul>
        </section>
      )}
      <div ref={outcome} tabIndex={-1} data-testid="upload-outcome">
        {upload.phase === 'success' && created?.uid && (
          <div className="alert alert--ok" role="status">
            <p>
              Created <a href={datasetHref(created.uid)}>{created.name}</a> with{' '}
              {created.item_count} item{created.item_count === 1 ? '' : 's'}.
            </p>
          </div>
        )}
        {upload.phase === 'error' && (
          <ErrorMessage error={upload.error} title="The dataset was not created" />
        )}
      </div>
    </>
  );
}
