/**
 * Statuses after which a job no longer counts against its concurrency limit
 * (docs/avala-api.md: an export ends `exported` or `failed`; a cancelled one `cancelled`).
 */
const FINAL_STATUSES = new Set([
  'exported',
  'failed',
  'cancelled',
  'canceled',
  'finished',
  'completed',
]);

/**
 * The pool slots kept for running jobs (`client.startJob`), by the job's path
 * (`/exports/{uid}/`). The API counts a job against its concurrency limit until it ends, not
 * until `POST` has answered, so the slot is kept until the job is seen to end: an answer for
 * its path shows a final status (polling it), it is cancelled or deleted, or it is gone (404)
 * — or until its handle's `release()` is called.
 */
export class JobSlots {
  readonly #byPath = new Map<string, () => void>();

  /** Whether any slot is kept (so responses need not be read otherwise). */
  get size(): number {
    return this.#byPath.size;
  }

  /** Keeps `end` until the job at `jobPath` ends; returns the release that ends it early. */
  track(jobPath: string | undefined, end: () => void): () => void {
    let ended = false;
    const release = () => {
      if (ended) return;
      ended = true;
      if (jobPath !== undefined && this.#byPath.get(jobPath) === release)
        this.#byPath.delete(jobPath);
      end();
    };
    if (jobPath !== undefined) {
      this.#byPath.get(jobPath)?.(); // the same job started twice keeps one slot
      this.#byPath.set(jobPath, release);
    }
    return release;
  }

  /**
   * Reads one answer of any call (`path` relative to the base URL, no query): frees the slot
   * of a job it shows over — a final `status` in its own answer or in a list page's `results`,
   * a cancel or delete that went through, or a 404/410 for it.
   */
  observe(method: string, path: string, status: number, body: unknown): void {
    if (this.#byPath.size === 0) return;
    const ok = status >= 200 && status < 300;
    if (status === 404 || status === 410 || (ok && method === 'DELETE')) {
      this.#end(path);
    } else if (ok && method === 'POST' && path.endsWith('/cancel/')) {
      this.#end(path.slice(0, -'cancel/'.length));
    } else if (ok && method === 'GET' && isObject(body)) {
      if (isFinal(body)) this.#end(path);
      // A list page of the same collection shows each job's status too.
      if (Array.isArray(body.results)) {
        for (const item of body.results) {
          const jobPath = jobPathOf(path, item);
          if (jobPath !== undefined && isFinal(item)) this.#end(jobPath);
        }
      }
    }
  }

  /** Frees every kept slot (the client is disposed). */
  clear(): void {
    for (const release of [...this.#byPath.values()]) release();
  }

  #end(jobPath: string): void {
    this.#byPath.get(jobPath)?.();
  }
}

/** The path of the job a `POST` to `collection` created: `{collection}{uid}/`, if it has a `uid`. */
export function jobPathOf(collection: string, body: unknown): string | undefined {
  if (!isObject(body) || typeof body.uid !== 'string' || body.uid === '') return undefined;
  const base = collection.endsWith('/') ? collection : `${collection}/`;
  return `${base}${encodeURIComponent(body.uid)}/`;
}

function isFinal(body: { status?: unknown }): boolean {
  return typeof body.status === 'string' && FINAL_STATUSES.has(body.status);
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
