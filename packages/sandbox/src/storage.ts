import { Hono } from 'hono';
import type { ContentfulStatusCode } from 'hono/utils/http-status';
import type { SandboxEnv } from './env.js';
import { bodyLimit } from './middleware/body-limit.js';
import { faults } from './middleware/faults.js';
import type { SandboxState } from './state.js';

/** Where presigned upload forms are sent: the sandbox's stand-in for the storage bucket. */
export const STORAGE_PATH = '/__sandbox/storage/';

/**
 * The storage a presigned POST form goes to (sandbox-only, outside the API, like the S3
 * bucket Avala's forms point at). It answers as S3 does: 204 when the form's `key`, `policy`
 * and `x-amz-signature` are the ones handed out and the file fits the announced
 * `content_length`; XML errors otherwise. It also refuses a request that carries
 * `X-Avala-Api-Key`: the key must never leave for storage (docs/security.md).
 */
export function storageRoutes(state: SandboxState): Hono<SandboxEnv> {
  const { store, options } = state;
  const app = new Hono<SandboxEnv>();
  // A fault whose `path` names the storage (a dropped connection, a 503) hits uploads to it;
  // faults for "the next request" stay with the API.
  app.use(STORAGE_PATH, faults(state.faults, state.delays, { onlyNamed: true }));
  const limit = bodyLimit(options.maxUploadBytes, () =>
    s3Error(400, 'EntityTooLarge', 'Your proposed upload exceeds the maximum allowed size'),
  );

  app.post(STORAGE_PATH, limit, async (c) => {
    if (c.req.header('X-Avala-Api-Key') !== undefined) {
      return s3Error(400, 'InvalidArgument', 'The Avala API key must not be sent to storage.');
    }
    const form = await readForm(c.req.raw.headers, await c.req.arrayBuffer());
    if (!form) {
      return s3Error(
        400,
        'MalformedPOSTRequest',
        'The body of your POST request is not well-formed multipart/form-data.',
      );
    }
    const key = form.get('key');
    const file = form.get('file');
    if (typeof key !== 'string') {
      return s3Error(400, 'InvalidArgument', "Bucket POST must contain a field named 'key'.");
    }
    if (!(file instanceof Blob)) {
      return s3Error(400, 'InvalidArgument', 'POST requires exactly one file upload per request.');
    }
    const upload = store.getUpload(key);
    if (!upload || form.get('policy') !== upload.policy) {
      return s3Error(403, 'AccessDenied', 'Invalid according to Policy: Policy Condition failed.');
    }
    if (form.get('x-amz-signature') !== upload.signature) {
      return s3Error(
        403,
        'SignatureDoesNotMatch',
        'The request signature we calculated does not match the signature you provided.',
      );
    }
    if (options.now() > upload.expiresAt) {
      return s3Error(403, 'AccessDenied', 'Invalid according to Policy: Policy expired.');
    }
    if (file.size > upload.content_length) {
      return s3Error(
        400,
        'EntityTooLarge',
        'Your proposed upload exceeds the maximum allowed size',
      );
    }
    store.receiveUpload(upload, file.size);
    return c.body(null, 204);
  });

  return app;
}

/** The multipart form of a body already read (the body limit consumed the stream). */
async function readForm(headers: Headers, body: ArrayBuffer): Promise<FormData | undefined> {
  const type = headers.get('Content-Type') ?? '';
  if (!type.toLowerCase().startsWith('multipart/form-data')) return undefined;
  try {
    return await new Response(body, { headers: { 'Content-Type': type } }).formData();
  } catch {
    return undefined;
  }
}

function s3Error(status: ContentfulStatusCode, code: string, message: string): Response {
  const xml = `<?xml version="1.0" encoding="UTF-8"?>\n<Error><Code>${code}</Code><Message>${message}</Message></Error>`;
  return new Response(xml, { status, headers: { 'Content-Type': 'application/xml' } });
}
