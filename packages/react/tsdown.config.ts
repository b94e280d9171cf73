import { defineConfig } from 'tsdown';

export default defineConfig({
  // The root and the subpath of `exports` (package.json): dist/index, workflows.
  entry: { index: 'src/index.ts', workflows: 'src/workflows/index.ts' },
  format: 'esm',
  dts: true,
  platform: 'neutral',
  sourcemap: true,
  // The hooks and the provider run only on the client: frameworks with React Server
  // Components (Next.js's app router) need the directive to import them from a server file;
  // the banner goes on every output file, the workflows entry and shared chunks included.
  banner: { js: "'use client';" },
});
