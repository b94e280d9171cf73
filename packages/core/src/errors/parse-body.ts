/**
 * Reads an Avala error body (docs/avala-api.md) into its parts. The envelope is five optional
 * keys read with `typeof` checks (a schema library would add kilobytes for that); the recursive field-error tree is walked by
 * `flattenFieldErrors` with explicit bounds instead of a recursive schema, so a deeply
 * nested or megabyte body cannot blow the stack or the time budget.
 *
 * Shapes accepted:
 * - `{"detail": "…"}`, with optional `"code"` and `"doc_url"` (an absolute http(s) URL);
 * - `{"detail": {field: [...]}}` or `{"detail": [...]}`;
 * - the field errors at the root (`{"name": ["…"]}`), nested, index-aligned, with
 *   `non_field_errors`; a top-level list `["…"]`;
 * - `{"message": "…"}` / `{"error": "…"}` (gateways) when there is no `detail`;
 * - text: JSON in a string is parsed when it is small; other text (HTML, plain) is kept as
 *   `text` for the fallback message; the leading `detail` of JSON cut off by the read
 *   limit is still recovered.
 */
import { setOwn } from '../utils/redact.js';
import { flattenFieldErrors } from './field-errors.js';

/** The parts of an error body. */
export interface ParsedErrorBody {
  detail?: string;
  code?: string;
  docUrl?: string;
  fieldErrors: Record<string, string[]>;
  nonFieldErrors: string[];
  /** The body when it was text that is not JSON (HTML, a proxy's plain message). */
  text?: string;
  /** The body as JSON, when it was JSON (parsed here from a string if need be). */
  json?: unknown;
}

/** Text bodies are stored on the error cut to this many characters. */
export const MAX_TEXT_BODY_CHARS = 2000;

/** Strings longer than this are not JSON-parsed (bounded work on huge text bodies). */
const MAX_JSON_TEXT = 256 * 1024;

/** The keys of an error envelope; any of them may be missing or of any type. */
interface Envelope {
  detail?: unknown;
  code?: unknown;
  doc_url?: unknown;
  message?: unknown;
  error?: unknown;
}

const isText = (value: unknown): value is string => typeof value === 'string';

/** Splits an error body (parsed JSON, text, or nothing) into detail, code, field errors. Never throws. */
export function parseErrorBody(body: unknown): ParsedErrorBody {
  try {
    return parse(body);
  } catch {
    return { fieldErrors: {}, nonFieldErrors: [] };
  }
}

function parse(body: unknown): ParsedErrorBody {
  if (typeof body === 'string') {
    const json = parseJsonText(body);
    if (json !== undefined) return parse(json);
    return { fieldErrors: {}, nonFieldErrors: [], text: body, detail: salvageDetail(body) };
  }
  if (Array.isArray(body)) return { ...flattenFieldErrors(body), json: body };

  if (typeof body !== 'object' || body === null) return { fieldErrors: {}, nonFieldErrors: [] };
  const { detail, code, doc_url: docUrl, message, error } = body as Envelope;
  const parsed: ParsedErrorBody = { fieldErrors: {}, nonFieldErrors: [], json: body };
  if (isText(code) && code) parsed.code = code;
  if (isText(docUrl) && isWebUrl(docUrl)) parsed.docUrl = docUrl;

  // A string `detail` makes an error envelope: the other root keys are metadata, not fields.
  // Without any `detail`, a gateway's `message` or `error` string stands in for it…
  const detailText = detail === undefined ? [message, error].find(isText) : detail;
  if (isText(detailText)) {
    parsed.detail = detailText;
    return parsed;
  }

  // …else the field errors live in `detail` (an object or list) and/or at the root.
  const fromDetail = flattenFieldErrors(detail);
  const fromRoot = flattenFieldErrors(
    body,
    // `code` and `doc_url` are metadata when they hold a string, fields otherwise.
    (key, value) => key === 'detail' || ((key === 'code' || key === 'doc_url') && isText(value)),
  );
  parsed.nonFieldErrors = [...fromDetail.nonFieldErrors, ...fromRoot.nonFieldErrors];
  parsed.fieldErrors = fromRoot.fieldErrors;
  for (const [path, messages] of Object.entries(fromDetail.fieldErrors)) {
    const earlier = Object.hasOwn(parsed.fieldErrors, path) ? parsed.fieldErrors[path] : [];
    setOwn(parsed.fieldErrors, path, [...(earlier ?? []), ...messages]);
  }
  return parsed;
}

/** A text body cut to {@link MAX_TEXT_BODY_CHARS} (with `…`) for `error.body`; other bodies as they are. */
export function truncateTextBody(body: unknown): unknown {
  if (typeof body !== 'string') return body;
  return body.length > MAX_TEXT_BODY_CHARS ? `${body.slice(0, MAX_TEXT_BODY_CHARS)}…` : body;
}

/** `JSON.parse` for text that looks like a JSON object or list and is not huge; else `undefined`. */
function parseJsonText(text: string): unknown {
  if (text.length > MAX_JSON_TEXT) return undefined;
  const trimmed = text.trim();
  if (!(trimmed.startsWith('{') || trimmed.startsWith('['))) return undefined;
  try {
    return JSON.parse(trimmed) as unknown;
  } catch {
    return undefined;
  }
}

// Apps render `docUrl` as a link (`<a href>`), so a server or proxy must not be able to hand
// them a `javascript:` or `data:` one.
function isWebUrl(text: string): boolean {
  try {
    const { protocol } = new URL(text);
    return protocol === 'https:' || protocol === 'http:';
  } catch {
    return false;
  }
}

// `{"detail": "…", …` at the start of a body cut off by the read limit: the detail is still
// worth showing. Only a complete leading string literal is taken.
const LEADING_DETAIL = /^\s*\{\s*"detail"\s*:\s*("(?:[^"\\]|\\.){0,2000}")/;

/** The `detail` string at the head of cut-off JSON text, if there is a complete one. */
export function salvageDetail(text: string): string | undefined {
  const literal = LEADING_DETAIL.exec(text.slice(0, 8192))?.[1];
  if (literal === undefined) return undefined;
  try {
    const value: unknown = JSON.parse(literal);
    return typeof value === 'string' ? value : undefined;
  } catch {
    return undefined;
  }
}
