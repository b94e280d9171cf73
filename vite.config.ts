import { defaultClientConditions, defaultServerConditions, defineConfig } from 'vite';

/**
 * Workspace packages export their TypeScript sources under this condition, so tests
 * and the demo run against `src/` with no build step (see each package's `exports`).
 */
const sourceConditions = {
  resolve: { conditions: ['@avala-fetch/source', ...defaultClientConditions] },
  ssr: { resolve: { conditions: ['@avala-fetch/source', ...defaultServerConditions] } },
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
        test: { name: 'core', root: 'packages/core', environment: 'node' },
      },
      {
        ...sourceConditions,
        test: { name: 'react', root: 'packages/react', environment: 'jsdom' },
      },
      {
        ...sourceConditions,
        // Real-browser end-to-end tests: one sandbox, one Vite server and one Chromium per
        // file, so files run one at a time and get browser-sized timeouts.
        test: {
          name: 'demo',
          root: 'apps/demo',
          environment: 'node',
          include: ['test/**/*.e2e.test.ts'],
          fileParallelism: false,
          testTimeout: 20_000,
          hookTimeout: 30_000,
        },
      },
    ],
  },
});
