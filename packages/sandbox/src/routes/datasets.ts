import { Hono } from 'hono';
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
import type { Dataset } from '../store.js';
import { choice, list, number, object, string, validate } from '../validation.js';

/** The dataset serializer's fields (docs/avala-api.md: name, visibility, filters.split, items[].weight). */
const datasetFields = {
  name: string({ required: true, maxLength: 100 }),
  description: string({ allowBlank: true, maxLength: 1000 }),
  visibility: choice(['private', 'public']),
  filters: object({ split: choice(['train', 'val', 'test']) }),
  items: list(object({ weight: number({ required: true, min: 0, max: 1 }) })),
};

type DatasetInput = Pick<Dataset, 'name' | 'description' | 'visibility' | 'filters' | 'items'>;

/** Object-level rules (DRF `validate()`), reported under `non_field_errors`. */
function objectErrors(dataset: DatasetInput): string[] {
  return dataset.visibility === 'public' && dataset.description === ''
    ? ['Public datasets need a description.']
    : [];
}

const duplicateName = {
  detail: 'A dataset with this name already exists.',
  code: 'duplicate_name',
} as const;

/** `/datasets/`: cursor-paginated list, create, get, partial update, delete. */
export function datasetRoutes({ store }: SandboxState): Hono<SandboxEnv> {
  const app = new Hono<SandboxEnv>();

  app.get('/datasets/', (c) => {
    const page = paginate(store.listDatasets(keyOf(c).organization), c.req.url);
    return page ? c.json(page) : detail(c, 404, 'Invalid cursor.');
  });

  app.post('/datasets/', async (c) => {
    const { organization } = keyOf(c);
    const body = await readJson(c);
    if (!body.ok) return body.response;
    const result = validate(datasetFields, body.data);
    if (!result.ok) return validationFailed(c, result.errors);
    const {
      name = '',
      description = '',
      visibility = 'private',
      filters,
      items = [],
    } = result.value;
    const input: DatasetInput = {
      name,
      description,
      visibility,
      filters: { split: filters?.split ?? null },
      items: items.map((item) => ({ weight: item.weight ?? 0 })),
    };
    const rules = objectErrors(input);
    if (rules.length > 0) return validationFailed(c, { non_field_errors: rules });
    if (store.datasetNameTaken(organization, name)) return c.json(duplicateName, 409);
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
    const result = validate(datasetFields, body.data, { partial: true });
    if (!result.ok) return validationFailed(c, result.errors);
    const { filters, items, ...rest } = result.value;
    const changes: Partial<DatasetInput> = { ...rest };
    if (filters) changes.filters = { split: filters.split ?? null };
    if (items) changes.items = items.map((item) => ({ weight: item.weight ?? 0 }));
    const rules = objectErrors({ ...dataset, ...changes });
    if (rules.length > 0) return validationFailed(c, { non_field_errors: rules });
    if (changes.name && store.datasetNameTaken(dataset.organization, changes.name, dataset.uid)) {
      return c.json(duplicateName, 409);
    }
    return c.json(store.updateDataset(dataset.uid, changes));
  });

  app.delete('/datasets/:uid/', (c) => {
    const dataset = store.getDataset(c.req.param('uid'));
    if (!dataset) return notFound(c);
    if (dataset.organization !== keyOf(c).organization) return permissionDenied(c);
    store.deleteDataset(dataset.uid);
    return c.body(null, 204);
  });

  return rejectOtherMethods(app);
}
