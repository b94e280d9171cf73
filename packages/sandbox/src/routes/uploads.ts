import { Hono } from 'hono';
import type { SandboxEnv } from '../env.js';
import { keyOf } from '../middleware/auth.js';
import {
  detail,
  notFound,
  permissionDenied,
  readJson,
  rejectOtherMethods,
  validationFailed,
} from '../responses.js';
import type { SandboxState } from '../state.js';
import { integer, string, validate } from '../validation.js';

/** How long a presigned upload URL stays valid. */
const UPLOAD_URL_TTL_MS = 15 * 60_000;

const uploadFields = {
  filename: string({ required: true, maxLength: 255 }),
  size: integer({ required: true, min: 1 }),
  content_type: string({ maxLength: 255 }),
};

/**
 * `/uploads/`: the presigned-URL flow. Ask for an upload URL (413 when the file is over
 * the limit), PUT the bytes to it (sandbox "storage"), then confirm with
 * `POST /uploads/{uid}/complete/` (409 until the bytes arrived).
 */
export function uploadRoutes({ store, options }: SandboxState): Hono<SandboxEnv> {
  const app = new Hono<SandboxEnv>();

  app.post('/uploads/', async (c) => {
    const { organization } = keyOf(c);
    const body = await readJson(c);
    if (!body.ok) return body.response;
    const result = validate(uploadFields, body.data);
    if (!result.ok) return validationFailed(c, result.errors);
    const { filename = '', size = 0, content_type = 'application/octet-stream' } = result.value;
    if (size > options.maxUploadBytes) {
      return detail(
        c,
        413,
        `File too large: ${size} bytes, the limit is ${options.maxUploadBytes} bytes.`,
        { code: 'file_too_large' },
      );
    }
    const upload = store.createUpload(organization, { filename, size, content_type });
    return c.json(
      {
        upload_uid: upload.uid,
        upload_url: `${new URL(c.req.url).origin}/__sandbox/storage/${upload.uid}`,
        method: 'PUT',
        expires_at: new Date(options.now() + UPLOAD_URL_TTL_MS).toISOString(),
      },
      201,
    );
  });

  app.post('/uploads/:uid/complete/', (c) => {
    const upload = store.getUpload(c.req.param('uid'));
    if (!upload) return notFound(c);
    if (upload.organization !== keyOf(c).organization) return permissionDenied(c);
    if (upload.received === null) {
      return detail(c, 409, 'The file has not been uploaded yet.', { code: 'upload_incomplete' });
    }
    return c.json({
      upload_uid: upload.uid,
      filename: upload.filename,
      size: upload.received,
      status: 'complete',
    });
  });

  return rejectOtherMethods(app);
}
