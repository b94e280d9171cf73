import { Delays, FaultQueue } from './middleware/faults.js';
import { RequestLog } from './middleware/log.js';
import { Maintenance } from './middleware/maintenance.js';
import type { ResolvedOptions } from './options.js';
import { SlidingWindowLimiter } from './rate-limiter.js';
import { Store } from './store.js';

/** Everything a running sandbox holds, shared by the app, the admin routes and the `Sandbox` object. */
export interface SandboxState {
  readonly options: ResolvedOptions;
  readonly store: Store;
  readonly limiter: SlidingWindowLimiter;
  readonly maintenance: Maintenance;
  readonly faults: FaultQueue;
  readonly delays: Delays;
  readonly log: RequestLog;
  /** Seeded store, empty windows, no faults, empty log, no maintenance. */
  reset(): void;
}

/** Builds a fresh state from resolved options. */
export function createState(options: ResolvedOptions): SandboxState {
  const state: SandboxState = {
    options,
    store: new Store(options.now),
    limiter: new SlidingWindowLimiter(options.now),
    maintenance: new Maintenance(options.now),
    faults: new FaultQueue(),
    delays: new Delays(),
    log: new RequestLog(),
    reset() {
      state.store.reset();
      state.limiter.reset();
      state.faults.clear();
      state.delays.releaseAll();
      state.log.clear();
      state.maintenance.end();
    },
  };
  return state;
}
