import type { AnyAvalaError, AvalaJob } from '@avala-fetch/core';
import { isAvalaError } from '@avala-fetch/core';
import { useCallback, useEffect, useRef, useState, useSyncExternalStore } from 'react';
import { useAvalaClient } from '../provider.js';
import { useAvalaQuery } from '../use-avala-query.js';
import { countRunning, enterLine, exportLineOf, isWaiting } from './export-line.js';

/** An export job as `POST /exports/` and `GET /exports/{uid}/` answer it (docs/avala-api.md). */
export interface AvalaExportJob {
  uid: string;
  status: string;
  dataset?: string | null;
  project?: string | null;
  format?: string;
  download_url?: string | null;
  error_message?: string | null;
  [field: string]: unknown;
}

/** What `POST /exports/` is sent: a dataset or a project (exactly one), and a format. */
export interface AvalaExportRequest {
  dataset?: string;
  project?: string;
  format?: string;
  [field: string]: unknown;
}

/**
 * Where an export is: `idle` (not started), `queued` (five are running: waiting for a slot),
 * `starting` (`POST /exports/` in flight), the job's own `pending` / `running`, its end
 * `exported` / `failed`, or `error` (it could not be started or watched; see `error`).
 */
export type AvalaExportPhase =
  | 'idle'
  | 'queued'
  | 'starting'
  | 'pending'
  | 'running'
  | 'exported'
  | 'failed'
  | 'error';

/** Options of {@link useAvalaExport}. */
export interface UseAvalaExportOptions {
  /** The first wait between polls; each poll waits 1.5 times longer, up to `maxPollMs`. Default 1000. */
  pollMs?: number;
  /** The longest wait between polls. Default 10 000. */
  maxPollMs?: number;
}

/** What {@link useAvalaExport} returns. */
export interface UseAvalaExportResult {
  phase: AvalaExportPhase;
  /** The job as last seen (created, then each poll). */
  job: AvalaExportJob | undefined;
  /** Why the export could not be started or watched. */
  error: AnyAvalaError | undefined;
  /** While `queued`: how many of this client's exports hold a slot ("queued: 5 exports running"). */
  running: number;
  /** Starts an export (a new one replaces the one this hook watched). */
  start: (request: AvalaExportRequest) => void;
  /** Stops waiting in line or watching; the job's slot is freed (Avala cannot cancel an export). */
  cancel: () => void;
}

const FINAL = new Set(['exported', 'failed']);

/**
 * An export job for the whole of its life (docs/avala-api.md): `client.startJob('/exports/')`
 * keeps one of the five export slots for the job, a sixth start waits in line (`queued`)
 * instead of earning a 429, the job is polled with backoff (TanStack's `refetchInterval`,
 * every poll a governed request inside the rate limits) until `exported` or `failed`, and the
 * slot is released then, on `cancel()`, or on unmount.
 *
 * @example
 * const exp = useAvalaExport();
 * exp.start({ dataset: uid });
 * if (exp.phase === 'queued') return <p>queued: {exp.running} exports running</p>;
 */
export function useAvalaExport(options: UseAvalaExportOptions = {}): UseAvalaExportResult {
  const client = useAvalaClient();
  const line = exportLineOf(client);
  const pollMs = options.pollMs ?? 1_000;
  const maxPollMs = options.maxPollMs ?? 10_000;
  const [started, setStarted] = useState<{
    job: AvalaJob<AvalaExportJob>;
    stopCounting: () => void;
  }>();
  const [startError, setStartError] = useState<AnyAvalaError>();
  const [ticket, setTicket] = useState<object>();
  const controller = useRef<AbortController | undefined>(undefined);

  // Re-render when the line moves (a start queued or let go, a job counted or ended).
  const snapshot = useSyncExternalStore(
    useCallback(
      (onChange: () => void) => {
        line.listeners.add(onChange);
        return () => line.listeners.delete(onChange);
      },
      [line],
    ),
    () => `${line.starts.length}:${line.waiting}:${line.running}`,
  );
  void snapshot;

  const poll = useAvalaQuery<AvalaExportJob>(started?.job.path ?? '/exports/', {
    enabled: started?.job.path !== undefined && !FINAL.has(started.job.data.status),
    refetchInterval: (query) => {
      const status = query.state.data?.status;
      if (status !== undefined && FINAL.has(status)) return false;
      return Math.min(maxPollMs, pollMs * 1.5 ** query.state.dataUpdateCount);
    },
  });
  // Only this job's answers: before a start the key is the list's, which is not a job.
  const job = started && (poll.data ?? started.job.data);
  const ended = job !== undefined && FINAL.has(job.status);

  // The client frees the slot when it sees the end; stop counting this job then too.
  useEffect(() => {
    if (ended) started?.stopCounting();
  }, [ended, started]);

  const stop = useCallback(() => {
    controller.current?.abort();
    controller.current = undefined;
    setStarted((current) => {
      current?.job.release();
      current?.stopCounting();
      return undefined;
    });
  }, []);

  // Unmounting stops (and frees the slot), a moment later: StrictMode's simulated unmount is
  // followed at once by a remount, which must find its job still running.
  const pendingStop = useRef<ReturnType<typeof setTimeout> | undefined>(undefined);
  useEffect(() => {
    clearTimeout(pendingStop.current);
    return () => {
      pendingStop.current = setTimeout(stop, 0);
    };
  }, [stop]);

  const start = useCallback(
    (request: AvalaExportRequest) => {
      stop();
      setStartError(undefined);
      const abort = new AbortController();
      controller.current = abort;
      const mine = {};
      setTicket(mine);
      const leave = enterLine(line, mine);
      client
        .startJob<AvalaExportJob>('/exports/', { json: request, signal: abort.signal })
        .then(
          (job) => {
            if (abort.signal.aborted) return job.release();
            setStarted({ job, stopCounting: countRunning(line) });
          },
          (error: unknown) => {
            if (abort.signal.aborted) return;
            if (isAvalaError(error)) setStartError(error);
            else throw error;
          },
        )
        .finally(() => {
          leave();
          setTicket((current) => (current === mine ? undefined : current));
        });
    },
    [client, line, stop],
  );

  const cancel = useCallback(() => {
    stop();
    setTicket(undefined);
  }, [stop]);

  let phase: AvalaExportPhase;
  if (ticket !== undefined) phase = isWaiting(line, ticket) ? 'queued' : 'starting';
  else if (startError) phase = 'error';
  else if (!job) phase = 'idle';
  else if (poll.isError && !ended) phase = 'error';
  else phase = job.status === 'pending' || job.status === 'running' ? job.status : 'running';
  if (job && FINAL.has(job.status)) phase = job.status as 'exported' | 'failed';

  return {
    phase,
    job: ticket === undefined ? job : undefined,
    error: startError ?? (poll.isError ? poll.error : undefined),
    running: line.running,
    start,
    cancel,
  };
}
