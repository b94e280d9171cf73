/**
 * @avala-fetch/proxy — the production gateway for the Avala API: it holds the key on a
 * server, admits the app's own callers and keeps one key's budget across every instance on
 * Redis.
 */
export { nodeHandler } from './node.js';
export { createAvalaProxy } from './proxy.js';
export { startProxy } from './server.js';
export type {
  AvalaProxy,
  AvalaProxyOptions,
  ProxyAllowRequest,
  ProxyAuthorize,
  ProxyRateLimitOptions,
  RedisStatus,
  RunningProxy,
  StartProxyOptions,
} from './types.js';
