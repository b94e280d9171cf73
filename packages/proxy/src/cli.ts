#!/usr/bin/env node
/**
 * `pnpm proxy` (or `avala-proxy`): runs the gateway until Ctrl-C, configured by the
 * environment (see packages/proxy/README.md):
 *
 *   AVALA_API_KEY (required)     the key added to every forwarded request
 *   AVALA_UPSTREAM               upstream origin (default https://api.avala.ai)
 *   REDIS_URL                    share the budget with every instance on this Redis
 *   PORT, HOST                   where to listen (default 8788, 127.0.0.1; PORT=0 picks one)
 *   AVALA_PROXY_TOKENS           comma-separated bearer tokens callers must send
 *   AVALA_PROXY_OPEN=1           admit every caller (instead of tokens)
 *   AVALA_PROXY_CORS_ORIGINS     comma-separated browser origins allowed cross-origin
 *   AVALA_PROXY_MAX_WAIT_MS      how long a request may wait for budget (default 10000)
 *   AVALA_PROXY_MAX_BODY_BYTES   largest request body (default 10485760)
 *   AVALA_PROXY_LIMIT, AVALA_PROXY_WINDOW_MS, AVALA_PROXY_BURST, AVALA_PROXY_BURST_WINDOW_MS
 *                                the budget before the upstream's headers say otherwise
 */
import { optionsFromEnv } from './env.js';
import { startProxy } from './server.js';

const config = optionsFromEnv(process.env);
if (!config.ok) {
  console.error(`avala-proxy: ${config.error}`);
  process.exit(2);
}

try {
  const running = await startProxy({
    ...config.options,
    log: (line) => console.log(`[avala-proxy] ${line}`),
  });
  const { options } = config;
  console.log(`avala-proxy listening on ${running.url}
  forwards   ${running.url}/api/v1/* → ${options.upstream ?? 'https://api.avala.ai'}/api/v1/*
  budget     ${options.redis ? 'shared on Redis' : 'in memory (this instance only)'}
  callers    ${options.open ? 'everyone (AVALA_PROXY_OPEN=1)' : 'Authorization: Bearer <one of AVALA_PROXY_TOKENS>'}
  health     ${running.url}/healthz`);
  const stop = () => {
    running.close().then(() => process.exit(0));
  };
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
} catch (error) {
  const code = (error as NodeJS.ErrnoException).code;
  console.error(
    `avala-proxy: ${
      code === 'EADDRINUSE'
        ? `port ${config.options.port} is in use: set PORT=<n>, or stop the other server`
        : (error as Error).message
    }`,
  );
  process.exit(1);
}
