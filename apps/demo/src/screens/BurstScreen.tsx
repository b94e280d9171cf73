import { createAvalaClient, isAvalaError } from '@avala-fetch/core';
import { useAvalaClient, useRateLimit } from '@avala-fetch/react';
import { useEffect, useRef, useState } from 'react';
import { Countdown } from '../components/Countdown.js';
import { apiBaseUrl, apiKeyFor, demoConfig, storedKeyChoice } from '../config.js';
import { sandboxWindowMs } from '../sandbox-admin.js';

/** How many requests a burst fires. */
const BURST_SIZE = 150;
/** Avala's window (docs/avala-api.md: 100 requests a minute); the sandbox says its own. */
const AVALA_WINDOW_MS = 60_000;
/** Avala's burst cap, which the governor keeps to (20 a second). */
const BURST_PER_SECOND = 20;

interface Run {
  done: number;
  ok: number;
  throttled: number;
  failed: number;
  startedAt: number;
  endedAt?: number;
}

/**
 * How long the governor will take to carry `count` requests: what is left in the window goes
 * at the burst rate; the rest waits for the window to free up, `limit` per window.
 */
export function estimateBurstMs(
  count: number,
  state: { limit?: number; remaining?: number; resetAt?: number },
  windowMs: number,
  now = Date.now(),
): { ms: number; why: string } {
  const { limit, remaining, resetAt } = state;
  if (limit === undefined || remaining === undefined) {
    return {
      ms: (count / BURST_PER_SECOND) * 1000,
      why: 'No response has told the budget yet: the first requests will (slow start).',
    };
  }
  if (count <= remaining) {
    return {
      ms: (count / BURST_PER_SECOND) * 1000,
      why: `${remaining} requests are left in this window: all ${count} go at ${BURST_PER_SECOND} a second.`,
    };
  }
  const beyond = count - remaining;
  const windows = Math.ceil(beyond / limit);
  const untilReset = Math.max(0, (resetAt ?? now) - now);
  return {
    ms: untilReset + (windows - 1) * windowMs + (Math.min(beyond, limit) / BURST_PER_SECOND) * 1000,
    why: `${remaining} go now; the other ${beyond} wait for the window to free up (${limit} per ${Math.round(windowMs / 1000)} s), so nothing earns a 429.`,
  };
}

function seconds(ms: number): string {
  return `${Math.round(ms / 100) / 10} s`;
}

/**
 * Fire 150 requests and watch the governor carry them inside the limits: a progress bar, the
 * live queue / remaining / reset, an estimate and its reason; then the same burst with the
 * governor off (sandbox only), counting the 429s it earns.
 */
export function BurstScreen() {
  const client = useAvalaClient();
  const state = useRateLimit();
  const [windowMs, setWindowMs] = useState(AVALA_WINDOW_MS);
  const [governed, setGoverned] = useState<Run>();
  const [ungoverned, setUngoverned] = useState<Run>();
  const [estimate, setEstimate] = useState<{ ms: number; why: string }>();
  const abort = useRef<AbortController | undefined>(undefined);
  const resultRef = useRef<HTMLDivElement>(null);

  useEffect(() => {
    if (demoConfig.mode === 'sandbox')
      sandboxWindowMs().then(
        (ms) => ms && setWindowMs(ms),
        () => {},
      );
  }, []);
  useEffect(() => () => abort.current?.abort(), []);

  const fire = async (
    send: (signal: AbortSignal) => Promise<unknown>,
    set: (update: (run: Run | undefined) => Run | undefined) => void,
  ) => {
    abort.current?.abort();
    const controller = new AbortController();
    abort.current = controller;
    set(() => ({ done: 0, ok: 0, throttled: 0, failed: 0, startedAt: Date.now() }));
    const count = (key: 'ok' | 'throttled' | 'failed') =>
      set((run) => run && { ...run, done: run.done + 1, [key]: run[key] + 1 });
    await Promise.all(
      Array.from({ length: BURST_SIZE }, () =>
        send(controller.signal).then(
          () => count('ok'),
          (error: unknown) =>
            count(isAvalaError(error) && error.kind === 'rate_limited' ? 'throttled' : 'failed'),
        ),
      ),
    );
    set((run) => run && { ...run, endedAt: Date.now() });
    resultRef.current?.focus();
  };

  const fireGoverned = () => {
    setEstimate(estimateBurstMs(BURST_SIZE, client.rateLimit, windowMs));
    void fire(
      (signal) => client.get('/datasets/', { searchParams: { limit: 1 }, signal }),
      setGoverned,
    );
  };

  const fireUngoverned = () => {
    // A second client with the governor and retries off: every request goes at once.
    const bare = createAvalaClient({
      baseUrl: apiBaseUrl(),
      apiKey: apiKeyFor(storedKeyChoice()),
      rateLimit: false,
      retry: false,
    });
    void fire(
      (signal) => bare.get('/datasets/', { searchParams: { limit: 1 }, signal }),
      setUngoverned,
    ).finally(() => bare.dispose());
  };

  const running = governed !== undefined && governed.endedAt === undefined;
  const runningBare = ungoverned !== undefined && ungoverned.endedAt === undefined;

  return (
    <>
      <h2>Burst</h2>
      <p className="screen-intro">
        Fire {BURST_SIZE} requests at once. Avala allows 100 a minute per key and 20 a second;
        ignoring that can get a key suspended. The governor holds what would break a limit and lets
        it go when the window frees up, so the burst takes time instead of earning 429s.
      </p>
      <section className="card" aria-labelledby="burst-title">
        <h3 id="burst-title">With the governor</h3>
        <div className="form-actions">
          <button type="button" className="primary" onClick={fireGoverned} disabled={running}>
            Fire {BURST_SIZE} requests
          </button>
          {running && (
            <button type="button" onClick={() => abort.current?.abort()}>
              Cancel
            </button>
          )}
        </div>
        <dl className="burst-meter" data-testid="burst-meter">
          <div>
            <dt className="burst-meter__label">Queued</dt>
            <dd className="burst-meter__value" data-testid="burst-queued">
              {state.queued}
            </dd>
          </div>
          <div>
            <dt className="burst-meter__label">In flight</dt>
            <dd className="burst-meter__value">{state.inFlight}</dd>
          </div>
          <div>
            <dt className="burst-meter__label">Remaining</dt>
            <dd className="burst-meter__value">
              {state.remaining ?? '–'}
              {state.limit !== undefined && ` / ${state.limit}`}
            </dd>
          </div>
          <div>
            <dt className="burst-meter__label">Window resets in</dt>
            <dd className="burst-meter__value">
              {state.resetAt ? <Countdown until={state.resetAt} done="a moment" /> : '–'}
            </dd>
          </div>
        </dl>
        {estimate && (
          <p data-testid="burst-estimate">
            Estimate: about {seconds(estimate.ms)}. {estimate.why}
          </p>
        )}
        {governed && <RunView run={governed} label="Governed burst" testId="burst-governed" />}
      </section>
      {demoConfig.mode === 'sandbox' && (
        <section className="card" aria-labelledby="burst-bare-title">
          <h3 id="burst-bare-title">The same burst with the governor off</h3>
          <p className="muted">
            A client made with <code>rateLimit: false</code> and <code>retry: false</code> sends all{' '}
            {BURST_SIZE} at once; the sandbox refuses what is over its limits.
          </p>
          <button type="button" onClick={fireUngoverned} disabled={runningBare}>
            Fire {BURST_SIZE} without the governor
          </button>
          {ungoverned && (
            <RunView run={ungoverned} label="Ungoverned burst" testId="burst-ungoverned" />
          )}
        </section>
      )}
      <div ref={resultRef} tabIndex={-1} className="visually-hidden" aria-live="polite">
        {governed?.endedAt && `Governed burst done: ${governed.throttled} refused with 429.`}
      </div>
    </>
  );
}

function RunView({ run, label, testId }: { run: Run; label: string; testId: string }) {
  const took = (run.endedAt ?? Date.now()) - run.startedAt;
  return (
    <div data-testid={testId}>
      <progress
        max={BURST_SIZE}
        value={run.done}
        aria-label={`${label} progress`}
        className="upload-progress"
      />
      <p>
        {run.done} / {BURST_SIZE} done ·{' '}
        <strong data-testid={`${testId}-429`}>{run.throttled}</strong> refused with 429 ·{' '}
        {run.failed} other failures
        {run.endedAt !== undefined && ` · took ${seconds(took)}`}
      </p>
    </div>
  );
}
