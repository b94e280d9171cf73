import type { AvalaClient } from '@avala-fetch/core';
import { useAvalaContext } from './provider.js';

/**
 * The machinery `useAvalaQuery` and `useAvalaInfiniteQuery` share (as TanStack's
 * `useBaseQuery` is shared by `useQuery` and `useInfiniteQuery`): find the provider's client,
 * build the definition with it (key, `queryFn` with the signal and ky retries off, the
 * policy's `retry`/`retryDelay`), and hand it to TanStack's observer hook.
 *
 * @param hook - the public hook's name, for the error outside a provider.
 * @param define - builds the TanStack options from the client.
 * @param useObserver - TanStack's `useQuery` or `useInfiniteQuery` (fixed per call site).
 */
export function useAvalaBaseQuery<TDefinition, TResult>(
  hook: string,
  define: (client: AvalaClient) => TDefinition,
  useObserver: (definition: TDefinition) => TResult,
): TResult {
  const { client } = useAvalaContext(hook);
  return useObserver(define(client));
}
