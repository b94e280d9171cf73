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
