/// <reference types="vite/client" />
import type { DemoRuntimeConfig } from '../vite.config.js';

declare global {
  /** Set by `demoViteConfig` through Vite's `define`: the mode, never a real key. */
  const __AVALA_DEMO__: DemoRuntimeConfig;
}
