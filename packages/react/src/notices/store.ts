import type { AvalaClient } from '@avala-fetch/core';
import {
  type AvalaNoticeData,
  initialNoticeState,
  type NoticeAction,
  type NoticeState,
  noticeReducer,
} from './reducer.js';

/** A notice as the app sees it: its data plus the way to close it. */
export type AvalaNotice = AvalaNoticeData & {
  /**
   * Hides the notice. A 429, 503, offline or 401 notice is shown again only after its
   * condition has ended; the next `forbidden` or `recovered` notice shows regardless.
   */
  dismiss(): void;
};

/**
 * What changed, as `onNotice` receives it: a notice appeared, changed (a later `retryAt`), or
 * was cleared (its condition ended, or the user dismissed it). Toast libraries map these to
 * show / update (by `notice.id`) / dismiss.
 */
export type AvalaNoticeChange =
  | { type: 'shown'; notice: AvalaNotice }
  | { type: 'updated'; notice: AvalaNotice }
  | { type: 'cleared'; notice: AvalaNotice; reason: 'ended' | 'dismissed' };

/** Receives every {@link AvalaNoticeChange}. */
export type AvalaNoticeListener = (change: AvalaNoticeChange) => void;

/**
 * Holds the notice state of one client for React: an external store for
 * `useSyncExternalStore` that folds client events through the pure {@link noticeReducer}.
 */
export interface NoticeStore {
  getSnapshot(): readonly AvalaNotice[];
  subscribe(listener: () => void): () => void;
  dismiss(id: string): void;
  /** Starts listening to the client's events; returns the function that stops. */
  connect(client: Pick<AvalaClient, 'subscribe'>): () => void;
  /** Sets the `onNotice` callback (the provider keeps it current across renders). */
  setListener(listener: AvalaNoticeListener | undefined): void;
}

/** Creates an empty {@link NoticeStore}. `now` is injectable for tests. */
export function createNoticeStore(now: () => number = Date.now): NoticeStore {
  let state: NoticeState = initialNoticeState;
  let snapshot: readonly AvalaNotice[] = [];
  let onNotice: AvalaNoticeListener | undefined;
  const listeners = new Set<() => void>();
  // One AvalaNotice object per data object, so unchanged notices keep their identity.
  const bound = new WeakMap<AvalaNoticeData, AvalaNotice>();

  const bind = (data: AvalaNoticeData): AvalaNotice => {
    let notice = bound.get(data);
    if (!notice) {
      notice = { ...data, dismiss: () => dispatch({ type: 'dismiss', id: data.id }) };
      bound.set(data, notice);
    }
    return notice;
  };

  const dispatch = (action: NoticeAction) => {
    const previous = state;
    state = noticeReducer(state, action);
    if (state === previous) return;
    snapshot = state.notices.map(bind);
    if (onNotice) {
      for (const change of diff(previous, state, action, bind)) onNotice(change);
    }
    for (const listener of listeners) listener();
  };

  return {
    getSnapshot: () => snapshot,
    subscribe(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    dismiss: (id) => dispatch({ type: 'dismiss', id }),
    connect: (client) => client.subscribe((event) => dispatch({ type: 'event', event, at: now() })),
    setListener(listener) {
      onNotice = listener;
    },
  };
}

function diff(
  previous: NoticeState,
  next: NoticeState,
  action: NoticeAction,
  bind: (data: AvalaNoticeData) => AvalaNotice,
): AvalaNoticeChange[] {
  const changes: AvalaNoticeChange[] = [];
  for (const old of previous.notices) {
    if (!next.notices.some((n) => n.kind === old.kind)) {
      const reason = action.type === 'dismiss' ? 'dismissed' : 'ended';
      changes.push({ type: 'cleared', notice: bind(old), reason });
    }
  }
  for (const notice of next.notices) {
    const old = previous.notices.find((n) => n.kind === notice.kind);
    if (old !== notice) changes.push({ type: old ? 'updated' : 'shown', notice: bind(notice) });
  }
  return changes;
}
