import type { SandboxOptions, SandboxRateLimitOptions } from './types.js';

/** Avala's documented defaults (docs/avala-api.md). */
export const DEFAULT_RATE_LIMIT: Required<SandboxRateLimitOptions> = {
  limit: 100,
  windowMs: 60_000,
  burst: 20,
  burstWindowMs: 1_000,
  anonymousLimit: 30,
  inferenceLimit: 10,
};

/** How field errors are sent: wrapped in `detail` (the seed docs) or at the root (DRF's default). */
export type FieldErrorShape = 'wrapped' | 'root';

/** Options after defaults are applied; the rest of the sandbox reads only these. */
export interface ResolvedOptions {
  port: number;
  host: string;
  rateLimit: Required<SandboxRateLimitOptions> | false;
  fieldErrors: FieldErrorShape;
  exportDurationMs: number;
  autoLabelDurationMs: number;
  maxRunningExports: number;
  maxBodyBytes: number;
  maxUploadBytes: number;
  corsOrigins: readonly (string | RegExp)[] | '*';
  now: () => number;
}

/** Applies defaults once, at the edge, and rejects values that cannot work. */
export function resolveOptions(options: SandboxOptions = {}): ResolvedOptions {
  return {
    port: options.port ?? 0,
    host: options.host ?? '127.0.0.1',
    rateLimit: options.rateLimit === false ? false : resolveRateLimit(options.rateLimit ?? {}),
    fieldErrors: fieldErrorShape(options.fieldErrors ?? 'wrapped'),
    exportDurationMs: nonNegative('exportDurationMs', options.exportDurationMs ?? 2_000),
    autoLabelDurationMs: nonNegative('autoLabelDurationMs', options.autoLabelDurationMs ?? 3_000),
    maxRunningExports: nonNegative('maxRunningExports', options.maxRunningExports ?? 5),
    maxBodyBytes: nonNegative('maxBodyBytes', options.maxBodyBytes ?? 1024 * 1024),
    maxUploadBytes: nonNegative('maxUploadBytes', options.maxUploadBytes ?? 100 * 1024 * 1024),
    corsOrigins: options.corsOrigins ?? [],
    now: options.now ?? Date.now,
  };
}

function resolveRateLimit(
  partial: Partial<SandboxRateLimitOptions>,
): Required<SandboxRateLimitOptions> {
  const limit = positive('rateLimit.limit', partial.limit ?? DEFAULT_RATE_LIMIT.limit);
  // The unauthenticated budget keeps Avala's proportion (30 of 100) when only `limit` is scaled.
  const anonymousLimit = partial.anonymousLimit ?? Math.max(1, Math.round(limit * 0.3));
  return {
    limit,
    windowMs: positive('rateLimit.windowMs', partial.windowMs ?? DEFAULT_RATE_LIMIT.windowMs),
    burst: positive('rateLimit.burst', partial.burst ?? DEFAULT_RATE_LIMIT.burst),
    burstWindowMs: positive(
      'rateLimit.burstWindowMs',
      partial.burstWindowMs ?? DEFAULT_RATE_LIMIT.burstWindowMs,
    ),
    anonymousLimit: positive('rateLimit.anonymousLimit', anonymousLimit),
    inferenceLimit: positive(
      'rateLimit.inferenceLimit',
      partial.inferenceLimit ?? DEFAULT_RATE_LIMIT.inferenceLimit,
    ),
  };
}

function fieldErrorShape(value: string): FieldErrorShape {
  if (value !== 'wrapped' && value !== 'root') {
    throw new RangeError(`fieldErrors must be 'wrapped' or 'root', got ${JSON.stringify(value)}`);
  }
  return value;
}

function positive(name: string, value: number): number {
  if (!(value > 0)) throw new RangeError(`${name} must be a positive number, got ${value}`);
  return value;
}

function nonNegative(name: string, value: number): number {
  if (!(value >= 0)) throw new RangeError(`${name} must be zero or more, got ${value}`);
  return value;
}
