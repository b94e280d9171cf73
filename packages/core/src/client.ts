import type { StandardSchemaV1 } from 'ky';
import { createEngine } from './core/engine.js';
import { normalizeClientOptions } from './core/options.js';
import { pageSchema, resolvePageLink } from './core/pagination.js';
import { createInvalidResponseError } from './errors/create.js';
import { createRetryCallbacks } from './retry/tanstack-callbacks.js';
import type {
  AvalaClient,
  AvalaPath,
  AvalaRequestOptions,
  Page,
  PaginateOptions,
} from './types/client.js';
import type { AvalaClientOptions } from './types/options.js';
import { resolvePath } from './utils/path.js';
import { hasScheme } from './utils/url.js';

type AnyRequestOptions = AvalaRequestOptions<StandardSchemaV1 | undefined>;
type AnyPaginateOptions = PaginateOptions<StandardSchemaV1 | undefined>;

/**
 * Creates a client for the Avala API. Options are checked here, once: a plain-`http:` base
 * URL on a non-loopback host throws `UnsafeUrlError`, a bad timeout or retry policy a
 * `RangeError`.
 *
 * @example
 * const avala = createAvalaClient({ apiKey: process.env.AVALA_API_KEY });
 * const dataset = await avala.get(['datasets', uid], { schema: Dataset });
 * for await (const d of avala.paginate('/datasets/', { limit: 50 })) console.log(d.name);
 */
export function createAvalaClient(options: AvalaClientOptions = {}): AvalaClient {
  const normalized = normalizeClientOptions(options);
  const engine = createEngine(normalized);

  const call =
    (method: string) =>
    (path: AvalaPath, callOptions: AnyRequestOptions = {}): Promise<never> =>
      engine.send({ method, path, options: callOptions }) as Promise<never>;

  const page = async (pathOrUrl: AvalaPath, pageOptions: AnyPaginateOptions = {}) => {
    const { limit, schema, ...rest } = pageOptions;
    // A `next`/`previous` link is followed as given: its query already holds the cursor.
    const isLink = typeof pathOrUrl === 'string' && hasScheme(pathOrUrl);
    return engine.send({
      method: 'GET',
      path: pathOrUrl,
      options: isLink ? { ...rest, searchParams: undefined } : rest,
      // Its links come back resolved against this page's URL (before `limit` is added).
      schema: pageSchema(schema, resolvePath(pathOrUrl, normalized.base)),
      searchParams: isLink || limit === undefined ? undefined : { limit },
    }) as Promise<Page<never>>;
  };

  async function* paginate(path: AvalaPath, pageOptions: AnyPaginateOptions = {}) {
    let url = resolvePath(path, normalized.base);
    let current = await page(path, pageOptions);
    const seen = new Set<string>();
    for (;;) {
      yield* current.results;
      if (!current.next) return;
      // Relative links resolve against the page they came from; `page` then refuses any
      // link that leaves the base origin or path, before anything is sent.
      const next = resolvePageLink(current.next, url);
      if (seen.has(next) || next === url) {
        throw createInvalidResponseError({
          status: 200,
          issues: [{ message: '`next` points at a page already fetched', path: ['next'] }],
          request: { method: 'GET', url: next },
        });
      }
      seen.add(next);
      url = next;
      current = await page(next, pageOptions);
    }
  }

  const client: AvalaClient = {
    get: call('GET'),
    post: call('POST'),
    put: call('PUT'),
    patch: call('PATCH'),
    delete: call('DELETE'),
    startJob: (path: AvalaPath, callOptions: AnyRequestOptions = {}) =>
      engine.startJob({ method: 'POST', path, options: callOptions }) as Promise<never>,
    page,
    paginate,
    get rateLimit() {
      return engine.rateLimit;
    },
    subscribe: engine.events.subscribe,
    retryPolicy: normalized.retry,
    retryCallbacks: (retryCall = {}) =>
      createRetryCallbacks(normalized.retry, retryCall, engine.budget, engine.events.emit),
    baseUrl: normalized.base.href,
    dispose: () => engine.dispose(),
  };
  return client;
}
