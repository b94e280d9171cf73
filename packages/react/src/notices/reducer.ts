import type { AvalaError, AvalaEvent } from '@avala-fetch/core';

/** The kinds of notice; at most one notice of each is shown at a time. */
export type AvalaNoticeKind =
  | 'rate_limited'
  | 'concurrency_limited'
  | 'service_unavailable'
  | 'offline'
  | 'recovered'
  | 'unauthorized'
  | 'forbidden';

interface NoticeBase<K extends AvalaNoticeKind> {
  /** Stable for the life of the notice (it is the kind): use it as the toast's id. */
  id: K;
  kind: K;
  /** One readable line for a toast or banner. */
  message: string;
  /** Epoch ms when the condition was first seen (for `recovered`: when it ended). */
  since: number;
}

/** The API refused for the rate limit; requests resume at `retryAt`. */
export interface RateLimitedNotice extends NoticeBase<'rate_limited'> {
  /** Epoch ms when requests are allowed again, for a countdown. */
  retryAt: number;
}

/**
 * A concurrency limit refused a job, not the rate (a 429 for five running exports): only that
 * pool waits, and the job starts when a running one finishes. The message says so:
 * "5 exports are running; yours starts when one finishes."
 */
export interface ConcurrencyLimitedNotice extends NoticeBase<'concurrency_limited'> {
  /** The client's pool (`exports`, `uploads`), when known. */
  pool?: string;
  /** How many jobs of the pool may run at once, when known. */
  limit?: number;
  /** Epoch ms when the API said to try again, when it said. */
  retryAt?: number;
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

/**
 * A rate limit, outage or network failure ended: a request went through again. It clears the
 * other passing notices and is cleared by the next one; otherwise it stays until dismissed,
 * so the app's toast library decides how long to show it (auto-close → `notice.dismiss()`).
 */
export interface RecoveredNotice extends NoticeBase<'recovered'> {
  /** The condition that ended. */
  from: 'rate_limited' | 'concurrency_limited' | 'service_unavailable' | 'offline';
}

/**
 * The key is valid but not allowed to do this (403). It is about one action, so nothing ends
 * it: it stays until dismissed, and the next 403 shows it again even after a dismissal.
 */
export interface ForbiddenNotice extends NoticeBase<'forbidden'> {
  detail?: string;
  /** The machine code, e.g. `plan_insufficient`. */
  code?: string;
  docUrl?: string;
}

/** A notice's data, as the reducer keeps it (the store adds `dismiss`). */
export type AvalaNoticeData =
  | RateLimitedNotice
  | ConcurrencyLimitedNotice
  | ServiceUnavailableNotice
  | OfflineNotice
  | RecoveredNotice
  | UnauthorizedNotice
  | ForbiddenNotice;

/** The notices state: what is shown, and which still-active conditions the user dismissed. */
export interface NoticeState {
  readonly notices: readonly AvalaNoticeData[];
  /**
   * Dismissed conditions that stay hidden until they end, so 20 late 429s do not bring a
   * dismissed toast back. Never `forbidden` or `recovered`: nothing ends those, so a
   * dismissal is not remembered and the next one shows.
   */
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
 * The core already raises each condition once and ends it with one `recovered`
 * (docs/errors.md); this only turns those events into notices, keeps a later `until`, and
 * remembers dismissals. Returns the same state object when nothing changed, so
 * `useSyncExternalStore` and `onNotice` see no change for a repeated event.
 *
 * - `rate_limited`, `concurrency_limited` ("5 exports are running; yours starts when one
 *   finishes"), `service_unavailable`, `offline` → one notice each; a later `until` moves
 *   `retryAt` forward. A new one of these clears a shown `recovered` notice.
 * - `recovered` (`from` one of those four) → that condition ends (its notice and its
 *   dismissal are cleared) and, if it had been noticed (shown or dismissed), one `recovered`
 *   notice is shown until dismissed or replaced by the next condition.
 * - `error` of kind `unauthorized`/`forbidden` → a notice (a banner); a later 2xx response
 *   clears `unauthorized` (the key works again); `forbidden` stays until dismissed.
 * - `dismiss` hides a notice. Conditions that end (429, 503, offline, 401) stay hidden until
 *   they do; `forbidden` and `recovered` are not remembered, so the next one shows.
 */
export function noticeReducer(state: NoticeState, action: NoticeAction): NoticeState {
  const { notices, dismissed } = state;
  if (action.type === 'dismiss') {
    const notice = notices.find((n) => n.id === action.id);
    if (!notice) return state;
    const kept = notices.filter((n) => n !== notice);
    // Nothing ends a 403 or a recovery, so remembering it would hide every later one for good.
    const forget = notice.kind === 'forbidden' || notice.kind === 'recovered';
    return { notices: kept, dismissed: forget ? dismissed : [...dismissed, notice.kind] };
  }
  const { event, at } = action;
  if (event.type === 'recovered') return recover(state, event.from, at);
  if (event.type === 'response') {
    return event.status >= 200 && event.status < 300 ? clear(state, 'unauthorized') : state;
  }
  const next = noticeOf(event, at);
  if (!next || dismissed.includes(next.kind)) return state;
  const index = notices.findIndex((n) => n.kind === next.kind);
  const previous = notices[index];
  if (!previous) {
    // A new rate limit, outage or network failure makes an earlier "recovered" stale.
    const kept = passing.has(next.kind) ? notices.filter((n) => n.kind !== 'recovered') : notices;
    return { dismissed, notices: [...kept, next] };
  }
  const retryAt = latest(retryAtOf(previous), retryAtOf(next));
  if (retryAt === retryAtOf(previous)) return state;
  const moved = { ...next, since: previous.since, retryAt } as AvalaNoticeData;
  return { dismissed, notices: notices.map((n, i) => (i === index ? moved : n)) };
}

/** The conditions that end by themselves, with a `recovered` notice. */
type PassingCondition = RecoveredNotice['from'];

const passing: ReadonlySet<AvalaNoticeKind> = new Set<PassingCondition>([
  'rate_limited',
  'concurrency_limited',
  'service_unavailable',
  'offline',
]);

const messages = {
  rate_limited: 'Too many requests: the Avala API asked us to slow down.',
  service_unavailable: 'The Avala API is unavailable (maintenance or overload); retrying.',
  offline: 'The Avala API cannot be reached: check the network connection.',
  unauthorized: 'The Avala API key is missing, invalid or revoked.',
  forbidden: 'This API key is not allowed to do that.',
} as const;

const recoveredMessages: Record<PassingCondition, string> = {
  rate_limited: 'The rate limit has passed: requests to the Avala API flow again.',
  concurrency_limited: 'A running job finished: yours has started.',
  service_unavailable: 'The Avala API is available again.',
  offline: 'The connection to the Avala API is back.',
};

/** The notice an event raises on its own, or `undefined` for an event that raises none. */
function noticeOf(event: AvalaEvent, since: number): AvalaNoticeData | undefined {
  switch (event.type) {
    case 'rate_limited':
      return { ...base('rate_limited', since), retryAt: event.until };
    case 'concurrency_limited': {
      const { pool, limit, until: retryAt } = event;
      const message = concurrencyMessage(pool, limit);
      return {
        id: 'concurrency_limited',
        kind: 'concurrency_limited',
        message,
        since,
        pool,
        limit,
        retryAt,
      };
    }
    case 'service_unavailable':
      return {
        ...base('service_unavailable', since),
        retryAt: event.until,
        detail: detailOf(event.error),
      };
    case 'offline':
      return base('offline', since);
    case 'error': {
      const { error } = event;
      if (error.kind === 'unauthorized') {
        return { ...base('unauthorized', since), detail: detailOf(error) };
      }
      if (error.kind !== 'forbidden') return undefined;
      const { code, docUrl } = error;
      return { ...base('forbidden', since), detail: detailOf(error), code, docUrl };
    }
    default:
      return undefined;
  }
}

function base<K extends keyof typeof messages>(kind: K, since: number) {
  return { id: kind, kind, message: messages[kind], since };
}

/** Ends a passing condition and, if the user had seen it, says it recovered. */
function recover(state: NoticeState, from: PassingCondition, at: number): NoticeState {
  const noticed = state.notices.some((n) => n.kind === from) || state.dismissed.includes(from);
  if (!noticed) return state;
  const ended = clear(state, from);
  const recovered: RecoveredNotice = {
    id: 'recovered',
    kind: 'recovered',
    from,
    message: recoveredMessages[from],
    since: at,
  };
  // One at a time: a second recovery (say offline, then the rate limit) replaces the first.
  const index = ended.notices.findIndex((n) => n.kind === 'recovered');
  const notices =
    index === -1
      ? [...ended.notices, recovered]
      : ended.notices.map((n, i) => (i === index ? recovered : n));
  return { ...ended, notices };
}

/** Ends a condition: its notice goes, and a later occurrence is shown again. */
function clear(state: NoticeState, kind: AvalaNoticeKind): NoticeState {
  const { notices, dismissed } = state;
  if (!notices.some((n) => n.kind === kind) && !dismissed.includes(kind)) return state;
  return {
    notices: notices.filter((n) => n.kind !== kind),
    dismissed: dismissed.filter((k) => k !== kind),
  };
}

/** "5 exports are running; yours starts when one finishes." — with what is known of the pool. */
function concurrencyMessage(pool: string | undefined, limit: number | undefined): string {
  const what = pool ?? 'jobs';
  const running =
    limit !== undefined && pool !== undefined ? `${limit} ${what}` : `Too many ${what}`;
  return `${running} are running; yours starts when one finishes.`;
}

function retryAtOf(notice: AvalaNoticeData): number | undefined {
  return 'retryAt' in notice ? notice.retryAt : undefined;
}

function latest(a: number | undefined, b: number | undefined): number | undefined {
  return a === undefined ? b : b === undefined ? a : Math.max(a, b);
}

function detailOf(error: AvalaError): string | undefined {
  return typeof error.detail === 'string' ? error.detail : undefined;
}
