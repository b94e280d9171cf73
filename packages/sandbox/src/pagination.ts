import type { Positioned } from './store.js';

/** DRF's defaults for `limit`: 100 per page, at most 1000. */
const DEFAULT_LIMIT = 100;
const MAX_LIMIT = 1000;

/** A cursor-paginated page in Avala's shape. */
export interface Page<T> {
  next: string | null;
  previous: string | null;
  count: number;
  results: T[];
}

type Cursor = { after: number } | { before: number };

/**
 * Cursor pagination like DRF's `CursorPagination`: the cursor is opaque (base64 of a
 * position), so pages stay stable when items are added; `next`/`previous` are absolute
 * URLs built from the request's own URL. Returns `undefined` for a cursor it did not make
 * (the route answers 404 "Invalid cursor." as DRF does).
 */
export function paginate<T>(entries: Positioned<T>[], requestUrl: string): Page<T> | undefined {
  const url = new URL(requestUrl);
  const limit = parseLimit(url.searchParams.get('limit'));
  const rawCursor = url.searchParams.get('cursor');
  const cursor = rawCursor === null ? { after: 0 } : decodeCursor(rawCursor);
  if (!cursor) return undefined;

  let page: Positioned<T>[];
  if ('after' in cursor) {
    page = entries.filter((entry) => entry.position > cursor.after).slice(0, limit);
  } else {
    page = entries.filter((entry) => entry.position < cursor.before).slice(-limit);
  }
  const first = page[0];
  const last = page[page.length - 1];
  const hasAfter = last !== undefined && entries.some((entry) => entry.position > last.position);
  const hasBefore = first !== undefined && entries.some((entry) => entry.position < first.position);
  return {
    next: hasAfter && last ? pageUrl(url, { after: last.position }) : null,
    previous: hasBefore && first ? pageUrl(url, { before: first.position }) : null,
    count: entries.length,
    results: page.map((entry) => entry.item),
  };
}

/** DRF ignores a `limit` that is not a positive integer and caps large ones. */
function parseLimit(raw: string | null): number {
  if (raw === null || !/^\d+$/.test(raw)) return DEFAULT_LIMIT;
  const limit = Number(raw);
  return limit === 0 ? DEFAULT_LIMIT : Math.min(limit, MAX_LIMIT);
}

function pageUrl(url: URL, cursor: Cursor): string {
  const next = new URL(url);
  next.searchParams.set('cursor', encodeCursor(cursor));
  return next.toString();
}

function encodeCursor(cursor: Cursor): string {
  const text = 'after' in cursor ? `a=${cursor.after}` : `b=${cursor.before}`;
  return Buffer.from(text, 'utf8').toString('base64url');
}

function decodeCursor(raw: string): Cursor | undefined {
  const match = /^([ab])=(\d{1,15})$/.exec(Buffer.from(raw, 'base64url').toString('utf8'));
  if (!match) return undefined;
  const position = Number(match[2]);
  return match[1] === 'a' ? { after: position } : { before: position };
}
