#!/usr/bin/env node
/**
 * `pnpm sandbox` (or `avala-sandbox`): runs the sandbox Avala API until Ctrl-C.
 *
 *   --port <n>              port (default $PORT or 8787; 0 picks a free one)
 *   --host <addr>           interface (default 127.0.0.1)
 *   --limit <n>             requests per key per window (default 100)
 *   --window-ms <ms>        rate-limit window (default 60000)
 *   --burst <n>             requests per key per burst window (default 20)
 *   --burst-window-ms <ms>  burst window (default 1000)
 *   --short-limits          10 per 10 s, bursts of 3 per second: see 429s by clicking
 *   --no-rate-limit         turn throttling off
 *   --export-duration-ms    how long export jobs take (default 2000)
 *   --field-errors <shape>  400 field errors `wrapped` in detail (default) or at the `root`
 */
import { parseArgs } from 'node:util';
import { DEFAULT_RATE_LIMIT } from './options.js';
import { startSandbox } from './server.js';
import type { SandboxOptions, SandboxRateLimitOptions } from './types.js';

const { values } = parseArgs({
  options: {
    port: { type: 'string' },
    host: { type: 'string' },
    limit: { type: 'string' },
    'window-ms': { type: 'string' },
    burst: { type: 'string' },
    'burst-window-ms': { type: 'string' },
    'short-limits': { type: 'boolean' },
    'no-rate-limit': { type: 'boolean' },
    'export-duration-ms': { type: 'string' },
    'field-errors': { type: 'string' },
    help: { type: 'boolean', short: 'h' },
  },
});

if (values.help) {
  console.log(
    'Usage: avala-sandbox [--port 8787] [--host 127.0.0.1] [--limit 100] [--window-ms 60000]\n' +
      '                     [--burst 20] [--burst-window-ms 1000] [--short-limits] [--no-rate-limit]\n' +
      '                     [--export-duration-ms 2000] [--field-errors wrapped|root]',
  );
  process.exit(0);
}

function numberFlag(name: string, raw: string | undefined): number | undefined {
  if (raw === undefined) return undefined;
  const value = Number(raw);
  if (!Number.isFinite(value) || value < 0) {
    console.error(`--${name} needs a number ≥ 0, got "${raw}"`);
    process.exit(2);
  }
  return value;
}

const rateLimit: Partial<SandboxRateLimitOptions> = values['short-limits']
  ? { limit: 10, windowMs: 10_000, burst: 3, burstWindowMs: 1_000 }
  : {};
const overrides = {
  limit: numberFlag('limit', values.limit),
  windowMs: numberFlag('window-ms', values['window-ms']),
  burst: numberFlag('burst', values.burst),
  burstWindowMs: numberFlag('burst-window-ms', values['burst-window-ms']),
};
for (const [name, value] of Object.entries(overrides)) {
  if (value !== undefined) rateLimit[name as keyof typeof overrides] = value;
}

const options: SandboxOptions = {
  port: numberFlag('port', values.port ?? process.env.PORT) ?? 8787,
  host: values.host ?? '127.0.0.1',
  rateLimit: values['no-rate-limit'] ? false : rateLimit,
};
const fieldErrors = values['field-errors'];
if (fieldErrors !== undefined) {
  if (fieldErrors !== 'wrapped' && fieldErrors !== 'root') {
    console.error(`--field-errors needs wrapped or root, got "${fieldErrors}"`);
    process.exit(2);
  }
  options.fieldErrors = fieldErrors;
}
const exportDurationMs = numberFlag('export-duration-ms', values['export-duration-ms']);
if (exportDurationMs !== undefined) options.exportDurationMs = exportDurationMs;

try {
  const sandbox = await startSandbox(options);
  const limits = options.rateLimit === false ? 'off' : describeLimits(rateLimit);
  console.log(`Avala sandbox listening on ${sandbox.url}
  API base URL   ${sandbox.apiUrl}
  rate limits    ${limits}

  keys (send as X-Avala-Api-Key)
    ${sandbox.keys.admin.padEnd(24)} read-write, organization A
    ${sandbox.keys.readonly.padEnd(24)} read-only: writes answer 403
    ${sandbox.keys.otherOrg.padEnd(24)} organization B: A's resources answer 403
    ${sandbox.keys.revoked.padEnd(24)} revoked: 401

  chaos routes
    POST   ${sandbox.url}/__sandbox/maintenance   {"retryAfterS": 5, "durationMs": 30000}
    DELETE ${sandbox.url}/__sandbox/maintenance
    POST   ${sandbox.url}/__sandbox/faults        {"type": "status", "status": 503, "count": 2}
    DELETE ${sandbox.url}/__sandbox/faults
    GET    ${sandbox.url}/__sandbox/log           (DELETE clears it)
    POST   ${sandbox.url}/__sandbox/reset

Ctrl-C to stop.`);
  const stop = () => {
    sandbox.close().then(() => process.exit(0));
  };
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
} catch (error) {
  const code = (error as { code?: string }).code;
  console.error(
    code === 'EADDRINUSE'
      ? `Port ${options.port} is in use: pass --port <n> (or PORT=<n>), or stop the other server.`
      : error,
  );
  process.exit(1);
}

function describeLimits(limits: Partial<SandboxRateLimitOptions>): string {
  const { limit, windowMs, burst, burstWindowMs } = { ...DEFAULT_RATE_LIMIT, ...limits };
  return `${limit} per ${windowMs} ms per key, bursts of ${burst} per ${burstWindowMs} ms`;
}
