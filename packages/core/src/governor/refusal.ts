import type { RateLimitInfo } from '../types/errors.js';
import type { HoldCause } from './hold.js';

/** Codes that name a concurrency limit (`too_many_exports`, `concurrent_uploads_exceeded`…). */
const CONCURRENCY_CODE =
  /concurren|parallel|too_many_(?!requests)|_running|(?:job|export|upload)s?_limit/i;
/** Codes that name the request rate (`throttled`, `rate_limit_exceeded`, `too_many_requests`). */
const RATE_CODE = /thrott|rate|too_many_requests/i;

/**
 * What a refusal (429 or 503) was about (docs/avala-api.md, Rate limits). A 429 is also how the
 * API refuses work beyond a concurrency limit (five running exports, ten uploads), and such a
 * 429 says nothing about the request budget. In order of trust:
 *
 * 1. the server's `code`, when it names a concurrency limit or the rate;
 * 2. for a request of a concurrency pool (the route), `X-RateLimit-Remaining`: budget left
 *    means the pool was full on the server's side, not the rate; without the header (a
 *    proxy stripped it) the pool is the likelier cause, and holding only the pool keeps
 *    unrelated requests going.
 *
 * Any other 429 is the rate limit: outside a pool, budget left is the burst cap talking.
 *
 * `undefined` for any other status.
 */
export function refusalOf(
  status: number,
  view: RateLimitInfo | undefined,
  code: string | undefined,
  pooled: boolean,
): HoldCause | undefined {
  if (status === 503) return 'service_unavailable';
  if (status !== 429) return undefined;
  if (code !== undefined && CONCURRENCY_CODE.test(code)) return 'concurrency_limited';
  if (code !== undefined && RATE_CODE.test(code)) return 'rate_limited';
  if (!pooled) return 'rate_limited';
  return view?.remaining === 0 ? 'rate_limited' : 'concurrency_limited';
}
