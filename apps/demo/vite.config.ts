import { createAvalaProxy, nodeHandler } from '@avala-fetch/proxy';
import react from '@vitejs/plugin-react';
import { defineConfig, type Plugin, type UserConfig } from 'vite';

/** The sandbox's demo keys: public test values, safe to ship to the browser. */
export const sandboxDemoKeys = {
  admin: 'avk_sandbox_admin',
  readonly: 'avk_sandbox_readonly',
  otherOrg: 'avk_sandbox_other_org',
  revoked: 'avk_sandbox_revoked',
} as const;

/** How the demo reaches an API: the local sandbox, or the real Avala API through a proxy. */
export type DemoMode =
  | { mode: 'sandbox'; sandboxUrl: string }
  | { mode: 'real'; apiKey: string; apiOrigin?: string };

/** What the page learns about its mode (`window.__AVALA_DEMO__`); never a real key. */
export interface DemoRuntimeConfig {
  mode: 'sandbox' | 'real';
  /** The sandbox origin (sandbox mode); the browser calls it cross-origin. */
  sandboxUrl?: string;
  /** The sandbox's demo keys (sandbox mode only). */
  keys?: Record<keyof typeof sandboxDemoKeys, string>;
}

/**
 * The demo's Vite config for a mode. `scripts/dev.ts` and the end-to-end tests call it
 * with the sandbox they started; `vite.config.ts`'s default export reads the environment.
 */
export function demoViteConfig(demo: DemoMode): UserConfig {
  const runtime: DemoRuntimeConfig =
    demo.mode === 'sandbox'
      ? { mode: 'sandbox', sandboxUrl: demo.sandboxUrl, keys: { ...sandboxDemoKeys } }
      : { mode: 'real' };
  return {
    root: import.meta.dirname,
    plugins: [
      react(),
      runtimeConfig(runtime),
      ...(demo.mode === 'real' ? [realApiGateway(demo.apiKey, demo.apiOrigin)] : []),
    ],
    resolve: { conditions: ['@avala-fetch/source'] },
    server: { port: 5173 },
  };
}

/**
 * Puts the runtime config into index.html as `window.__AVALA_DEMO__`. Not a `define`: that
 * would change Vite's dependency hash with every sandbox port and re-bundle the deps.
 */
function runtimeConfig(runtime: DemoRuntimeConfig): Plugin {
  // `<` escaped so no value can close the script element.
  const json = JSON.stringify(runtime).replace(/</g, '\\u003c');
  return {
    name: 'avala-demo-runtime-config',
    transformIndexHtml: () => [
      { tag: 'script', children: `window.__AVALA_DEMO__ = ${json};`, injectTo: 'head-prepend' },
    ],
  };
}

/**
 * Real-API mode: `@avala-fetch/proxy` mounted in the dev server adds the key here, on the
 * server, so the browser calls its own origin's /api/v1 and never sees the key
 * (docs/security.md). It admits this page's own requests (`Sec-Fetch-Site: same-origin`)
 * and tools on this machine that send no such header, but not other sites' pages.
 */
function realApiGateway(apiKey: string, apiOrigin = 'https://api.avala.ai'): Plugin {
  return {
    name: 'avala-demo-real-api-gateway',
    configureServer(server) {
      const proxy = createAvalaProxy({
        apiKey,
        upstream: apiOrigin,
        authorize: (request) =>
          (request.headers.get('sec-fetch-site') ?? 'same-origin') === 'same-origin',
      });
      const handle = nodeHandler(proxy);
      server.middlewares.use((request, response, next) => {
        if (request.url?.startsWith('/api/')) void handle(request, response);
        else next();
      });
      server.httpServer?.once('close', () => void proxy.close());
    },
  };
}

/**
 * Reads the mode from the environment for a bare `vite`/`vite build` (scripts/dev.ts is
 * the usual entry): `AVALA_MODE=real` with `AVALA_API_KEY`, else the sandbox at
 * `AVALA_SANDBOX_URL` (default http://127.0.0.1:8787, where `pnpm sandbox` listens).
 */
export function demoModeFromEnv(env: NodeJS.ProcessEnv = process.env): DemoMode {
  if (env.AVALA_MODE === 'real') {
    const apiKey = env.AVALA_API_KEY;
    if (!apiKey) throw new Error('AVALA_MODE=real needs AVALA_API_KEY=avk_… in the environment');
    return { mode: 'real', apiKey, apiOrigin: env.AVALA_API_ORIGIN };
  }
  return { mode: 'sandbox', sandboxUrl: env.AVALA_SANDBOX_URL ?? 'http://127.0.0.1:8787' };
}

export default defineConfig(({ command }) =>
  // A production build never carries a key, whatever the environment says.
  demoViteConfig(
    command === 'build' && process.env.AVALA_MODE === 'real'
      ? { mode: 'real', apiKey: '' }
      : demoModeFromEnv(),
  ),
);
