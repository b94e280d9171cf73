import type { AnyAvalaError, AvalaEvent } from '@avala-fetch/core';
import { useAvalaClient } from '@avala-fetch/react';
import { useQuery } from '@tanstack/react-query';
import { useEffect, useState } from 'react';
import { useProbe } from '../api.js';
import { useSecondsLeft } from '../components/Countdown.js';
import { ErrorMessage } from '../components/ErrorMessage.js';
import {
  type ChaosFault,
  dropConnectionsFor,
  injectFault,
  isMaintenanceOn,
  resetSandbox,
  sandboxLog,
  setMaintenance,
} from '../sandbox-admin.js';

const OUTAGE_MS = 2000;

const faults: { label: string; explain: string; fault: ChaosFault }[] = [
  {
    label: 'A 500',
    explain: 'JSON 500; a GET is retried with backoff.',
    fault: { type: 'status', status: 500 },
  },
  {
    label: 'An HTML 500',
    explain: 'A proxy error page, still classified.',
    fault: { type: 'html500' },
  },
  {
    label: 'A slow response',
    explain: 'Answers after 3 s; the UI keeps working.',
    fault: { type: 'delay', delayMs: 3000 },
  },
];

/**
 * The sandbox's switches: maintenance (503 → "retrying…" toast, then "recovered"), one-shot
 * faults on the next request, reset. The event stream shows what the client did about it.
 */
export function ChaosScreen({ onReset }: { onReset: () => void }) {
  const [maintenance, setMaintenanceOn] = useState(isMaintenanceOn);
  const [busy, setBusy] = useState(false);
  const [adminError, setAdminError] = useState<unknown>();
  const probe = useProbe(maintenance);
  // While the sandbox drops connections, a failed probe is waiting for the connection, not lost.
  const [outageUntil, setOutageUntil] = useState<number>();
  const outageLeft = useSecondsLeft(outageUntil);

  const act = async (action: () => Promise<unknown>, thenProbe = true) => {
    setBusy(true);
    setAdminError(undefined);
    try {
      await action();
      if (thenProbe) void probe.refetch();
    } catch (error) {
      setAdminError(error);
    } finally {
      setBusy(false);
    }
  };

  return (
    <>
      <h2>Chaos</h2>
      <p className="screen-intro">
        Break the sandbox on purpose and watch the client cope. Each switch is followed by a{' '}
        <code>GET /datasets/</code>, whose attempts show in the event stream below.
      </p>
      {adminError !== undefined && <ErrorMessage error={adminError} title="The sandbox refused" />}
      <div className="columns">
        <section className="card">
          <h3>Maintenance</h3>
          <label className="switch">
            <input
              type="checkbox"
              checked={maintenance}
              disabled={busy}
              data-testid="maintenance-toggle"
              onChange={(event) => {
                const on = event.target.checked;
                setMaintenanceOn(on);
                void act(() => setMaintenance(on));
              }}
            />
            <span>
              Maintenance mode: every request answers 503 with <code>Retry-After: 2</code>
            </span>
          </label>

          <h3 style={{ marginTop: '1.25rem' }}>Faults</h3>
          <div className="chaos-grid">
            <button
              type="button"
              disabled={busy}
              onClick={() =>
                act(async () => {
                  setOutageUntil(Date.now() + OUTAGE_MS);
                  try {
                    await dropConnectionsFor(OUTAGE_MS, () => void probe.refetch());
                  } finally {
                    setOutageUntil(undefined);
                  }
                })
              }
              style={{ textAlign: 'left' }}
            >
              <strong>A 2 s network outage</strong>
              <br />
              <span className="muted">Connections drop: offline, then recovered.</span>
            </button>
            {faults.map(({ label, explain, fault }) => (
              <button
                key={label}
                type="button"
                disabled={busy}
                onClick={() => act(() => injectFault(fault))}
                style={{ textAlign: 'left' }}
              >
                <strong>{label}</strong>
                <br />
                <span className="muted">{explain}</span>
              </button>
            ))}
          </div>

          <div className="form-actions">
            <button
              type="button"
              disabled={busy}
              onClick={() =>
                act(async () => {
                  await resetSandbox();
                  setMaintenanceOn(false);
                  onReset();
                }, false)
              }
            >
              Reset the sandbox and the app
            </button>
            <button type="button" disabled={busy} onClick={() => void probe.refetch()}>
              Send GET /datasets/ now
            </button>
          </div>
          <p className="muted" style={{ marginTop: '0.75rem' }} data-testid="probe-status">
            Last probe: {probeStatus(probe, outageUntil === undefined ? undefined : outageLeft)}
          </p>
        </section>
        <div>
          <ClientEvents />
          <SandboxLog />
        </div>
      </div>
    </>
  );
}

/**
 * The probe's state in words a person reads: the error's kind decides the wording, never the
 * browser's raw text ("Failed to fetch"), and a failure during the outage says it waits.
 */
function probeStatus(probe: ReturnType<typeof useProbe>, outageLeft: number | undefined): string {
  if (probe.isFetching) {
    const failed = probe.failureCount;
    const why = probe.failureReason ? ` (${failureText(probe.failureReason)})` : '';
    return `in progress${failed > 0 ? `, ${failed} failed attempt(s) so far${why}` : ''}…`;
  }
  if (probe.isError) {
    if (outageLeft !== undefined) {
      return `waiting for the connection (back in ${Math.max(outageLeft, 1)} s); the probe is sent again then`;
    }
    return `failed after ${probe.error.attempts} attempt(s): ${failureText(probe.error)}`;
  }
  return probe.isSuccess ? 'succeeded' : 'not sent yet';
}

function failureText(error: AnyAvalaError): string {
  switch (error.kind) {
    case 'network':
      return 'no connection to the server';
    case 'timeout':
      return 'the server took too long';
    default:
      return error.message;
  }
}

// `request` is left out (its response line says enough), as is anything newer than this list.
const shownEvents = new Set<string>([
  'response',
  'retry',
  'rate_limited',
  'service_unavailable',
  'offline',
  'recovered',
  'queued',
  'released',
  'error',
]);

/** What the client reported (`client.subscribe`): attempts, retries, waits, recoveries. */
function ClientEvents() {
  const client = useAvalaClient();
  const [events, setEvents] = useState<{ seq: number; at: number; event: AvalaEvent }[]>([]);
  useEffect(() => {
    let seq = 0;
    return client.subscribe((event) => {
      if (!shownEvents.has(event.type)) return;
      // A fetch the UI itself dropped (a refetch replacing it, StrictMode's double mount).
      if (event.type === 'error' && event.error.kind === 'aborted') return;
      seq += 1;
      const entry = { seq, at: Date.now(), event };
      setEvents((current) => [entry, ...current].slice(0, 30));
    });
  }, [client]);
  return (
    <section className="card">
      <h3>Client events</h3>
      {events.length === 0 ? (
        <p className="muted">Nothing yet.</p>
      ) : (
        // A scrolling list must be reachable by keyboard (axe: scrollable-region-focusable).
        // biome-ignore lint/a11y/noNoninteractiveTabindex: the list scrolls; Tab reaches it to scroll it
        <ul className="log" data-testid="client-events" tabIndex={0} aria-label="Client events">
          {events.map(({ seq, at, event }) => (
            <li key={seq}>
              <span className="muted">{new Date(at).toLocaleTimeString()}</span>
              <span>{event.type}</span>
              <span>{describe(event)}</span>
            </li>
          ))}
        </ul>
      )}
    </section>
  );
}

function describe(event: AvalaEvent): string {
  switch (event.type) {
    case 'response':
      return `${event.status} ${event.method} ${shortPath(event.url)} (try ${event.attempt})`;
    case 'retry':
      return `${event.error.kind}: try ${event.attempt + 1} in ${Math.round(event.delayMs)} ms`;
    case 'rate_limited':
      return `until ${new Date(event.until).toLocaleTimeString()}`;
    case 'service_unavailable':
      return event.until
        ? `until ${new Date(event.until).toLocaleTimeString()}`
        : event.error.message;
    case 'offline':
    case 'error':
      return `${event.error.kind}: ${event.error.message}`;
    case 'recovered':
      return `from ${event.from}`;
    case 'queued':
      return `${event.method} ${shortPath(event.url)} waits (${event.pool ?? 'budget'}, #${event.position})`;
    case 'released':
      return `${event.method} ${shortPath(event.url)} after ${Math.round(event.waitedMs)} ms`;
    default:
      return '';
  }
}

function shortPath(url: string): string {
  try {
    return new URL(url).pathname.replace(/^\/api\/v1/, '');
  } catch {
    return url;
  }
}

/** What the sandbox saw, polled while this screen is open. */
function SandboxLog() {
  const log = useQuery({
    queryKey: ['sandbox-log'],
    queryFn: sandboxLog,
    refetchInterval: 1000,
    retry: false,
  });
  // The log only grows (until a reset), so an entry's position is a stable key.
  const entries = (log.data ?? [])
    .map((entry, position) => ({ ...entry, position }))
    .slice(-25)
    .reverse();
  return (
    <section className="card">
      <h3>Sandbox request log</h3>
      {entries.length === 0 ? (
        <p className="muted">{log.isError ? 'The log is unavailable.' : 'No requests yet.'}</p>
      ) : (
        <ul
          className="log log--sandbox"
          data-testid="sandbox-log"
          // biome-ignore lint/a11y/noNoninteractiveTabindex: the list scrolls; Tab reaches it to scroll it
          tabIndex={0}
          aria-label="Sandbox request log"
        >
          {entries.map((entry) => (
            <li key={`${entry.position}-${entry.at}`}>
              <span className="muted">{new Date(entry.at).toLocaleTimeString()}</span>
              <span className={statusClass(entry.status)}>{entry.status || 'dropped'}</span>
              <span>
                {entry.method} {entry.path.replace(/^\/api\/v1/, '')}
              </span>
              <span className="muted">{entry.fault ?? (entry.aborted ? 'aborted' : '')}</span>
            </li>
          ))}
        </ul>
      )}
    </section>
  );
}

function statusClass(status: number): string {
  if (status >= 200 && status < 300) return 'status--ok';
  if (status === 429 || status === 503) return 'status--warn';
  return 'status--err';
}
