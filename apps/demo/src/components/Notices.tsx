import { type AvalaNotice, type AvalaNoticeChange, useAvalaNotices } from '@avala-fetch/react';
import { useCallback, useEffect, useRef, useState } from 'react';
import { Countdown } from './Countdown.js';

type Notice = AvalaNotice;

/** A "recovered" toast: shown when a 429/503/offline condition ends by itself. */
export interface RecoveredToast {
  id: number;
  from: string;
}

const RECOVERED_TOAST_MS = 6000;
const passingKinds = new Set(['rate_limited', 'service_unavailable', 'offline']);

/**
 * Turns the provider's `onNotice` changes into "recovered" toasts: a passing condition's
 * notice that is cleared because it ended (not dismissed) means the API answers again.
 */
export function useRecoveredToasts() {
  const [toasts, setToasts] = useState<RecoveredToast[]>([]);
  const nextId = useRef(0);
  const timers = useRef(new Set<number>());
  useEffect(() => {
    const pending = timers.current;
    return () => {
      for (const timer of pending) window.clearTimeout(timer);
    };
  }, []);

  const dismiss = useCallback((id: number) => {
    setToasts((current) => current.filter((toast) => toast.id !== id));
  }, []);

  const onNotice = useCallback(
    (change: AvalaNoticeChange) => {
      if (change.type !== 'cleared' || change.reason !== 'ended') return;
      if (!passingKinds.has(change.notice.kind)) return;
      nextId.current += 1;
      const id = nextId.current;
      setToasts((current) => [
        ...current.filter((toast) => toast.from !== change.notice.kind),
        { id, from: change.notice.kind },
      ]);
      const timer = window.setTimeout(() => {
        timers.current.delete(timer);
        dismiss(id);
      }, RECOVERED_TOAST_MS);
      timers.current.add(timer);
    },
    [dismiss],
  );

  const clear = useCallback(() => setToasts([]), []);

  return { toasts, dismiss, onNotice, clear };
}

const bannerKinds = new Set(['unauthorized', 'forbidden']);

/**
 * 401 and 403 as banners under the header: they stay until the key changes or a person
 * dismisses them, because retrying cannot fix them.
 */
export function Banners() {
  const notices = useAvalaNotices().filter((notice) => bannerKinds.has(notice.kind));
  if (notices.length === 0) return null;
  return (
    <div className="banners">
      {notices.map((notice) => (
        <div
          key={notice.id}
          className={`banner banner--${notice.kind}`}
          role="alert"
          data-testid={`banner-${notice.kind}`}
        >
          <div className="banner__body">
            <p className="banner__title">
              {notice.kind === 'unauthorized'
                ? 'The API did not accept this key (401)'
                : 'code' in notice && notice.code === 'plan_insufficient'
                  ? 'Not included in your plan (403)'
                  : 'This key is not allowed to do that (403)'}
            </p>
            <p>
              {detailOf(notice)}{' '}
              {notice.kind === 'unauthorized'
                ? 'Pick a valid key in the header; a 401 is never retried.'
                : 'Use a key with the right role, organization or plan.'}
            </p>
            {notice.kind === 'forbidden' && notice.docUrl && (
              <p>
                <a href={notice.docUrl} target="_blank" rel="noreferrer">
                  How to get access
                </a>
              </p>
            )}
          </div>
          <button type="button" className="close" aria-label="Dismiss" onClick={notice.dismiss}>
            ×
          </button>
        </div>
      ))}
    </div>
  );
}

/** 429, 503, offline and recovered as toasts: passing states the client is handling. */
export function Toasts({
  recovered,
  onDismissRecovered,
}: {
  recovered: readonly RecoveredToast[];
  onDismissRecovered: (id: number) => void;
}) {
  const notices = useAvalaNotices().filter((notice) => !bannerKinds.has(notice.kind));
  return (
    <section className="toasts" aria-live="polite" aria-label="Notifications">
      {recovered.map((toast) => (
        <div
          key={toast.id}
          className="toast toast--recovered"
          role="status"
          data-testid="toast-recovered"
        >
          <div className="toast__body">
            <p className="toast__title">Recovered</p>
            <p className="toast__text">
              {recoveredText[toast.from] ?? 'The API is answering again.'}
            </p>
          </div>
          <button
            type="button"
            className="close"
            aria-label="Dismiss"
            onClick={() => onDismissRecovered(toast.id)}
          >
            ×
          </button>
        </div>
      ))}
      {notices.map((notice) => (
        <div
          key={notice.id}
          className={`toast toast--${notice.kind}`}
          role="status"
          data-testid={`toast-${notice.kind}`}
        >
          <div className="toast__body">
            <ToastText notice={notice} />
          </div>
          <button type="button" className="close" aria-label="Dismiss" onClick={notice.dismiss}>
            ×
          </button>
        </div>
      ))}
    </section>
  );
}

function ToastText({ notice }: { notice: Notice }) {
  switch (notice.kind) {
    case 'rate_limited':
      return (
        <>
          <p className="toast__title">Slow down: rate limit reached (429)</p>
          <p className="toast__text">
            Requests resume in <Countdown until={notice.retryAt} done="a moment" />. The client
            waits for you; nothing is lost.
          </p>
        </>
      );
    case 'service_unavailable':
      return (
        <>
          <p className="toast__title">Avala is unavailable (503), retrying…</p>
          <p className="toast__text">
            {notice.retryAt !== undefined ? (
              <>
                Next try in <Countdown until={notice.retryAt} done="a moment" />.
              </>
            ) : (
              'Maintenance or overload; the client retries with backoff.'
            )}
          </p>
        </>
      );
    case 'offline':
      return (
        <>
          <p className="toast__title">No connection</p>
          <p className="toast__text">The request did not reach the server; retrying.</p>
        </>
      );
    default:
      return <p className="toast__title">{notice.message}</p>;
  }
}

const recoveredText: Record<string, string> = {
  service_unavailable: 'The API is back from maintenance; pending requests went through.',
  rate_limited: 'The rate-limit window has passed; requests flow again.',
  offline: 'The connection is back.',
};

function detailOf(notice: Notice): string {
  return 'detail' in notice && notice.detail ? notice.detail : notice.message;
}
