import { isAvalaError } from '@avala-fetch/core';

/**
 * An error shown where it happened: the library's one-line message, plus the structured
 * parts a person can act on (the machine `code`, the documentation link).
 */
export function ErrorMessage({ error, title }: { error: unknown; title?: string }) {
  if (!error) return null;
  if (!isAvalaError(error)) {
    return (
      <div className="alert alert--error" role="alert">
        {title && <p className="alert__title">{title}</p>}
        <p>{error instanceof Error ? error.message : String(error)}</p>
      </div>
    );
  }
  return (
    <div className="alert alert--error" role="alert" data-error-kind={error.kind}>
      <p>
        {title && <strong>{title}: </strong>}
        {error.detail ?? error.message}
      </p>
      {(error.code || error.status) && (
        <p className="muted">
          {error.status !== undefined && <>HTTP {error.status} · </>}
          <code>{error.kind}</code>
          {error.code && (
            <>
              {' '}
              · code <code>{error.code}</code>
            </>
          )}
        </p>
      )}
      {error.docUrl && (
        <p>
          <a href={error.docUrl} target="_blank" rel="noreferrer">
            Read why and how to fix it
          </a>
        </p>
      )}
    </div>
  );
}
