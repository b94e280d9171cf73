/**
 * `pnpm dev`: starts the sandbox and the demo's Vite dev server in one process and prints
 * the URL to open. Run with tsx under the `@avala-fetch/source` condition so the workspace
 * packages load from their TypeScript sources (see apps/demo/README.md).
 *
 *   pnpm dev                                   sandbox mode (no Avala key needed)
 *   AVALA_API_KEY=avk_… pnpm dev -- --real     the real API through @avala-fetch/proxy in the dev server
 */
import { startSandbox } from '@avala-fetch/sandbox';
import { createServer } from 'vite';
import { type DemoMode, demoModeFromEnv, demoViteConfig } from '../vite.config.js';

const SANDBOX_PORT = 8787;

const wantsReal = process.argv.includes('--real') || process.env.AVALA_MODE === 'real';

async function main(): Promise<void> {
  const closers: (() => Promise<void>)[] = [];
  let mode: DemoMode;

  if (wantsReal) {
    mode = demoModeFromEnv({ ...process.env, AVALA_MODE: 'real' });
  } else {
    const sandbox = await startSandboxOnPreferredPort();
    closers.push(() => sandbox.close());
    mode = { mode: 'sandbox', sandboxUrl: sandbox.url };
  }

  const vite = await createServer({ configFile: false, ...demoViteConfig(mode) });
  closers.unshift(() => vite.close());
  await vite.listen();

  const url = vite.resolvedUrls?.local[0] ?? `http://localhost:${vite.config.server.port}/`;
  console.log('');
  if (mode.mode === 'sandbox') {
    console.log(`  Sandbox (a local Avala API):  ${mode.sandboxUrl}/api/v1`);
  } else {
    console.log(
      `  Real Avala API via @avala-fetch/proxy: /api/v1 → ${mode.apiOrigin ?? 'https://api.avala.ai'}/api/v1`,
    );
    console.log('  (the key is added by this dev server; the browser never sees it)');
  }
  console.log(`\n  ➜ Open the demo:  ${url}\n`);

  let closing = false;
  const shutdown = async () => {
    if (closing) return;
    closing = true;
    for (const close of closers) await close().catch(() => {});
    process.exit(0);
  };
  process.on('SIGINT', shutdown);
  process.on('SIGTERM', shutdown);
}

/** Port 8787 when it is free (a stable URL to bookmark), else any free port. */
async function startSandboxOnPreferredPort() {
  // Exports that run for a while, so a person can cancel one and reach the 5-running limit.
  const options = { exportDurationMs: 15_000 };
  try {
    return await startSandbox({ ...options, port: SANDBOX_PORT });
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EADDRINUSE') throw error;
    console.log(`  Port ${SANDBOX_PORT} is busy; starting the sandbox on a free port.`);
    return startSandbox({ ...options, port: 0 });
  }
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
});
