// @vitest-environment node
// (esbuild checks its output with Node's Uint8Array, which jsdom's globals replace.)
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { BUDGETS, bundleSize, PEERS } from '../../../scripts/bundle-size.js';

const packageDir = join(import.meta.dirname, '..');

describe('bundle size (docs/benchmarks.md)', () => {
  it('keeps the root entry, own code min+gz with the core external, within its budget', async () => {
    const { gz } = await bundleSize(`export * from './src/index.ts';`, {
      resolveDir: packageDir,
      external: [...PEERS, '@avala-fetch/core'],
    });
    expect(gz).toBeLessThanOrEqual(BUDGETS.react);
  });
});
