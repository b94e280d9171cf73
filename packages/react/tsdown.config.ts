import { defineConfig } from 'tsdown';

export default defineConfig({
  entry: ['src/index.ts'],
  format: 'esm',
  dts: true,
  platform: 'neutral',
  sourcemap: true,
  // The hooks and the provider run only on the client: frameworks with React Server
  // Components (Next.js's app router) need the directive to import them from a server file.
  banner: { js: "'use client';" },
});
