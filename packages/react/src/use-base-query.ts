import type { AvalaClient } from '@avala-fetch/core';
import { useAvalaContext } from './provider.js';

/** What `useAvalaQuery` and `useAvalaInfiniteQuery` share, as TanStack's `useBaseQuery`. */
export function useAvalaBaseQuery<TDefinition, TResult>(
  hook: string,
  define: (client: AvalaClient) => TDefinition,
  useObserver: (definition: TDefinition) => TResult,
): TResult {
  const { client } = useAvalaContext(hook);
  return useObserver(define(client));
}
