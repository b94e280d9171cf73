import type { Context, MiddlewareHandler } from 'hono';
import { alreadySent } from '../responses.js';

/**
 * Refuses bodies over `maxBytes` with `onTooLarge` (413): at once when `Content-Length`
 * says so, else while reading a streamed body. Hono's own `bodyLimit` rebuilds the
 * request with the global `Request`, which does not accept the Node adapter's request
 * object, so this one reads the stream and hands the bytes to Hono's body cache.
 */
export function bodyLimit(
  maxBytes: number,
  onTooLarge: (c: Context) => Response,
): MiddlewareHandler {
  return async (c, next) => {
    const declared = c.req.header('Content-Length');
    if (declared !== undefined && Number(declared) > maxBytes) return onTooLarge(c);
    const stream = c.req.raw.body;
    if (!stream) return next();
    const reader = stream.getReader();
    const chunks: Uint8Array[] = [];
    let size = 0;
    for (;;) {
      // A read fails only when the client hung up mid-body: nothing can be answered, and it
      // is the client's doing, not a server error (499, like a client leaving a delay).
      const chunk = await reader.read().catch(() => undefined);
      if (!chunk) return alreadySent(499);
      const { done, value } = chunk;
      if (done) break;
      size += value.byteLength;
      if (size > maxBytes) {
        await reader.cancel().catch(() => {});
        return onTooLarge(c);
      }
      chunks.push(value);
    }
    const bytes = new Uint8Array(size);
    let offset = 0;
    for (const chunk of chunks) {
      bytes.set(chunk, offset);
      offset += chunk.byteLength;
    }
    // Hono keeps promises in this cache (its type says values); later reads come from it.
    (c.req.bodyCache as Record<string, unknown>).arrayBuffer = Promise.resolve(bytes.buffer);
    return next();
  };
}
