/**
 * The Avala API's endpoints as Avala's official SDKs call them (docs/avala-api.md): method,
 * path pattern, the body fields the API requires and the fields its answer carries. The
 * sandbox's routes are checked against this table (both ways), and so are the requests our
 * own client, hooks and demo send, so neither can drift from the real API.
 */

/** One endpoint of the Avala API. */
export interface AvalaEndpoint {
  readonly method: 'GET' | 'POST' | 'PATCH' | 'DELETE';
  /** Under `/api/v1`, with `{name}` for a path parameter: `/datasets/{uid}/`. */
  readonly path: string;
  /** Body fields a request must carry (a 400 "This field is required." for each one missing). */
  readonly required?: readonly string[];
  /** Fields of a success answer; of each of `results` for a cursor-paginated list. */
  readonly response?: readonly string[];
  /** The answer is a cursor page: `{next, previous, results}`. */
  readonly list?: boolean;
}

const DATASET = [
  'uid',
  'name',
  'slug',
  'item_count',
  'data_type',
  'status',
  'is_sequence',
  'created_at',
  'updated_at',
] as const;
const ITEM = ['uid', 'key', 'dataset_owner_name', 'dataset_slug', 'created_at'] as const;
const SEQUENCE = ['uid', 'key', 'status', 'number_of_frames'] as const;
const PROJECT = ['uid', 'name', 'status', 'created_at', 'updated_at'] as const;
const EXPORT = ['uid', 'status', 'download_url', 'created_at', 'updated_at'] as const;
const AUTO_LABEL_JOB = [
  'uid',
  'status',
  'model_type',
  'confidence_threshold',
  'total_items',
  'processed_items',
  'successful_items',
  'failed_items',
  'progress_pct',
  'started_at',
  'completed_at',
  'created_at',
] as const;

/** Every endpoint of the Avala API the sandbox serves and this repository calls. */
export const AVALA_ENDPOINTS: readonly AvalaEndpoint[] = [
  { method: 'GET', path: '/health/', response: ['status'] },

  { method: 'GET', path: '/datasets/', list: true, response: DATASET },
  {
    method: 'POST',
    path: '/datasets/',
    required: ['name', 'slug', 'data_type'],
    response: DATASET,
  },
  { method: 'GET', path: '/datasets/{uid}/', response: DATASET },
  { method: 'PATCH', path: '/datasets/{uid}/', response: DATASET },
  { method: 'DELETE', path: '/datasets/{uid}/' },
  { method: 'GET', path: '/datasets/{owner}/{slug}/', response: DATASET },
  { method: 'GET', path: '/datasets/{owner}/{slug}/items/', list: true, response: ITEM },
  { method: 'GET', path: '/datasets/{owner}/{slug}/items/{uid}/', response: ITEM },
  { method: 'GET', path: '/datasets/{owner}/{slug}/sequences/', list: true, response: SEQUENCE },
  { method: 'GET', path: '/datasets/{owner}/{slug}/sequences/{uid}/', response: SEQUENCE },
  {
    method: 'GET',
    path: '/datasets/{owner}/{slug}/health/',
    response: ['dataset_uid', 'dataset_slug', 'item_count', 'sequence_count', 'issues'],
  },
  {
    method: 'POST',
    path: '/datasets/manual-upload/file-upload-url/',
    required: ['dataset_name', 'file_path_in_dataset', 'content_length'],
    response: ['method', 'url', 'fields'],
  },
  {
    method: 'POST',
    path: '/datasets/manual-upload/',
    required: ['name', 'slug', 'data_type'],
    response: DATASET,
  },

  { method: 'GET', path: '/users/me/projects/', list: true, response: PROJECT },
  { method: 'GET', path: '/users/me/projects/{uid}/', response: PROJECT },
  // The staff listing: a customer key gets 403 (the sandbox's keys are all customers').
  { method: 'GET', path: '/projects/' },
  { method: 'POST', path: '/projects/{uid}/auto-label/', response: AUTO_LABEL_JOB },

  { method: 'GET', path: '/auto-label-jobs/', list: true, response: AUTO_LABEL_JOB },
  { method: 'GET', path: '/auto-label-jobs/{uid}/', response: AUTO_LABEL_JOB },
  { method: 'DELETE', path: '/auto-label-jobs/{uid}/' },

  // `{dataset}` or `{project}`: one of the two, so neither is required on its own.
  { method: 'POST', path: '/exports/', response: EXPORT },
  { method: 'GET', path: '/exports/', list: true, response: EXPORT },
  { method: 'GET', path: '/exports/{uid}/', response: EXPORT },

  { method: 'POST', path: '/inference/invoke/', required: ['model', 'inputs'] },
];

/** The endpoint a request goes to, from its method and its path under `/api/v1` (no query). */
export function findEndpoint(method: string, path: string): AvalaEndpoint | undefined {
  const upper = method.toUpperCase();
  // HEAD is answered by every GET route, as DRF does.
  const wanted = upper === 'HEAD' ? 'GET' : upper;
  // A literal path wins over a pattern (`/datasets/manual-upload/` is not a dataset uid).
  const candidates = AVALA_ENDPOINTS.filter((endpoint) => endpoint.method === wanted);
  return (
    candidates.find((endpoint) => endpoint.path === path) ??
    candidates.find((endpoint) => !isLiteralElsewhere(path) && patternOf(endpoint).test(path))
  );
}

/** The endpoint's path in Hono's syntax: `/datasets/:uid/`. */
export function honoPath(endpoint: Pick<AvalaEndpoint, 'path'>): string {
  return endpoint.path.replace(/\{(\w+)\}/g, ':$1');
}

function patternOf(endpoint: AvalaEndpoint): RegExp {
  const source = endpoint.path
    .split(/\{\w+\}/)
    .map((part) => part.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'))
    .join('[^/]+');
  return new RegExp(`^${source}$`);
}

/** Whether a path is another endpoint's literal path (served by that one, whatever the method). */
function isLiteralElsewhere(path: string): boolean {
  return AVALA_ENDPOINTS.some((endpoint) => endpoint.path === path && !endpoint.path.includes('{'));
}
