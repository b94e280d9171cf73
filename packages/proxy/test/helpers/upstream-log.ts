import type { SandboxLogEntry } from '@avala-fetch/sandbox';

/** The most requests that arrived upstream within any `windowMs` (refused ones included). */
export function busiestWindow(log: readonly SandboxLogEntry[], windowMs: number): number {
  const times = log.map((entry) => entry.at).sort((a, b) => a - b);
  let most = 0;
  let start = 0;
  for (let end = 0; end < times.length; end++) {
    while ((times[end] ?? 0) - (times[start] ?? 0) >= windowMs) start++;
    most = Math.max(most, end - start + 1);
  }
  return most;
}

/** The most requests the upstream accepted (anything but 429) within any `windowMs`. */
export function busiestAcceptedWindow(log: readonly SandboxLogEntry[], windowMs: number): number {
  return busiestWindow(
    log.filter((entry) => entry.status !== 429),
    windowMs,
  );
}
