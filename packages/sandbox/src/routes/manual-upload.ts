import { randomBytes } from 'node:crypto';
import { Hono } from 'hono';
import type { SandboxEnv } from '../env.js';
import { keyOf } from '../middleware/auth.js';
import { detail, readJson, rejectOtherMethods, validationFailed } from '../responses.js';
import type { SandboxState } from '../state.js';
import { STORAGE_PATH } from '../storage.js';
import { DATA_TYPES, OWNER_NAMES } from '../store.js';
import { boolean, choice, integer, slug, string, validate } from '../validation.js';
import { duplicate } from './datasets.js';

/** How long a presigned upload form stays valid. */
const UPLOAD_FORM_TTL_MS = 15 * 60_000;

const uploadUrlFields = {
  dataset_name: string({ required: true, maxLength: 100 }),
  file_path_in_dataset: string({ required: true, maxLength: 1024 }),
  content_length: integer({ required: true, min: 1 }),
};

const createFields = {
  name: string({ required: true, maxLength: 100 }),
  slug: slug({ required: true, maxLength: 100 }),
  data_type: choice(DATA_TYPES, { required: true }),
  visibility: choice(['private', 'public']),
  create_metadata: boolean(),
};

/**
 * `/datasets/manual-upload/`: Avala's upload flow (docs/avala-api.md). Ask for a presigned
 * POST form per file (413 over the size limit), send the file to storage as a multipart form
 * with those fields (the sandbox's storage, `/__sandbox/storage/`, checks them and the size),
 * then create the dataset from the files that arrived. Mounted before the dataset routes:
 * `/datasets/{uid}/` and `/datasets/{owner}/{slug}/` would match these paths too.
 */
export function manualUploadRoutes({ store, options }: SandboxState): Hono<SandboxEnv> {
  const app = new Hono<SandboxEnv>();

  app.post('/datasets/manual-upload/file-upload-url/', async (c) => {
    const { organization } = keyOf(c);
    const body = await readJson(c);
    if (!body.ok) return body.response;
    const result = validate(uploadUrlFields, body.data);
    if (!result.ok) return validationFailed(c, result.errors);
    const { dataset_name = '', file_path_in_dataset = '', content_length = 0 } = result.value;
    if (content_length > options.maxUploadBytes) {
      return detail(
        c,
        413,
        `File too large: ${content_length} bytes, the limit is ${options.maxUploadBytes} bytes.`,
        { code: 'file_too_large' },
      );
    }
    const objectKey = `${OWNER_NAMES[organization]}/${dataset_name}/${file_path_in_dataset}`;
    const expiresAt = options.now() + UPLOAD_FORM_TTL_MS;
    const policy = Buffer.from(
      JSON.stringify({
        expiration: new Date(expiresAt).toISOString(),
        conditions: [{ key: objectKey }, ['content-length-range', 0, content_length]],
      }),
    ).toString('base64');
    const upload = store.addUpload({
      objectKey,
      organization,
      dataset_name,
      file_path_in_dataset,
      content_length,
      policy,
      signature: randomBytes(32).toString('hex'),
      expiresAt,
    });
    return c.json({
      method: 'POST',
      url: `${new URL(c.req.url).origin}${STORAGE_PATH}`,
      fields: {
        key: upload.objectKey,
        policy: upload.policy,
        'x-amz-algorithm': 'AWS4-HMAC-SHA256',
        'x-amz-signature': upload.signature,
      },
    });
  });

  app.post('/datasets/manual-upload/', async (c) => {
    const { organization } = keyOf(c);
    const body = await readJson(c);
    if (!body.ok) return body.response;
    const result = validate(createFields, body.data);
    if (!result.ok) return validationFailed(c, result.errors);
    const { name = '', slug = '', data_type = 'image', visibility = 'private' } = result.value;
    const files = store.receivedUploads(organization, name);
    if (files.length === 0) {
      return validationFailed(c, {
        non_field_errors: [`No uploaded files found for dataset "${name}".`],
      });
    }
    const taken = store.datasetConflict(organization, { name, slug });
    if (taken) return duplicate(c, taken);
    const dataset = store.createDataset(organization, {
      name,
      slug,
      data_type,
      is_sequence: data_type === 'video' || data_type === 'lidar',
      description: '',
      visibility,
      filters: { split: null },
      items: files.map((file) => ({
        key: file.file_path_in_dataset,
        metadata: result.value.create_metadata ? { size: file.received } : {},
      })),
    });
    store.consumeUploads(files);
    return c.json(dataset, 201);
  });

  return rejectOtherMethods(app);
}
