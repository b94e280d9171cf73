import { type AvalaClient, isAvalaError } from '@avala-fetch/core';
import { isServer, type QueryClient } from '@tanstack/react-query';

type RetryValue = boolean | number | ((failureCount: number, error: unknown) => boolean);
type RetryDelayValue = number | ((failureCount: number, error: unknown) => number);

// One installation per QueryClient; it switches to the provider's current client.
const installed = new WeakMap<QueryClient, (client: AvalaClient) => void>();

/**
 * Makes a QueryClient's default `retry`/`retryDelay` cooperate with the Avala client, so that
 * a plain `useQuery({ queryFn: () => client.get(…) })` is not retried twice over — ky's
 * retries inside, TanStack's three on top (docs/retry-rule.md: one layer retries a call):
 *
 * - an error the client already retried inside ky is never retried again;
 * - any other Avala error is retried by the client's rule, policy and budget (a default
 *   `retry` number of your own caps the retries, as on the hooks);
 * - errors that are not the API's keep the QueryClient's own default (TanStack's: 3).
 *
 * Options a query sets itself (the Avala hooks set theirs) win over these defaults, as always
 * in TanStack. Installed once per QueryClient; later calls only switch the client consulted.
 */
export function cooperateWithClient(queryClient: QueryClient, client: AvalaClient): void {
  const known = installed.get(queryClient);
  if (known) {
    known(client);
    return;
  }
  const defaults = queryClient.getDefaultOptions();
  const ownRetry = defaults.queries?.retry as RetryValue | undefined;
  const ownDelay = defaults.queries?.retryDelay as RetryDelayValue | undefined;
  // One pair per client: its `retry` announces the wait its `retryDelay` just chose.
  let current = client;
  let callbacks = client.retryCallbacks({ retry: ownRetry });
  installed.set(queryClient, (next) => {
    if (next === current) return;
    current = next;
    callbacks = next.retryCallbacks({ retry: ownRetry });
  });
  queryClient.setDefaultOptions({
    ...defaults,
    queries: {
      ...defaults.queries,
      retry: (failureCount, error) =>
        isAvalaError(error)
          ? callbacks.retry(failureCount, error)
          : tanstackRetry(ownRetry, failureCount, error),
      // A default delay of your own is kept as it is, for every error (Avala's included).
      retryDelay:
        ownDelay ??
        ((failureCount, error) =>
          isAvalaError(error)
            ? callbacks.retryDelay(failureCount, error)
            : Math.min(1000 * 2 ** failureCount, 30_000)),
    },
  });
}

// What TanStack's retryer would have decided with the QueryClient's own default.
function tanstackRetry(retry: RetryValue | undefined, failureCount: number, error: unknown) {
  const value = retry ?? (isServer ? 0 : 3);
  if (typeof value === 'function') return value(failureCount, error);
  if (typeof value === 'number') return failureCount < value;
  return value;
}
