/**
 * The one-line `message` of an `AvalaError` (docs/errors.md): the caller's own, else the
 * server's `detail`, else the field errors as `field: message; …`, else a line naming the
 * status, else the kind's. Never markup, never longer than {@link MAX_MESSAGE_LENGTH}.
 */
import type { AvalaErrorKind } from '../types/errors.js';
import { redactString } from '../utils/redact.js';

/** The longest `message` an `AvalaError` carries. */
export const MAX_MESSAGE_LENGTH = 500;

// Only this much of a text is looked at: beyond it nothing can reach a 500-character line
// (bar whitespace runs), and collapsing whitespace or looking for tags in a megabyte
// `detail` or proxy page would cost seconds.
const MAX_SCANNED_CHARS = 8 * MAX_MESSAGE_LENGTH;

// Reason phrases (RFC 9110) for when `statusText` is empty, as over HTTP/2: the statuses the
// API documents (docs/avala-api.md), the gateway 5xx, a redirect ky did not follow and 418.
// Any other status without a `statusText` reads `HTTP error (410)`: the number says it all.
const STATUS_NAMES: Record<number, string> = {
  302: 'Found',
  400: 'Bad Request',
  401: 'Unauthorized',
  403: 'Forbidden',
  404: 'Not Found',
  405: 'Method Not Allowed',
  409: 'Conflict',
  413: 'Payload Too Large',
  415: 'Unsupported Media Type',
  418: "I'm a teapot",
  422: 'Unprocessable Content',
  429: 'Too Many Requests',
  500: 'Internal Server Error',
  501: 'Not Implemented',
  502: 'Bad Gateway',
  503: 'Service Unavailable',
  504: 'Gateway Timeout',
};

/** `Service Unavailable (503)`: the reason phrase (ours when `statusText` is empty) and status. */
export function statusLine(status: number, statusText?: string): string {
  const text = oneLine(statusText ?? '');
  const name = text && !looksLikeMarkup(text) ? text : (STATUS_NAMES[status] ?? 'HTTP error');
  return `${name} (${status})`;
}

/** Collapses whitespace (newlines included) to single spaces and trims. */
export function oneLine(text: string): string {
  return text.replace(/\s+/g, ' ').trim();
}

// Tags that only appear in markup pages, so a message like "expected <int>" is still shown.
const MARKUP_TAG =
  /<\/?(!doctype|html|head|body|title|meta|div|span|p|br|hr|h[1-6]|pre|code|b|i|a|ul|li|table|center|script|style)\b[^>]*>/i;

/** Whether text looks like HTML/XML (starts with `<` or holds page tags), not prose for a person. */
export function looksLikeMarkup(text: string): boolean {
  return /^\s*</.test(text) || MARKUP_TAG.test(text.slice(0, MAX_SCANNED_CHARS));
}

/** Redacts, flattens to one line and cuts `text` to {@link MAX_MESSAGE_LENGTH} (with `…`). */
export function finishMessage(text: string): string {
  // Cutting before redacting is safe: a key cut in two is still `avk_…` or no key at all.
  const cut = text.length > MAX_SCANNED_CHARS;
  const line = oneLine(redactString(cut ? text.slice(0, MAX_SCANNED_CHARS) : text));
  if (!cut && line.length <= MAX_MESSAGE_LENGTH) return line;
  return `${line.slice(0, MAX_MESSAGE_LENGTH - 1)}…`;
}

/** Whether `text` holds anything but whitespace (what `oneLine` would keep), without copying it. */
export function hasText(text: string): boolean {
  return /\S/.test(text);
}

/** What the message is built from: an `AvalaErrorInit`, its server texts redacted already. */
export interface MessageParts {
  kind: AvalaErrorKind;
  /** The caller's own message, which wins when it has any text. */
  message?: string;
  status?: number;
  statusText?: string;
  detail?: string;
  /** A secret-looking path's messages are `[redacted]` already. */
  fieldErrors: Record<string, string[]>;
  nonFieldErrors: string[];
}

/**
 * The message by the docs/errors.md rule: the caller's `message`; else `detail` (unless it is
 * markup); else non-field errors then `path: message` pairs joined by `; `; else the status
 * line (`Service Unavailable (503)`); else the kind's fallback (`Not found`). Redacted, one
 * line, at most {@link MAX_MESSAGE_LENGTH} characters.
 */
export function buildMessage(parts: MessageParts): string {
  const { message, detail } = parts;
  if (message !== undefined && hasText(message)) return finishMessage(message);
  if (detail && hasText(detail) && !looksLikeMarkup(detail)) return finishMessage(detail);
  const pieces = [...parts.nonFieldErrors];
  for (const [path, messages] of Object.entries(parts.fieldErrors)) {
    for (const text of messages) pieces.push(`${path}: ${text}`);
  }
  if (pieces.length > 0) return finishMessage(pieces.join('; '));
  if (parts.status !== undefined) return finishMessage(statusLine(parts.status, parts.statusText));
  return finishMessage(fallbackMessage(parts.kind));
}

// The message of an error with no status and nothing from the server (built by hand, or a
// status-0 response): the kind in words ("Not found"), or for these kinds a sentence.
const FALLBACK_SENTENCES: Partial<Record<AvalaErrorKind, string>> = {
  rate_limited: 'Too many requests',
  network: 'Network error: the server could not be reached',
  timeout: 'The request timed out',
  aborted: 'The request was aborted',
  unexpected_status: 'Unexpected response status',
};

function fallbackMessage(kind: AvalaErrorKind): string {
  const words = kind.replaceAll('_', ' ');
  return FALLBACK_SENTENCES[kind] ?? words.charAt(0).toUpperCase() + words.slice(1);
}
