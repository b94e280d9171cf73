import { useRateLimit } from '@avala-fetch/react';
import { useEffect, useState } from 'react';

/** Whole seconds left until `until` (epoch ms), re-rendered as time passes. */
export function useSecondsLeft(until: number | undefined): number {
  const [now, setNow] = useState(() => Date.now());
  useEffect(() => {
    if (until === undefined || until <= Date.now()) return;
    const timer = window.setInterval(() => setNow(Date.now()), 250);
    return () => window.clearInterval(timer);
  }, [until]);
  return until === undefined ? 0 : Math.max(0, Math.ceil((until - now) / 1000));
}

/** "4 s" counting down to `until`; `done` once it has passed. */
export function Countdown({ until, done = 'now' }: { until: number | undefined; done?: string }) {
  const seconds = useSecondsLeft(until);
  return <span className="countdown">{seconds > 0 ? `${seconds} s` : done}</span>;
}

/**
 * Counts down to the server's wait as the client enforces it: the later of a notice's
 * `retryAt` (set once, by the 503 or 429 that raised it) and the governor's `blockedUntil`,
 * which every later 503/429 moves on — the moment the header's meter counts down to. A
 * notice alone would freeze on `done` while a maintenance goes on.
 */
export function ServerWaitCountdown({
  retryAt,
  done = 'a moment',
}: {
  retryAt: number | undefined;
  done?: string;
}) {
  const { blockedUntil } = useRateLimit();
  const until =
    retryAt === undefined
      ? blockedUntil
      : Math.max(retryAt, blockedUntil ?? Number.NEGATIVE_INFINITY);
  return <Countdown until={until} done={done} />;
}
