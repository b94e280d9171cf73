import { playwright } from '@vitest/browser-playwright';
import { defaultClientConditions, defaultServerConditions, defineConfig } from 'vite';
import { configDefaults } from 'vitest/config';
import { chromiumLaunchOptions } from './scripts/chromium.js';

/**
 * Workspace packages export their TypeScript sources under this condition, so tests
 * and the demo run against `src/` with no build step (see each package's `exports`).
 * Every environment needs it: `__vitest__` is the one that loads global setup files,
 * and without it a clean clone (no `dist/`) cannot resolve `@avala-fetch/sandbox` there.
 */
const serverSourceConditions = {
  resolve: { conditions: ['@avala-fetch/source', ...defaultServerConditions] },
};
const sourceConditions = {
  resolve: { conditions: ['@avala-fetch/source', ...defaultClientConditions] },
  ssr: serverSourceConditions,
  environments: { __vitest__: serverSourceConditions },
};

/** One Vitest project per package/app; `pnpm test` at the root runs them all. */
export default defineConfig({
  test: {
    projects: [
      {
        ...sourceConditions,
        test: { name: 'sandbox', root: 'packages/sandbox', environment: 'node' },
      },
      {
        ...sourceConditions,
        // Real HTTP on loopback against the sandbox and a redis-server each file starts; files
        // run one at a time because their timing assertions share two cores.
        test: {
          name: 'proxy',
          root: 'packages/proxy',
          environment: 'node',
          fileParallelism: false,
          testTimeout: 30_000,
          hookTimeout: 20_000,
        },
      },
      {
        ...sourceConditions,
        test: {
          name: 'core',
          root: 'packages/core',
          environment: 'node',
          exclude: [...configDefaults.exclude, 'test/browser/**'],
          // Type tests (`*.test-d.ts`): narrowing, exhaustive switches, inference.
          typecheck: { enabled: true, include: ['test/**/*.test-d.ts'] },
        },
      },
      {
        ...sourceConditions,
        // The core in real Chromium (Debian's) against sandboxes started in Node by the
        // global setup: CORS, exposed headers, a browser's abort and redirects. Files share
        // the sandboxes and reset them, so they run one at a time.
        test: {
          name: 'browser',
          root: 'packages/core',
          include: ['test/browser/**/*.browser.test.ts'],
          // The core's benchmarks are Node's (`pnpm bench`), not this project's.
          benchmark: { include: [] },
          globalSetup: ['test/browser/global-setup.ts'],
          fileParallelism: false,
          testTimeout: 10_000,
          browser: {
            enabled: true,
            headless: true,
            provider: playwright({
              launchOptions: chromiumLaunchOptions,
            }),
            instances: [{ browser: 'chromium' }],
            // The page renders nothing, so a failure's screenshot would show a blank page.
            screenshotFailures: false,
          },
        },
      },
      {
        ...sourceConditions,
        test: {
          name: 'react',
          root: 'packages/react',
          environment: 'jsdom',
          typecheck: { enabled: true, include: ['test/**/*.test-d.ts'] },
        },
      },
      {
        ...sourceConditions,
        // Real-browser end-to-end tests: one sandbox, one Vite server and one Chromium per
        // file, so files run one at a time and get browser-sized timeouts. They run after the
        // other projects (a later group), not beside them: two tabs sharing one budget hear each
        // other over a BroadcastChannel, and on two cores busy with the Node suites that news
        // came late enough to cost a burst three to nine 429s instead of zero to two.
        test: {
          name: 'demo',
          root: 'apps/demo',
          environment: 'node',
          include: ['test/**/*.e2e.test.ts'],
          sequence: { groupOrder: 1 },
          fileParallelism: false,
          testTimeout: 20_000,
          hookTimeout: 30_000,
        },
      },
    ],
  },
});
