import type { Context, MiddlewareHandler } from 'hono';
import type { Caller, SandboxEnv } from '../env.js';
import { findKey } from '../keys.js';
import type { ResolvedOptions } from '../options.js';
import {
  type RateLimitDecision,
  type RateLimitRule,
  type SlidingWindowLimiter,
  toRetryAfterSeconds,
} from '../rate-limiter.js';
import { clientIp, detail } from '../responses.js';

type Limits = Exclude<ResolvedOptions['rateLimit'], false>;

/** Paths with a budget of their own, as DRF's scoped throttles give them (docs/avala-api.md). */
const INFERENCE_PATH = /^\/api\/v1\/inference\//;

/**
 * Per-key rate limiting (per IP without a key): a sliding window plus a burst window, and
 * the inference endpoints' own window. Refused requests answer 429 with `Retry-After` and
 * DRF's message, and are not counted.
 */
export function throttle(
  limiter: SlidingWindowLimiter,
  limits: ResolvedOptions['rateLimit'],
): MiddlewareHandler<SandboxEnv> {
  return async (c, next) => {
    if (limits === false) return next();
    const caller = c.get('caller');
    const decision = limiter.hit(bucketOf(caller, c.req.path), ruleFor(caller, limits, c.req.path));
    c.set('rateLimit', decision);
    if (decision.allowed) return next();
    const seconds = toRetryAfterSeconds(decision.retryAfterMs ?? 0);
    c.header('Retry-After', String(seconds));
    return detail(c, 429, `Request was throttled. Expected available in ${seconds} seconds.`);
  };
}

/**
 * Puts `X-RateLimit-*` on every response, also on those made before the throttle ran
 * (401, 503 maintenance, injected faults): those show the caller's budget without
 * spending it.
 */
export function rateLimitHeaders(
  limiter: SlidingWindowLimiter,
  limits: ResolvedOptions['rateLimit'],
): MiddlewareHandler<SandboxEnv> {
  return async (c, next) => {
    await next();
    if (limits === false) return;
    const decision = c.get('rateLimit') ?? peek(c, limiter, limits);
    const headers = c.res.headers;
    headers.set('X-RateLimit-Limit', String(decision.limit));
    headers.set('X-RateLimit-Remaining', String(decision.remaining));
    headers.set('X-RateLimit-Reset', String(Math.ceil(decision.resetAt / 1000)));
  };
}

function peek(
  c: Context<SandboxEnv>,
  limiter: SlidingWindowLimiter,
  limits: Limits,
): RateLimitDecision {
  const record = findKey(c.req.header('X-Avala-Api-Key')?.trim() ?? '');
  const caller: Caller =
    record && !record.revoked ? { kind: 'key', record } : { kind: 'anonymous', ip: clientIp(c) };
  return limiter.peek(bucketOf(caller, c.req.path), ruleFor(caller, limits, c.req.path));
}

function bucketOf(caller: Caller, path: string): string {
  if (caller.kind === 'anonymous') return `ip:${caller.ip}`;
  return INFERENCE_PATH.test(path) ? `inference:${caller.record.key}` : `key:${caller.record.key}`;
}

function ruleFor(caller: Caller, limits: Limits, path: string): RateLimitRule {
  if (caller.kind === 'key' && INFERENCE_PATH.test(path)) {
    return { limit: limits.inferenceLimit, windowMs: limits.windowMs };
  }
  return {
    limit: caller.kind === 'key' ? limits.limit : limits.anonymousLimit,
    windowMs: limits.windowMs,
    burst: limits.burst,
    burstWindowMs: limits.burstWindowMs,
  };
}
