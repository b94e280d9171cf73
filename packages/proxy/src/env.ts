import { timingSafeEqual } from 'node:crypto';
import type { StartProxyOptions } from './types.js';

/**
 * The CLI's configuration from the environment, or the one line that says what is wrong.
 * Bearer tokens admit callers; each token is its own caller for fairness (by index, so no
 * token reaches the store or a log).
 */
export function optionsFromEnv(
  env: NodeJS.ProcessEnv,
): { ok: true; options: StartProxyOptions } | { ok: false; error: string } {
  const apiKey = env.AVALA_API_KEY?.trim();
  if (!apiKey) return { ok: false, error: 'AVALA_API_KEY is required (the Avala key, avk_…)' };

  const tokens = (env.AVALA_PROXY_TOKENS ?? '')
    .split(',')
    .map((token) => token.trim())
    .filter(Boolean);
  const open = env.AVALA_PROXY_OPEN === '1';
  if (tokens.length === 0 && !open) {
    return {
      ok: false,
      error:
        'AVALA_PROXY_TOKENS is required (comma-separated bearer tokens callers must send); set AVALA_PROXY_OPEN=1 to admit everyone',
    };
  }

  const numbers: Record<string, number | undefined> = {};
  for (const [name, fallback] of [
    ['PORT', 8788],
    ['AVALA_PROXY_MAX_WAIT_MS', 10_000],
    ['AVALA_PROXY_MAX_BODY_BYTES', 10 * 1024 * 1024],
    ['AVALA_PROXY_LIMIT', undefined],
    ['AVALA_PROXY_WINDOW_MS', undefined],
    ['AVALA_PROXY_BURST', undefined],
    ['AVALA_PROXY_BURST_WINDOW_MS', undefined],
  ] as const) {
    const raw = env[name];
    if (raw === undefined || raw === '') {
      numbers[name] = fallback;
      continue;
    }
    const value = Number(raw);
    if (!Number.isInteger(value) || value < 0) {
      return { ok: false, error: `${name} must be a whole number ≥ 0, got "${raw}"` };
    }
    numbers[name] = value;
  }

  const rateLimit: StartProxyOptions['rateLimit'] = {};
  if (numbers.AVALA_PROXY_LIMIT !== undefined) rateLimit.limit = numbers.AVALA_PROXY_LIMIT;
  if (numbers.AVALA_PROXY_WINDOW_MS !== undefined)
    rateLimit.windowMs = numbers.AVALA_PROXY_WINDOW_MS;
  if (numbers.AVALA_PROXY_BURST !== undefined) rateLimit.burst = numbers.AVALA_PROXY_BURST;
  if (numbers.AVALA_PROXY_BURST_WINDOW_MS !== undefined) {
    rateLimit.burstWindowMs = numbers.AVALA_PROXY_BURST_WINDOW_MS;
  }

  const options: StartProxyOptions = {
    apiKey,
    port: numbers.PORT,
    host: env.HOST || '127.0.0.1',
    maxWaitMs: numbers.AVALA_PROXY_MAX_WAIT_MS,
    maxBodyBytes: numbers.AVALA_PROXY_MAX_BODY_BYTES,
    rateLimit,
  };
  if (env.AVALA_UPSTREAM) options.upstream = env.AVALA_UPSTREAM;
  if (env.REDIS_URL) options.redis = env.REDIS_URL;
  const corsOrigins = (env.AVALA_PROXY_CORS_ORIGINS ?? '')
    .split(',')
    .map((origin) => origin.trim())
    .filter(Boolean);
  if (corsOrigins.length > 0) options.corsOrigins = corsOrigins;
  if (tokens.length > 0) options.authorize = bearerTokens(tokens);
  else options.open = true;
  return { ok: true, options };
}

/** Admits `Authorization: Bearer <token>` for one of `tokens`; the caller id is its index. */
export function bearerTokens(tokens: readonly string[]): (request: Request) => string | false {
  const known = tokens.map((token) => Buffer.from(token));
  return (request) => {
    const match = /^Bearer\s+(\S+)\s*$/i.exec(request.headers.get('authorization') ?? '');
    if (!match?.[1]) return false;
    const sent = Buffer.from(match[1]);
    // Constant-time per candidate, so the time taken does not tell how much of a token matched.
    const index = known.findIndex(
      (token) => token.length === sent.length && timingSafeEqual(token, sent),
    );
    return index === -1 ? false : `token-${index}`;
  };
}
