import type { BudgetSnapshot } from './budget/budget.js';

/** `X-RateLimit-*` as the upstream stated them, or undefined when any is missing or garbage. */
export function readRateLimit(headers: Headers, now = Date.now()): BudgetSnapshot | undefined {
  const limit = wholeNumber(headers.get('x-ratelimit-limit'));
  const remaining = wholeNumber(headers.get('x-ratelimit-remaining'));
  const reset = wholeNumber(headers.get('x-ratelimit-reset'));
  if (limit === undefined || remaining === undefined || reset === undefined || limit < 1) {
    return undefined;
  }
  // Unix seconds; a small number is read as seconds from now, as the browser client does.
  const resetAtMs = reset < 1e9 ? now + reset * 1000 : reset * 1000;
  return { limit, remaining: Math.min(remaining, limit), resetAtMs };
}

/** `Retry-After` in milliseconds: delta seconds or an HTTP date; undefined when absent or bad. */
export function readRetryAfter(headers: Headers, now = Date.now()): number | undefined {
  const value = headers.get('retry-after')?.trim();
  if (!value) return undefined;
  if (/^\d+$/.test(value)) return Number(value) * 1000;
  const date = Date.parse(value);
  return Number.isNaN(date) ? undefined : Math.max(date - now, 0);
}

/** Writes the shared budget as `X-RateLimit-*` (the reset in whole Unix seconds, rounded up). */
export function writeRateLimit(headers: Headers, snapshot: BudgetSnapshot): void {
  headers.set('X-RateLimit-Limit', String(snapshot.limit));
  headers.set('X-RateLimit-Remaining', String(Math.max(0, Math.floor(snapshot.remaining))));
  headers.set('X-RateLimit-Reset', String(Math.ceil(snapshot.resetAtMs / 1000)));
}

/** The more conservative of the shared budget and what the upstream said in this answer. */
export function tighter(
  shared: BudgetSnapshot,
  upstream: BudgetSnapshot | undefined,
): BudgetSnapshot {
  if (!upstream || upstream.remaining >= shared.remaining) {
    return { ...shared, limit: Math.min(shared.limit, upstream?.limit ?? shared.limit) };
  }
  return { ...upstream, limit: Math.min(shared.limit, upstream.limit) };
}

function wholeNumber(value: string | null): number | undefined {
  if (value === null || !/^\s*\d+\s*$/.test(value)) return undefined;
  return Number(value);
}
