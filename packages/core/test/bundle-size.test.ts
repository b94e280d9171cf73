import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { BUDGETS, bundleSize } from '../../../scripts/bundle-size.js';

const packageDir = join(import.meta.dirname, '..');

describe('bundle size (docs/benchmarks.md)', () => {
  it('keeps the root entry, own code min+gz, within its budget', async () => {
    const { gz } = await bundleSize(`export * from './src/index.ts';`, { resolveDir: packageDir });
    expect(gz).toBeLessThanOrEqual(BUDGETS.core);
  });
});
