import { type Context, Hono } from 'hono';
import type { SandboxEnv } from '../env.js';
import { keyOf } from '../middleware/auth.js';
import { paginate } from '../pagination.js';
import {
  detail,
  notFound,
  permissionDenied,
  readJson,
  rejectOtherMethods,
  validationFailed,
} from '../responses.js';
import type { SandboxState } from '../state.js';
import {
  DATA_TYPES,
  type Dataset,
  type DatasetFilters,
  type DatasetInput,
  OWNER_NAMES,
  type Positioned,
} from '../store.js';
import {
  boolean,
  choice,
  type FieldErrors,
  list,
  number,
  object,
  slug,
  string,
  validate,
} from '../validation.js';

/**
 * The dataset serializer's fields. `name`, `slug` and `data_type` are Avala's required ones
 * (docs/avala-api.md); `description`, `visibility`, `filters.split` and `items[].weight`
 * let the sandbox send every DRF error shape (nested objects, lists aligned by index).
 */
const datasetFields = {
  name: string({ required: true, maxLength: 100 }),
  slug: slug({ required: true, maxLength: 100 }),
  data_type: choice(DATA_TYPES, { required: true }),
  is_sequence: boolean(),
  owner_name: string({ maxLength: 100 }),
  description: string({ allowBlank: true, maxLength: 1000 }),
  visibility: choice(['private', 'public']),
  filters: object({ split: choice(['train', 'val', 'test']) }),
  items: list(object({ weight: number({ required: true, min: 0, max: 1 }) })),
};

/** What PATCH may change: the identity fields, not what the dataset holds. */
const patchFields = {
  name: datasetFields.name,
  slug: datasetFields.slug,
  description: datasetFields.description,
  visibility: datasetFields.visibility,
  filters: datasetFields.filters,
};

/** The list's filters (django-filter choice filters, and `name`). */
const listFilters = {
  data_type: DATA_TYPES,
  status: ['creating', 'created'],
  visibility: ['private', 'public'],
} as const;

/** Object-level rules (DRF `validate()`), reported under `non_field_errors`. */
function objectErrors(dataset: Pick<Dataset, 'visibility' | 'description'>): string[] {
  return dataset.visibility === 'public' && dataset.description === ''
    ? ['Public datasets need a description.']
    : [];
}

/** The 409 for a name or slug the organization already uses (names case-insensitively). */
export function duplicate(c: Context<SandboxEnv>, field: 'name' | 'slug'): Response {
  return detail(c, 409, `A dataset with this ${field} already exists.`, {
    code: `duplicate_${field}`,
  });
}

/**
 * `/datasets/`: cursor-paginated list with filters, create, and each dataset by uid (get,
 * partial update, delete) or by owner and slug, with its items, sequences and health.
 */
export function datasetRoutes({ store }: SandboxState): Hono<SandboxEnv> {
  const app = new Hono<SandboxEnv>();

  /** A page of `entries`, or DRF's 404 for a cursor the sandbox did not make. */
  const page = <T>(c: Context<SandboxEnv>, entries: Positioned<T>[]) => {
    const result = paginate(entries, c.req.url);
    return result ? c.json(result) : detail(c, 404, 'Invalid cursor.');
  };

  /** The dataset at `/datasets/{owner}/{slug}/`, or the 404/403 to answer. */
  const bySlug = (c: Context<SandboxEnv>): Dataset | Response => {
    const dataset = store.findDataset(c.req.param('owner') ?? '', c.req.param('slug') ?? '');
    if (!dataset) return notFound(c);
    if (dataset.organization !== keyOf(c).organization) return permissionDenied(c);
    return dataset;
  };

  app.get('/datasets/', (c) => {
    const filters = readFilters(c.req.query());
    if ('errors' in filters) return validationFailed(c, filters.errors);
    return page(c, store.listDatasets(keyOf(c).organization, filters.value));
  });

  app.post('/datasets/', async (c) => {
    const { organization } = keyOf(c);
    const body = await readJson(c);
    if (!body.ok) return body.response;
    const result = validate(datasetFields, body.data);
    if (!result.ok) return validationFailed(c, result.errors);
    const { name = '', slug = '', data_type = 'image', owner_name, filters, items } = result.value;
    // A key creates datasets for its own organization only.
    if (owner_name !== undefined && owner_name !== OWNER_NAMES[organization]) {
      return permissionDenied(c);
    }
    const input: DatasetInput = {
      name,
      slug,
      data_type,
      is_sequence: result.value.is_sequence ?? false,
      description: result.value.description ?? '',
      visibility: result.value.visibility ?? 'private',
      filters: { split: filters?.split ?? null },
      items: (items ?? []).map((item, index) => ({
        key: `item-${index + 1}`,
        metadata: { weight: item.weight ?? 0 },
      })),
    };
    const rules = objectErrors(input);
    if (rules.length > 0) return validationFailed(c, { non_field_errors: rules });
    const taken = store.datasetConflict(organization, { name, slug });
    if (taken) return duplicate(c, taken);
    return c.json(store.createDataset(organization, input), 201);
  });

  app.get('/datasets/:uid/', (c) => {
    const dataset = store.getDataset(c.req.param('uid'));
    if (!dataset) return notFound(c);
    if (dataset.organization !== keyOf(c).organization) return permissionDenied(c);
    return c.json(dataset);
  });

  app.patch('/datasets/:uid/', async (c) => {
    const dataset = store.getDataset(c.req.param('uid'));
    if (!dataset) return notFound(c);
    if (dataset.organization !== keyOf(c).organization) return permissionDenied(c);
    const body = await readJson(c);
    if (!body.ok) return body.response;
    const result = validate(patchFields, body.data, { partial: true });
    if (!result.ok) return validationFailed(c, result.errors);
    const { filters, ...changes } = result.value;
    const update = {
      ...changes,
      ...(filters ? { filters: { split: filters.split ?? null } } : {}),
    };
    const rules = objectErrors({ ...dataset, ...update });
    if (rules.length > 0) return validationFailed(c, { non_field_errors: rules });
    const taken = store.datasetConflict(dataset.organization, update, dataset.uid);
    if (taken) return duplicate(c, taken);
    return c.json(store.updateDataset(dataset.uid, update));
  });

  app.delete('/datasets/:uid/', (c) => {
    const dataset = store.getDataset(c.req.param('uid'));
    if (!dataset) return notFound(c);
    if (dataset.organization !== keyOf(c).organization) return permissionDenied(c);
    store.deleteDataset(dataset.uid);
    return c.body(null, 204);
  });

  app.get('/datasets/:owner/:slug/', (c) => {
    const dataset = bySlug(c);
    return dataset instanceof Response ? dataset : c.json(dataset);
  });

  app.get('/datasets/:owner/:slug/items/', (c) => {
    const dataset = bySlug(c);
    return dataset instanceof Response ? dataset : page(c, store.listItems(dataset.uid));
  });

  app.get('/datasets/:owner/:slug/items/:uid/', (c) => {
    const dataset = bySlug(c);
    if (dataset instanceof Response) return dataset;
    const item = store
      .listItems(dataset.uid)
      .find((entry) => entry.item.uid === c.req.param('uid'));
    return item ? c.json(item.item) : notFound(c);
  });

  app.get('/datasets/:owner/:slug/sequences/', (c) => {
    const dataset = bySlug(c);
    return dataset instanceof Response ? dataset : page(c, store.listSequences(dataset.uid));
  });

  app.get('/datasets/:owner/:slug/sequences/:uid/', (c) => {
    const dataset = bySlug(c);
    if (dataset instanceof Response) return dataset;
    const sequence = store
      .listSequences(dataset.uid)
      .find((entry) => entry.item.uid === c.req.param('uid'));
    return sequence ? c.json(sequence.item) : notFound(c);
  });

  app.get('/datasets/:owner/:slug/health/', (c) => {
    const dataset = bySlug(c);
    if (dataset instanceof Response) return dataset;
    const sequences = store.listSequences(dataset.uid).map(({ item }) => ({
      uid: item.uid,
      key: item.key,
      status: item.status,
      frame_count: item.number_of_frames,
      has_lidar_calibration: dataset.data_type === 'lidar',
      has_camera_calibration: false,
    }));
    const issues = dataset.item_count === 0 ? ['The dataset has no items.'] : [];
    return c.json({
      dataset_uid: dataset.uid,
      dataset_slug: dataset.slug,
      dataset_status: dataset.status,
      item_count: dataset.item_count,
      sequence_count: sequences.length,
      total_frames: sequences.reduce((sum, sequence) => sum + sequence.frame_count, 0),
      s3_prefix: `${dataset.owner_name}/${dataset.slug}/`,
      gc_storage_prefix: null,
      last_updated_at: dataset.updated_at,
      sequences,
      ingest_ok: issues.length === 0,
      issues,
    });
  });

  return rejectOtherMethods(app);
}

/** The list's query filters, or django-filter's 400 for a choice it does not know. */
function readFilters(
  query: Record<string, string>,
): { value: DatasetFilters } | { errors: FieldErrors } {
  const value: DatasetFilters = {};
  const errors: FieldErrors = {};
  for (const [name, choices] of Object.entries(listFilters)) {
    const raw = query[name];
    if (raw === undefined || raw === '') continue;
    if ((choices as readonly string[]).includes(raw)) {
      Object.assign(value, { [name]: raw });
    } else {
      errors[name] = [`Select a valid choice. ${raw} is not one of the available choices.`];
    }
  }
  if (query.name) value.name = query.name;
  return Object.keys(errors).length > 0 ? { errors } : { value };
}
