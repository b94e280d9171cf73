import { defineConfig } from 'tsdown';

export default defineConfig({
  // The root and the subpaths of `exports` (package.json): dist/index, governor, retry, upload.
  entry: {
    index: 'src/index.ts',
    governor: 'src/governor/index.ts',
    retry: 'src/retry/index.ts',
    upload: 'src/workflows/index.ts',
  },
  format: 'esm',
  dts: true,
  platform: 'neutral',
  sourcemap: true,
});
