import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { serve } from '@hono/node-server';
import { API_PREFIX, createApp } from './app.js';
import { SANDBOX_KEYS } from './keys.js';
import { resolveOptions } from './options.js';
import { createState } from './state.js';
import type { Sandbox, SandboxOptions } from './types.js';

/**
 * Starts a sandbox Avala API on loopback and resolves once it listens.
 *
 * @example
 * const sandbox = await startSandbox({ port: 0, rateLimit: { limit: 10, windowMs: 500 } });
 * await fetch(`${sandbox.apiUrl}/datasets/`, { headers: { 'X-Avala-Api-Key': sandbox.keys.admin } });
 * await sandbox.close();
 */
export async function startSandbox(options: SandboxOptions = {}): Promise<Sandbox> {
  const resolved = resolveOptions(options);
  const state = createState(resolved);
  const app = createApp(state);

  const server = await new Promise<Server>((resolve, reject) => {
    const listening = serve(
      {
        fetch: app.fetch,
        port: resolved.port,
        hostname: resolved.host,
        // Keep the process's own Request/Response: tests of other packages share it.
        overrideGlobalObjects: false,
      },
      () => resolve(listening as Server),
    ) as Server;
    listening.once('error', reject);
  });

  const { port } = server.address() as AddressInfo;
  const url = `http://${urlHost(resolved.host)}:${port}`;
  let closed: Promise<void> | undefined;

  return {
    url,
    apiUrl: `${url}${API_PREFIX}`,
    keys: { ...SANDBOX_KEYS },
    get log() {
      return state.log.entries;
    },
    clearLog: () => state.log.clear(),
    setMaintenance: (maintenance) => {
      if (maintenance === false) state.maintenance.end();
      else state.maintenance.start(maintenance);
    },
    injectFault: (fault) => state.faults.add(fault),
    clearFaults: () => state.faults.clear(),
    reset: () => state.reset(),
    close() {
      closed ??= new Promise<void>((resolve, reject) => {
        state.delays.cancelAll();
        server.close((error) => (error ? reject(error) : resolve()));
        // Keep-alive sockets would hold `close` open until they time out.
        server.closeAllConnections();
      });
      return closed;
    },
  };
}

/** The host to put in URLs: a wildcard bind is reached over loopback; IPv6 needs brackets. */
function urlHost(host: string): string {
  if (host === '0.0.0.0' || host === '::' || host === '') return '127.0.0.1';
  return host.includes(':') ? `[${host}]` : host;
}
