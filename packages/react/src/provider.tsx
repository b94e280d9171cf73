import type { AvalaClient } from '@avala-fetch/core';
import { QueryClient, QueryClientContext, QueryClientProvider } from '@tanstack/react-query';
import { createContext, type ReactNode, useContext, useEffect, useMemo, useState } from 'react';
import { type AvalaNoticeListener, createNoticeStore, type NoticeStore } from './notices/store.js';
import { cooperateWithClient } from './query-client-defaults.js';

interface AvalaContextValue {
  client: AvalaClient;
  notices: NoticeStore;
}

const AvalaContext = createContext<AvalaContextValue | null>(null);

/** Props of {@link AvalaProvider}. */
export interface AvalaProviderProps {
  /** The client every hook below uses (from `createAvalaClient`). */
  client: AvalaClient;
  /**
   * The QueryClient to use. Default: the one of a surrounding `QueryClientProvider`, else one
   * this provider creates and keeps for its lifetime.
   */
  queryClient?: QueryClient;
  /** Receives each notice as it is shown, updated and cleared (for a toast library). */
  onNotice?: AvalaNoticeListener;
  children?: ReactNode;
}

/**
 * Makes an Avala client available to the hooks, collects its events into notices, and
 * provides a TanStack QueryClient when none surrounds it. The QueryClient it uses (its own,
 * the `queryClient` prop or the surrounding one) gets default `retry`/`retryDelay` that
 * cooperate with the client, so a plain `useQuery` calling `client.get` is retried by one
 * layer only (docs/retry-rule.md).
 *
 * @example
 * <AvalaProvider client={client} onNotice={({ type, notice }) => …}>
 *   <App />
 * </AvalaProvider>
 */
export function AvalaProvider({ client, queryClient, onNotice, children }: AvalaProviderProps) {
  const outer = useContext(QueryClientContext);
  // Created once, and only when neither a prop nor a surrounding provider gives one.
  const [own] = useState(() => (queryClient || outer ? undefined : new QueryClient()));
  const [notices] = useState(createNoticeStore);

  useEffect(() => notices.connect(client), [notices, client]);
  useEffect(() => {
    notices.setListener(onNotice);
    return () => notices.setListener(undefined);
  }, [notices, onNotice]);

  const value = useMemo(() => ({ client, notices }), [client, notices]);
  const inner = <AvalaContext.Provider value={value}>{children}</AvalaContext.Provider>;
  const provided = queryClient ?? (outer ? undefined : own);
  // Before any child's query reads the defaults; idempotent, so safe to repeat per render.
  const used = provided ?? outer;
  if (used) cooperateWithClient(used, client);
  return provided ? <QueryClientProvider client={provided}>{inner}</QueryClientProvider> : inner;
}

/** The context of the nearest {@link AvalaProvider}; throws a clear error outside one. */
export function useAvalaContext(hook: string): AvalaContextValue {
  const value = useContext(AvalaContext);
  if (!value) {
    throw new Error(
      `${hook}() must be used inside <AvalaProvider client={createAvalaClient(…)}>; none was found above this component.`,
    );
  }
  return value;
}

/** The client of the nearest {@link AvalaProvider}, for direct calls in event handlers. */
export function useAvalaClient(): AvalaClient {
  return useAvalaContext('useAvalaClient').client;
}
