import type { RateLimitState } from '@avala-fetch/core';
import { useCallback, useSyncExternalStore } from 'react';
import { useAvalaClient } from './provider.js';

/**
 * The live rate-limit budget as the client's governor sees it (`limit`, `remaining`,
 * `resetAt`, `queued`, `inFlight`, `blockedUntil`), re-rendering when it changes. The client
 * hands out the same frozen state until something changes, as `useSyncExternalStore` needs.
 */
export function useRateLimit(): RateLimitState {
  const client = useAvalaClient();
  const subscribe = useCallback((onChange: () => void) => client.subscribe(onChange), [client]);
  const getSnapshot = useCallback(() => client.rateLimit, [client]);
  return useSyncExternalStore(subscribe, getSnapshot, getSnapshot);
}
