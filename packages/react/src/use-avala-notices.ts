import { useSyncExternalStore } from 'react';
import type { AvalaNotice } from './notices/store.js';
import { useAvalaContext } from './provider.js';

/**
 * The notices shown now (at most one per condition: rate limited, unavailable, offline,
 * unauthorized, forbidden), in the order they appeared; each has a stable `id` and
 * `dismiss()`. Re-renders only when a notice appears, changes or goes.
 */
export function useAvalaNotices(): readonly AvalaNotice[] {
  const { notices } = useAvalaContext('useAvalaNotices');
  return useSyncExternalStore(notices.subscribe, notices.getSnapshot, notices.getSnapshot);
}
