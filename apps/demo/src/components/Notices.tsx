import { type AvalaNotice, type RecoveredNotice, useAvalaNotices } from '@avala-fetch/react';
import { useEffect } from 'react';
import { ServerWaitCountdown } from './Countdown.js';

type Notice = AvalaNotice;

/** How long a "recovered" toast stays: the library leaves that to the app. */
const RECOVERED_TOAST_MS = 6000;

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
export function Toasts() {
  const notices = useAvalaNotices().filter((notice) => !bannerKinds.has(notice.kind));
  return (
    <section className="toasts" aria-live="polite" aria-label="Notifications">
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
            Requests resume in <ServerWaitCountdown retryAt={notice.retryAt} />. The client waits
            for you; nothing is lost.
          </p>
        </>
      );
    case 'concurrency_limited':
      return (
        <>
          <p className="toast__title">Waiting for a free slot (429)</p>
          <p className="toast__text">{notice.message}</p>
        </>
      );
    case 'service_unavailable':
      return (
        <>
          <p className="toast__title">Avala is unavailable (503), retrying…</p>
          <p className="toast__text">
            {notice.retryAt !== undefined ? (
              <>
                Next try in <ServerWaitCountdown retryAt={notice.retryAt} />.
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
    case 'recovered':
      return <RecoveredText notice={notice} />;
    default:
      return <p className="toast__title">{notice.message}</p>;
  }
}

/**
 * The "recovered" toast's text. It closes itself after a few seconds: a later recovery is a
 * new notice object, which restarts the timer.
 */
function RecoveredText({ notice }: { notice: RecoveredNotice & Pick<Notice, 'dismiss'> }) {
  useEffect(() => {
    const timer = window.setTimeout(notice.dismiss, RECOVERED_TOAST_MS);
    return () => window.clearTimeout(timer);
  }, [notice]);
  return (
    <>
      <p className="toast__title">Recovered</p>
      <p className="toast__text">{recoveredText[notice.from]}</p>
    </>
  );
}

const recoveredText: Record<RecoveredNotice['from'], string> = {
  service_unavailable: 'The API is back from maintenance; pending requests went through.',
  rate_limited: 'The rate-limit window has passed; requests flow again.',
  concurrency_limited: 'A running job finished; yours has started.',
  offline: 'The connection is back.',
};

function detailOf(notice: Notice): string {
  return 'detail' in notice && notice.detail ? notice.detail : notice.message;
}
