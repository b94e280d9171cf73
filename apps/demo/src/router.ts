import { useSyncExternalStore } from 'react';

/** A screen of the demo, parsed from the location hash. */
export type Route =
  | { name: 'datasets' }
  | { name: 'dataset'; uid: string }
  | { name: 'projects' }
  | { name: 'exports' }
  | { name: 'upload' }
  | { name: 'burst' }
  | { name: 'chaos' }
  | { name: 'not-found'; path: string };

/** Parses `#/datasets/abc` into a {@link Route}; the empty hash is the datasets list. */
export function parseRoute(hash: string): Route {
  const path = hash.replace(/^#/, '') || '/';
  const parts = path.split('/').filter(Boolean);
  const [first, second, ...rest] = parts;
  if (rest.length === 0) {
    if (first === undefined || (first === 'datasets' && second === undefined)) {
      return { name: 'datasets' };
    }
    if (first === 'datasets' && second !== undefined) {
      return { name: 'dataset', uid: decodeURIComponent(second) };
    }
    if (
      second === undefined &&
      (first === 'projects' ||
        first === 'exports' ||
        first === 'upload' ||
        first === 'burst' ||
        first === 'chaos')
    ) {
      return { name: first };
    }
  }
  return { name: 'not-found', path };
}

function subscribe(onChange: () => void): () => void {
  window.addEventListener('hashchange', onChange);
  return () => window.removeEventListener('hashchange', onChange);
}

/** The current route; re-renders on every hash change. */
export function useRoute(): Route {
  const hash = useSyncExternalStore(subscribe, () => window.location.hash);
  return parseRoute(hash);
}

/** The `href` of a dataset's detail page. */
export function datasetHref(uid: string): string {
  return `#/datasets/${encodeURIComponent(uid)}`;
}
