import type { BudgetSnapshot } from './budget/budget.js';
import { writeRateLimit } from './rate-limit-headers.js';

/** Avala's error shape, `{"detail": "…"}` (docs/avala-api.md), for the proxy's own answers. */
export function detail(status: number, text: string, headers: HeadersInit = {}): Response {
  const response = Response.json({ detail: text }, { status, headers });
  return response;
}

/**
 * DRF's throttle answer, so the browser client rides it out exactly as it does Avala's own
 * 429: `Retry-After` in whole seconds (at least 1) and the budget in `X-RateLimit-*`.
 */
export function throttled(waitMs: number, snapshot: BudgetSnapshot): Response {
  const seconds = Math.max(1, Math.ceil(waitMs / 1000));
  const headers = new Headers({ 'Retry-After': String(seconds) });
  writeRateLimit(headers, { ...snapshot, remaining: 0 });
  return detail(429, `Request was throttled. Expected available in ${seconds} seconds.`, headers);
}

/** How long a caller is told to wait while the shared store is unreachable. */
export const STORE_DOWN_RETRY_AFTER_S = 2;

/**
 * The answer while Redis is unreachable: fail closed. Without the shared count every instance
 * would spend the whole budget on its own, and a suspended key is worse than a short wait.
 */
export function storeUnavailable(): Response {
  return detail(503, 'The gateway cannot reach its rate-limit store; try again shortly.', {
    'Retry-After': String(STORE_DOWN_RETRY_AFTER_S),
  });
}
