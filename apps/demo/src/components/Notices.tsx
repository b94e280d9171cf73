import {
  type AvalaNotice,
  type AvalaNoticeChange,
  type RecoveredNotice,
  useAvalaNotices,
} from '@avala-fetch/react';
import { useEffect, useRef, useState } from 'react';
import { Toaster, toast } from 'sonner';
import { demoConfig, type KeyChoice, storePastedKey } from '../config.js';
import { ServerWaitCountdown } from './Countdown.js';

type Notice = AvalaNotice;

/** How long a "recovered" toast stays: the library leaves that to the app. */
const RECOVERED_TOAST_MS = 6000;

const bannerKinds = new Set(['unauthorized', 'forbidden']);

/**
 * 401 and 403 as banners under the header: they stay until the key changes or a person
 * dismisses them, because retrying cannot fix them.
 */
export function Banners({ onKeyChange }: { onKeyChange: (choice: KeyChoice) => void }) {
  // A plan-gated 403 is shown where it happened, with its link (one alert, not two).
  const notices = useAvalaNotices().filter(
    (notice) =>
      bannerKinds.has(notice.kind) && !('code' in notice && notice.code === 'plan_insufficient'),
  );
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
                ? 'A 401 is never retried: it needs another key.'
                : 'Use a key with the right role, organization or plan.'}
            </p>
            {notice.kind === 'unauthorized' && <KeyForm onKeyChange={onKeyChange} />}
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

/**
 * 429, 503, offline and recovered as sonner toasts, fed by the provider's `onNotice`: shown
 * and updated by the notice's `id`, dismissed when its condition ends. Closing one (its ×, or
 * Escape) dismisses the notice too, so it stays hidden until the condition comes back.
 */
export function showNoticeToast({ type, notice }: AvalaNoticeChange): void {
  if (bannerKinds.has(notice.kind)) return;
  if (type === 'cleared') {
    toast.dismiss(notice.id);
    return;
  }
  toast.custom(() => <ToastCard notice={notice} />, {
    id: notice.id,
    // "Recovered" closes itself; a condition stays until it ends or a person closes it.
    duration: notice.kind === 'recovered' ? RECOVERED_TOAST_MS : Number.POSITIVE_INFINITY,
    onDismiss: notice.dismiss,
    onAutoClose: notice.dismiss,
  });
}

/** Where focus was before it went into a toast, to give it back when the toast closes. */
let focusBeforeToasts: HTMLElement | undefined;

function closeToast(notice: Notice): void {
  const toaster = document.querySelector('[data-sonner-toaster]');
  const focusWasInToast = !!toaster && toaster.contains(document.activeElement);
  toast.dismiss(notice.id);
  notice.dismiss();
  if (!focusWasInToast) return;
  const before = focusBeforeToasts;
  if (before?.isConnected && !before.matches(':disabled')) {
    before.focus();
    return;
  }
  // That element is gone or disabled (a pending submit): the screen's heading then.
  const heading = document.querySelector<HTMLElement>('main h2');
  heading?.setAttribute('tabindex', '-1');
  heading?.focus();
}

/**
 * The toaster (bottom right), inside the provider so a toast's countdown can read the
 * governor. Escape closes the newest toast wherever focus is, and focus that was in a closed
 * toast goes back where it came from instead of falling to `<body>`.
 */
export function NoticeToaster() {
  const notices = useAvalaNotices().filter((notice) => !bannerKinds.has(notice.kind));
  const newest = notices.at(-1);
  useEffect(() => {
    const onFocusIn = (event: FocusEvent) => {
      const target = event.target;
      if (target instanceof HTMLElement && !target.closest('[data-sonner-toaster]')) {
        focusBeforeToasts = target;
      }
    };
    document.addEventListener('focusin', onFocusIn);
    return () => document.removeEventListener('focusin', onFocusIn);
  }, []);
  useEffect(() => {
    if (!newest) return;
    const onKeyDown = (event: KeyboardEvent) => {
      if (event.key === 'Escape' && !event.defaultPrevented) closeToast(newest);
    };
    document.addEventListener('keydown', onKeyDown);
    return () => document.removeEventListener('keydown', onKeyDown);
  }, [newest]);
  // A new session (key switch, reset) starts without the old session's toasts.
  useEffect(() => () => void toast.dismiss(), []);
  return <Toaster position="bottom-right" containerAriaLabel="Notifications" />;
}

function ToastCard({ notice }: { notice: Notice }) {
  return (
    <div className={`toast toast--${notice.kind}`} data-testid={`toast-${notice.kind}`}>
      <div className="toast__body">
        <ToastText notice={notice} />
      </div>
      <button
        type="button"
        className="close"
        aria-label="Dismiss (Escape)"
        onClick={() => closeToast(notice)}
      >
        ×
      </button>
    </div>
  );
}

function ToastText({ notice }: { notice: Notice }) {
  switch (notice.kind) {
    case 'rate_limited':
      return (
        <>
          <p className="toast__title">Slow down: rate limit reached (429)</p>
          <p className="toast__text">
            Requests resume in <SilentCountdown retryAt={notice.retryAt} />. The client waits for
            you; nothing is lost.
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
                Next try in <SilentCountdown retryAt={notice.retryAt} />.
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

/** The "recovered" toast's text; sonner closes it after a few seconds. */
function RecoveredText({ notice }: { notice: RecoveredNotice }) {
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

/**
 * A countdown screen readers do not re-read every second (the toaster is a live region): the
 * ticking number is hidden from them, and they hear the time once, when the toast appears.
 */
function SilentCountdown({ retryAt }: { retryAt: number | undefined }) {
  return (
    <>
      {retryAt !== undefined && (
        <span className="visually-hidden">
          {Math.max(1, Math.ceil((retryAt - Date.now()) / 1000))} seconds{' '}
        </span>
      )}
      <span aria-hidden="true">
        <ServerWaitCountdown retryAt={retryAt} />
      </span>
    </>
  );
}

/**
 * The 401 banner's way out: paste a key (kept for this tab only), or take one of the
 * sandbox's demo keys. In real-API mode the key is the dev server's, so there is nothing to
 * paste here.
 */
function KeyForm({ onKeyChange }: { onKeyChange: (choice: KeyChoice) => void }) {
  const [key, setKey] = useState('');
  const [error, setError] = useState<string>();
  const input = useRef<HTMLInputElement>(null);
  if (demoConfig.mode !== 'sandbox') {
    return <p>Set a valid AVALA_API_KEY for the dev server and restart it.</p>;
  }
  const submit = (event: { preventDefault: () => void }) => {
    event.preventDefault();
    const trimmed = key.trim();
    if (!/^avk_[A-Za-z0-9_]+$/.test(trimmed)) {
      setError('Avala keys start with avk_.');
      input.current?.focus();
      return;
    }
    storePastedKey(trimmed);
    onKeyChange('pasted');
  };
  return (
    <form className="key-form" onSubmit={submit} noValidate data-testid="key-form">
      <label htmlFor="key-form-key">Paste a key</label>
      <div className="row">
        <input
          id="key-form-key"
          ref={input}
          type="password"
          autoComplete="off"
          spellCheck={false}
          value={key}
          aria-invalid={error ? true : undefined}
          aria-describedby={error ? 'key-form-error' : undefined}
          onChange={(event) => setKey(event.target.value)}
        />
        <button type="submit" className="primary">
          Use this key
        </button>
      </div>
      {error && (
        <p className="field-error" id="key-form-error">
          {error}
        </p>
      )}
      <p>
        Or a sandbox key:{' '}
        <button type="button" className="link" onClick={() => onKeyChange('admin')}>
          Admin
        </button>{' '}
        <button type="button" className="link" onClick={() => onKeyChange('readonly')}>
          Read-only
        </button>{' '}
        <button type="button" className="link" onClick={() => onKeyChange('otherOrg')}>
          Other organization
        </button>
      </p>
    </form>
  );
}
