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
  if (action.type === 'dismiss') return dismiss(state, action.id);
  const { event, at } = action;
  if (event.type === 'recovered') return recover(state, event.from, at);
  if (event.type === 'response') {
    return event.status >= 200 && event.status < 300 ? end(state, 'unauthorized') : state;
  }
  const next = noticeOf(event, at);
  return next ? raise(state, next) : state;
}

/** The conditions that end by themselves, with a `recovered` notice. */
type PassingCondition = RecoveredNotice['from'];

const messages = {
  rate_limited: 'Too many requests: the Avala API asked us to slow down.',
  service_unavailable: 'The Avala API is unavailable (maintenance or overload); retrying.',
  offline: 'The Avala API cannot be reached: check the network connection.',
  unauthorized: 'The Avala API key is missing, invalid or revoked.',
  forbidden: 'This API key is not allowed to do that.',
} as const;

// One per passing condition: the keys are those conditions (see `passes`).
const recoveredMessages: Record<PassingCondition, string> = {
  rate_limited: 'The rate limit has passed: requests to the Avala API flow again.',
  concurrency_limited: 'A running job finished: yours has started.',
  service_unavailable: 'The Avala API is available again.',
  offline: 'The connection to the Avala API is back.',
};

type NoticeOfKind<K extends AvalaNoticeKind> = Extract<AvalaNoticeData, { kind: K }>;

/** Whether a condition ends by itself (a rate limit, a full pool, an outage, offline). */
function passes(kind: AvalaNoticeKind): kind is PassingCondition {
  return kind in recoveredMessages;
}

/**
 * A notice of `kind`: its id is its kind, as there is at most one of each. The message is the
 * kind's own in `messages` unless given; `concurrency_limited` and `recovered` have none there
 * (theirs say what is running, or what ended) and always pass one.
 */
function notice<K extends AvalaNoticeKind>(
  kind: K,
  since: number,
  fields: Omit<NoticeOfKind<K>, keyof NoticeBase<K>>,
  message: string = messages[kind as keyof typeof messages],
): NoticeOfKind<K> {
  return { id: kind, kind, message, since, ...fields } as NoticeOfKind<K>;
}

/** The notice an event raises on its own, or `undefined` for an event that raises none. */
function noticeOf(event: AvalaEvent, since: number): AvalaNoticeData | undefined {
  switch (event.type) {
    case 'rate_limited':
      return notice('rate_limited', since, { retryAt: event.until });
    case 'concurrency_limited': {
      const { pool, limit, until } = event;
      const message = concurrencyMessage(pool, limit);
      return notice('concurrency_limited', since, { pool, limit, retryAt: until }, message);
    }
    case 'service_unavailable':
      return notice('service_unavailable', since, {
        retryAt: event.until,
        detail: detailOf(event.error),
      });
    case 'offline':
      return notice('offline', since, {});
    case 'error': {
      const { error } = event;
      if (error.kind === 'unauthorized') {
        return notice('unauthorized', since, { detail: detailOf(error) });
      }
      if (error.kind !== 'forbidden') return undefined;
      const { code, docUrl } = error;
      return notice('forbidden', since, { detail: detailOf(error), code, docUrl });
    }
    default:
      return undefined;
  }
}

/** Shows a condition's notice, unless the user dismissed it or it repeats one shown. */
function raise(state: NoticeState, next: AvalaNoticeData): NoticeState {
  const { notices, dismissed } = state;
  if (dismissed.includes(next.kind)) return state;
  const shown = notices.find((n) => n.kind === next.kind);
  if (!shown) {
    // A new rate limit, outage or network failure makes an earlier "recovered" stale.
    const kept = passes(next.kind) ? without(notices, 'recovered') : notices;
    return { dismissed, notices: [...kept, next] };
  }
  // A repeat only ever brings a later retry time; the notice keeps when it was first seen.
  if (!(retryAtOf(next) > retryAtOf(shown))) return state;
  return { dismissed, notices: put(notices, { ...next, since: shown.since }) };
}

/** Ends a passing condition and, if the user had seen it (shown or dismissed), says so. */
function recover(state: NoticeState, from: PassingCondition, at: number): NoticeState {
  const ended = end(state, from);
  if (ended === state) return state;
  const recovered = notice('recovered', at, { from }, recoveredMessages[from]);
  // One at a time: a second recovery (say offline, then the rate limit) replaces the first.
  return { ...ended, notices: put(ended.notices, recovered) };
}

/** Ends a condition: its notice goes, and a later occurrence is shown again. */
function end(state: NoticeState, kind: AvalaNoticeKind): NoticeState {
  const { notices, dismissed } = state;
  if (!notices.some((n) => n.kind === kind) && !dismissed.includes(kind)) return state;
  return { notices: without(notices, kind), dismissed: dismissed.filter((k) => k !== kind) };
}

/** Hides a notice; a condition that ends is remembered as dismissed until it does. */
function dismiss(state: NoticeState, id: string): NoticeState {
  const { notices, dismissed } = state;
  const shown = notices.find((n) => n.id === id);
  if (!shown) return state;
  // Nothing ends a 403 or a recovery, so remembering it would hide every later one for good.
  const forget = shown.kind === 'forbidden' || shown.kind === 'recovered';
  return {
    notices: without(notices, shown.kind),
    dismissed: forget ? dismissed : [...dismissed, shown.kind],
  };
}

/** The notices without the one of `kind`. */
function without(notices: readonly AvalaNoticeData[], kind: AvalaNoticeKind) {
  return notices.filter((n) => n.kind !== kind);
}

/** The notices with `notice` in the place of the one of its kind, or appended. */
function put(notices: readonly AvalaNoticeData[], notice: AvalaNoticeData) {
  const index = notices.findIndex((n) => n.kind === notice.kind);
  return index === -1 ? [...notices, notice] : notices.map((n, i) => (i === index ? notice : n));
}

/** "5 exports are running; yours starts when one finishes." — with what is known of the pool. */
function concurrencyMessage(pool: string | undefined, limit: number | undefined): string {
  const what = pool ?? 'jobs';
  const running =
    limit !== undefined && pool !== undefined ? `${limit} ${what}` : `Too many ${what}`;
  return `${running} are running; yours starts when one finishes.`;
}

/** A notice's retry time; one without (or with none known) compares as the earliest. */
function retryAtOf(notice: AvalaNoticeData): number {
  return ('retryAt' in notice ? notice.retryAt : undefined) ?? Number.NEGATIVE_INFINITY;
}

function detailOf(error: AvalaError): string | undefined {
  return typeof error.detail === 'string' ? error.detail : undefined;
}
