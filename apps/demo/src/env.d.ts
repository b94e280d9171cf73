/// <reference types="vite/client" />
import type { DemoRuntimeConfig } from '../vite.config.js';

declare global {
  interface Window {
    /** Set in index.html by `demoViteConfig`: the mode, never a real key. */
    __AVALA_DEMO__?: DemoRuntimeConfig;
  }
}
