import type { AvalaError, AvalaEvent } from '@avala-fetch/core';

/** The conditions a notice reports; at most one notice of each is shown at a time. */
export type AvalaNoticeKind =
  | 'rate_limited'
  | 'service_unavailable'
  | 'offline'
  | 'unauthorized'
  | 'forbidden';

interface NoticeBase<K extends AvalaNoticeKind> {
  /** Stable for the life of the condition (it is the kind): use it as the toast's id. */
  id: K;
  kind: K;
  /** One readable line for a toast or banner. */
  message: string;
  /** Epoch ms when the condition was first seen. */
  since: number;
}

/** The API refused for the rate limit; requests resume at `retryAt`. */
export interface RateLimitedNotice extends NoticeBase<'rate_limited'> {
  /** Epoch ms when requests are allowed again, for a countdown. */
  retryAt: number;
}

/** The API is in maintenance or overloaded (503); calls are retried per the policy. */
export interface ServiceUnavailableNotice extends NoticeBase<'service_unavailable'> {
  /** Epoch ms when the API said it would be back, when it said. */
  retryAt?: number;
  /** The server's own words, when it gave some. */
  detail?: string;
}

/** No response could be had (offline, DNS, connection refused). */
export interface OfflineNotice extends NoticeBase<'offline'> {}

/** The API key is missing, invalid, revoked or expired (401). */
export interface UnauthorizedNotice extends NoticeBase<'unauthorized'> {
  detail?: string;
}

/** The key is valid but not allowed to do this (403). */
export interface ForbiddenNotice extends NoticeBase<'forbidden'> {
  detail?: string;
  /** The machine code, e.g. `plan_insufficient`. */
  code?: string;
  docUrl?: string;
}

/** A notice's data, as the reducer keeps it (the store adds `dismiss`). */
export type AvalaNoticeData =
  | RateLimitedNotice
  | ServiceUnavailableNotice
  | OfflineNotice
  | UnauthorizedNotice
  | ForbiddenNotice;

/** The notices state: what is shown, and which still-active conditions the user dismissed. */
export interface NoticeState {
  readonly notices: readonly AvalaNoticeData[];
  /** Dismissed conditions stay hidden until they end, so 20 late 429s do not bring it back. */
  readonly dismissed: readonly AvalaNoticeKind[];
}

/** What the reducer accepts: a client event (with the time it arrived) or a dismissal. */
export type NoticeAction =
  | { type: 'event'; event: AvalaEvent; at: number }
  | { type: 'dismiss'; id: string };

/** The state before any event. */
export const initialNoticeState: NoticeState = { notices: [], dismissed: [] };

/**
 * The notice state machine, pure: client events in, at most one notice per condition out.
 * Returns the same state object when nothing changed (so `useSyncExternalStore` and
 * `onNotice` see no change for the 19 duplicates of 20 concurrent 429s).
 *
 * - `rate_limited` → a `rate_limited` notice; a later `until` moves `retryAt` forward.
 * - `service_unavailable` → one notice; `retryAt` when the API said how long.
 * - `offline` → one notice.
 * - `recovered` (`from` one of those three) → that notice is cleared.
 * - `error` of kind `unauthorized`/`forbidden` → a notice (a banner); a later 2xx response
 *   clears `unauthorized` (the key works again); `forbidden` stays until dismissed.
 */
export function noticeReducer(state: NoticeState, action: NoticeAction): NoticeState {
  if (action.type === 'dismiss') {
    const notice = state.notices.find((n) => n.id === action.id);
    if (!notice) return state;
    return {
      notices: state.notices.filter((n) => n !== notice),
      dismissed: [...state.dismissed, notice.kind],
    };
  }
  const { event, at } = action;
  switch (event.type) {
    case 'rate_limited':
      return upsert(state, 'rate_limited', (previous) => {
        const retryAt = Math.max(previous?.retryAt ?? 0, event.until);
        if (previous && previous.retryAt === retryAt) return previous;
        return {
          id: 'rate_limited',
          kind: 'rate_limited',
          message: 'Too many requests: the Avala API asked us to slow down.',
          since: previous?.since ?? at,
          retryAt,
        };
      });
    case 'service_unavailable':
      return upsert(state, 'service_unavailable', (previous) => {
        const retryAt = maxDefined(previous?.retryAt, event.until);
        if (previous && previous.retryAt === retryAt) return previous;
        return {
          id: 'service_unavailable',
          kind: 'service_unavailable',
          message: 'The Avala API is unavailable (maintenance or overload); retrying.',
          since: previous?.since ?? at,
          retryAt,
          detail: detailOf(event.error),
        };
      });
    case 'offline':
      return upsert(
        state,
        'offline',
        (previous) =>
          previous ?? {
            id: 'offline',
            kind: 'offline',
            message: 'The Avala API cannot be reached: check the network connection.',
            since: at,
          },
      );
    case 'recovered':
      return clear(state, event.from);
    case 'response':
      return event.status >= 200 && event.status < 300 ? clear(state, 'unauthorized') : state;
    case 'error':
      if (event.error.kind === 'unauthorized') {
        return upsert(
          state,
          'unauthorized',
          (previous) =>
            previous ?? {
              id: 'unauthorized',
              kind: 'unauthorized',
              message: 'The Avala API key is missing, invalid or revoked.',
              since: at,
              detail: detailOf(event.error),
            },
        );
      }
      if (event.error.kind === 'forbidden') {
        const { code, docUrl } = event.error;
        return upsert(
          state,
          'forbidden',
          (previous) =>
            previous ?? {
              id: 'forbidden',
              kind: 'forbidden',
              message: 'This API key is not allowed to do that.',
              since: at,
              detail: detailOf(event.error),
              code,
              docUrl,
            },
        );
      }
      return state;
    default:
      return state;
  }
}

type NoticeOf<K extends AvalaNoticeKind> = Extract<AvalaNoticeData, { kind: K }>;

/** Replaces (or adds) the notice of `kind`, unless the user dismissed that condition. */
function upsert<K extends AvalaNoticeKind>(
  state: NoticeState,
  kind: K,
  next: (previous: NoticeOf<K> | undefined) => NoticeOf<K>,
): NoticeState {
  if (state.dismissed.includes(kind)) return state;
  const index = state.notices.findIndex((n) => n.kind === kind);
  const previous = index === -1 ? undefined : (state.notices[index] as NoticeOf<K>);
  const notice = next(previous);
  if (notice === previous) return state;
  const notices =
    index === -1
      ? [...state.notices, notice]
      : state.notices.map((n, i) => (i === index ? notice : n));
  return { ...state, notices };
}

/** Ends a condition: its notice goes, and a later occurrence is shown again. */
function clear(state: NoticeState, kind: AvalaNoticeKind): NoticeState {
  const shown = state.notices.some((n) => n.kind === kind);
  const dismissed = state.dismissed.includes(kind);
  if (!shown && !dismissed) return state;
  return {
    notices: shown ? state.notices.filter((n) => n.kind !== kind) : state.notices,
    dismissed: dismissed ? state.dismissed.filter((k) => k !== kind) : state.dismissed,
  };
}

function maxDefined(a: number | undefined, b: number | undefined): number | undefined {
  if (a === undefined) return b;
  if (b === undefined) return a;
  return Math.max(a, b);
}

function detailOf(error: AvalaError): string | undefined {
  return typeof error.detail === 'string' ? error.detail : undefined;
}
