import type { Context, Hono } from 'hono';
import type { ContentfulStatusCode } from 'hono/utils/http-status';
import type { SandboxEnv } from './env.js';
import type { FieldErrors } from './validation.js';

type Ctx = Context<SandboxEnv>;

/** The common Avala error body `{"detail": "..."}`, optionally with `code` and `doc_url`. */
export function detail(
  c: Ctx,
  status: ContentfulStatusCode,
  text: string,
  extra: { code?: string; doc_url?: string } = {},
): Response {
  return c.json({ detail: text, ...extra }, status);
}

/** DRF's 404 for an unknown path or id. */
export function notFound(c: Ctx): Response {
  return detail(c, 404, 'Not found.');
}

/** DRF's 403 when the key's role or organization does not allow the request. */
export function permissionDenied(c: Ctx): Response {
  return detail(c, 403, 'You do not have permission to perform this action.');
}

/**
 * The 400 for validation failures, in the shape the `fieldErrors` option picks: wrapped in
 * `detail` as Avala's docs show, or at the root as DRF sends them (docs/avala-api.md).
 */
export function validationFailed(c: Ctx, errors: FieldErrors): Response {
  return c.json(c.get('fieldErrorShape') === 'root' ? errors : { detail: errors }, 400);
}

/**
 * The request's JSON body, or what DRF answers instead: 415 for a body that is not JSON
 * (the API parses JSON only, so form, multipart and text bodies are refused by their
 * content type, whatever they contain), 400 for malformed JSON. An empty body reads as `{}`
 * so that missing fields are reported as required, as DRF does (docs/avala-api.md).
 */
export async function readJson(
  c: Ctx,
): Promise<{ ok: true; data: unknown } | { ok: false; response: Response }> {
  const text = await c.req.text();
  if (text === '') return { ok: true, data: {} };
  const contentType = c.req.header('Content-Type') ?? '';
  if (!isJsonMediaType(contentType)) {
    // DRF quotes the header as sent, parameters included.
    return {
      ok: false,
      response: detail(c, 415, `Unsupported media type "${contentType}" in request.`),
    };
  }
  if (text.trim() === '') return { ok: true, data: {} };
  try {
    return { ok: true, data: JSON.parse(text) };
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    return { ok: false, response: detail(c, 400, `JSON parse error - ${reason}`) };
  }
}

/** Whether a `Content-Type` names JSON (`application/json`, any parameters), as DRF's JSONParser matches it. */
function isJsonMediaType(contentType: string): boolean {
  return contentType.split(';', 1)[0]?.trim().toLowerCase() === 'application/json';
}

/**
 * Tells the Node adapter that nothing is to be written (the socket is gone); `status` is what
 * the log records, e.g. 499, nginx's "client closed request".
 */
export function alreadySent(status: number): Response {
  return new Response(null, { status, headers: { 'x-hono-already-sent': 'true' } });
}

/** The client's address (the per-IP bucket of unauthenticated requests). */
export function clientIp(c: Ctx): string {
  return c.env?.incoming?.socket?.remoteAddress ?? 'unknown';
}

/**
 * Answers 405 with an `Allow` header for every other method on the paths `app` serves,
 * as DRF does, instead of the 404 a router gives. Call it after the routes are declared.
 */
export function rejectOtherMethods(app: Hono<SandboxEnv>): Hono<SandboxEnv> {
  const allowed = new Map<string, Set<string>>();
  for (const route of app.routes) {
    if (route.method === 'ALL') continue;
    const methods = allowed.get(route.path) ?? new Set<string>();
    methods.add(route.method);
    if (route.method === 'GET') methods.add('HEAD');
    allowed.set(route.path, methods);
  }
  for (const [path, methods] of allowed) {
    const allow = [...methods, 'OPTIONS'].join(', ');
    app.all(path, (c) => {
      c.header('Allow', allow);
      return detail(c, 405, `Method "${c.req.method}" not allowed.`);
    });
  }
  return app;
}
