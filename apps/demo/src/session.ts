import { type AvalaClient, createAvalaClient } from '@avala-fetch/core';
import { QueryClient } from '@tanstack/react-query';
import { apiBaseUrl, apiKeyFor, type KeyChoice } from './config.js';

/** One client and one query cache: what the demo runs on for a key, until a reset. */
export interface DemoSession {
  id: string;
  client: AvalaClient;
  queryClient: QueryClient;
}

let current: DemoSession | undefined;

/**
 * The session for a key choice and a reset generation. Kept outside React so a re-render
 * (or StrictMode's double render) reuses it; a new one disposes the old client (its
 * governor's timers and tab channel) and drops the old cache.
 */
export function demoSession(keyChoice: KeyChoice, generation: number): DemoSession {
  const id = `${keyChoice}#${generation}`;
  if (current?.id === id) return current;
  if (current) {
    current.client.dispose();
    current.queryClient.clear();
  }
  const apiKey = apiKeyFor(keyChoice);
  current = {
    id,
    client: createAvalaClient({
      baseUrl: apiBaseUrl(),
      // In real-API mode there is no key here: the dev server's proxy adds it.
      ...(apiKey ? { apiKey } : {}),
      // Tabs share a budget only when they use the same key.
      rateLimit: { broadcastChannel: `avala-demo:${keyChoice}` },
    }),
    queryClient: new QueryClient(),
  };
  return current;
}
