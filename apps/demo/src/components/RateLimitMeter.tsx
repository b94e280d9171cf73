import { useRateLimit } from '@avala-fetch/react';
import { Countdown, useSecondsLeft } from './Countdown.js';

/**
 * The key's rate-limit budget as the client's governor sees it, from the `X-RateLimit-*`
 * headers of the last response (exposed by CORS in sandbox mode).
 */
export function RateLimitMeter() {
  const state = useRateLimit();
  const { limit, remaining, resetAt, blockedUntil, queued, inFlight } = state;
  const known = limit !== undefined && remaining !== undefined && limit > 0;
  const blocked = useSecondsLeft(blockedUntil) > 0;

  return (
    <section className="meter" aria-label="Rate limit" data-testid="rate-limit-meter">
      <span>{known ? `${remaining} / ${limit} left` : 'Rate limit: no response yet'}</span>
      {known && (
        <meter
          className="meter__bar"
          aria-label="Requests left in this window"
          min={0}
          max={limit}
          low={limit * 0.25}
          high={limit * 0.5}
          optimum={limit}
          value={remaining}
        />
      )}
      <span className="meter__detail">
        {blocked ? (
          <>
            Paused by the API, resumes in <Countdown until={blockedUntil} />
          </>
        ) : resetAt !== undefined ? (
          <>
            Resets in <Countdown until={resetAt} done="a moment" />
          </>
        ) : (
          ' '
        )}
        {(queued > 0 || inFlight > 0) && ` · ${inFlight} in flight, ${queued} queued`}
      </span>
    </section>
  );
}
