import { defineConfig } from 'tsdown';

export default defineConfig({
  // The root and the two subpaths of `exports` (package.json): dist/index, governor, retry.
  entry: { index: 'src/index.ts', governor: 'src/governor/index.ts', retry: 'src/retry/index.ts' },
  format: 'esm',
  dts: true,
  platform: 'neutral',
  sourcemap: true,
});
