import type { AvalaClient, RateLimitState } from '@avala-fetch/core';
import { useCallback, useRef, useSyncExternalStore } from 'react';
import { useAvalaClient } from './provider.js';

/**
 * The live rate-limit budget as the client's governor sees it (`limit`, `remaining`,
 * `resetAt`, `queued`, `inFlight`, `blockedUntil`), re-rendering when it changes.
 */
export function useRateLimit(): RateLimitState {
  const client = useAvalaClient();
  const last = useRef<RateLimitState | undefined>(undefined);
  // The client may hand out a fresh object each read: keep the old one while nothing differs,
  // as useSyncExternalStore requires.
  const getSnapshot = useCallback(() => {
    const next = readRateLimit(client);
    if (!last.current || !sameState(last.current, next)) last.current = next;
    return last.current;
  }, [client]);
  const subscribe = useCallback((onChange: () => void) => client.subscribe(onChange), [client]);
  return useSyncExternalStore(subscribe, getSnapshot, getSnapshot);
}

function readRateLimit(client: AvalaClient): RateLimitState {
  const { limit, remaining, resetAt, queued, inFlight, blockedUntil } = client.rateLimit;
  return { limit, remaining, resetAt, queued, inFlight, blockedUntil };
}

const KEYS = ['limit', 'remaining', 'resetAt', 'queued', 'inFlight', 'blockedUntil'] as const;

function sameState(a: RateLimitState, b: RateLimitState): boolean {
  return KEYS.every((key) => a[key] === b[key]);
}
