/** The page for a route or a resource that does not exist (a 404 from the API lands here). */
export function NotFoundPage({ what, detail }: { what: string; detail?: string }) {
  return (
    <section className="card not-found" data-testid="not-found">
      <p className="not-found__code" aria-hidden="true">
        404
      </p>
      <h2>{what} not found</h2>
      {detail && <p className="muted">The API said: “{detail}”</p>}
      <p>
        <a href="#/datasets">Back to the datasets</a>
      </p>
    </section>
  );
}
