import type { AvalaClient } from '@avala-fetch/core';

/**
 * Which export starts of one client are waiting for a slot. The governor lets a pool's
 * waiters go first come, first served and reports `queued`/`released` for each, so with the
 * starts in the order they were made, the last `waiting` of them are the ones in line.
 */
interface ExportLine {
  readonly starts: object[];
  waiting: number;
  running: number;
  readonly listeners: Set<() => void>;
}

const lines = new WeakMap<AvalaClient, ExportLine>();

function notify(line: ExportLine): void {
  for (const listener of line.listeners) listener();
}

/** The line of `client`, listening to its governor's events for the `exports` pool. */
export function exportLineOf(client: AvalaClient): ExportLine {
  let line = lines.get(client);
  if (line) return line;
  const created: ExportLine = { starts: [], waiting: 0, running: 0, listeners: new Set() };
  client.subscribe((event) => {
    if ((event.type === 'queued' || event.type === 'released') && event.pool === 'exports') {
      created.waiting = Math.max(0, created.waiting + (event.type === 'queued' ? 1 : -1));
      notify(created);
    }
  });
  lines.set(client, created);
  line = created;
  return line;
}

/** Whether `start` (still pending) is among the starts waiting in line for a slot. */
export function isWaiting(line: ExportLine, start: object): boolean {
  const index = line.starts.indexOf(start);
  return index >= 0 && index >= line.starts.length - line.waiting;
}

/** Adds a pending start; returns what removes it. */
export function enterLine(line: ExportLine, start: object): () => void {
  line.starts.push(start);
  notify(line);
  return () => {
    const index = line.starts.indexOf(start);
    if (index >= 0) line.starts.splice(index, 1);
    notify(line);
  };
}

/** Counts a job that holds a slot; returns what stops counting it (once). */
export function countRunning(line: ExportLine): () => void {
  line.running += 1;
  notify(line);
  let done = false;
  return () => {
    if (done) return;
    done = true;
    line.running -= 1;
    notify(line);
  };
}
