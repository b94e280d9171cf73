/**
 * @avala-fetch/sandbox — a local HTTP server that behaves like the Avala API (error
 * bodies, status codes, rate-limit headers, maintenance and injected faults), so the
 * demo and every test run without an Avala key.
 */
export { AVALA_ENDPOINTS, type AvalaEndpoint, findEndpoint, honoPath } from './contract.js';
export { startSandbox } from './server.js';
export type {
  Sandbox,
  SandboxFault,
  SandboxFaultMatch,
  SandboxKeys,
  SandboxLogEntry,
  SandboxMaintenance,
  SandboxOptions,
  SandboxRateLimitOptions,
} from './types.js';
