/**
 * The demo's calls, in one place: each screen uses these hooks, which are thin uses of
 * @avala-fetch/react (no HTTP, retry or error logic lives in the demo).
 */
import type { AvalaError, Page } from '@avala-fetch/core';
import {
  avalaInfiniteQueryKey,
  avalaQueryKey,
  useAvalaInfiniteQuery,
  useAvalaMutation,
  useAvalaQuery,
} from '@avala-fetch/react';
import { type InfiniteData, useQueryClient } from '@tanstack/react-query';

/** A dataset as the API returns it (the fields the demo shows). */
export interface Dataset {
  uid: string;
  name: string;
  slug?: string;
  /** The owner part of `/datasets/{owner}/{slug}/`. */
  owner_name?: string;
  data_type?: string;
  /** `created` once the dataset is ready. */
  status?: string;
  is_sequence?: boolean;
  visibility: 'private' | 'public';
  description?: string;
  filters?: { split: string | null };
  item_count?: number;
  created_at?: string;
  updated_at?: string;
}

/** An item of a dataset, listed at `/datasets/{owner}/{slug}/items/`. */
export interface DatasetItem {
  uid: string;
  key: string;
  metadata?: Record<string, unknown>;
}

/** What the "New dataset" form sends: Avala requires `name`, `slug` and `data_type`. */
export interface NewDataset {
  name: string;
  slug: string;
  data_type: string;
  visibility: string;
  description: string;
  filters: { split: string };
  items: { weight: number }[];
}

/** A project; `auto_label_available` says whether its plan includes auto-labelling. */
export interface Project {
  uid: string;
  name: string;
  status?: string;
  description?: string;
  task_type?: string;
  auto_label_available?: boolean;
}

/** An auto-label job, as `POST /projects/{uid}/auto-label/` returns it. */
export interface AutoLabelJob {
  uid: string;
  status: string;
  progress_pct?: number | null;
}

/** Page size of the datasets list: small, so "Load more" has pages to fetch. */
export const DATASETS_PAGE_SIZE = 10;

/** The datasets list, a cursor page at a time. */
export function useDatasets() {
  return useAvalaInfiniteQuery<Dataset>('/datasets/', { limit: DATASETS_PAGE_SIZE });
}

/** One dataset; a 404 becomes the not-found page. */
export function useDataset(uid: string) {
  return useAvalaQuery<Dataset>(['datasets', uid]);
}

/** The first page of a dataset's items, addressed by owner and slug as Avala does. */
export function useDatasetItems(dataset: Dataset | undefined) {
  const { owner_name = '', slug = '' } = dataset ?? {};
  return useAvalaQuery<Page<DatasetItem>>(['datasets', owner_name, slug, 'items'], {
    searchParams: { limit: 5 },
    enabled: owner_name !== '' && slug !== '',
  });
}

/** Creates a dataset; 400/409 go into the form. */
export function useCreateDataset() {
  const queryClient = useQueryClient();
  return useAvalaMutation<Dataset, NewDataset>({
    method: 'POST',
    path: '/datasets/',
    // The new dataset goes to the top of the first page, where the person sees it (the API
    // lists it last, pages away), with the count; other dataset queries are refreshed.
    onSuccess: (dataset) => {
      const listKey = avalaInfiniteQueryKey('/datasets/', { limit: DATASETS_PAGE_SIZE });
      queryClient.setQueryData<DatasetPages>(listKey, (data) =>
        data
          ? {
              ...data,
              pages: data.pages.map((page, index) => ({
                ...page,
                count: page.count === undefined ? undefined : page.count + 1,
                results: index === 0 ? [dataset, ...page.results] : page.results,
              })),
            }
          : data,
      );
      return queryClient.invalidateQueries({
        queryKey: avalaQueryKey('/datasets/'),
        predicate: (query) => query.queryKey.at(-1) !== 'infinite',
      });
    },
  });
}

/** The key's projects (first page); `/projects/` is Avala's staff listing, 403 to a customer. */
export function useProjects() {
  return useAvalaQuery<Page<Project>>('/users/me/projects/');
}

/** Starts auto-labelling a project: plan-gated, a structured 403 on lower plans. */
export function useAutoLabel() {
  return useAvalaMutation<AutoLabelJob, string>({
    method: 'POST',
    path: (uid) => ['projects', uid, 'auto-label'],
    json: () => ({}),
  });
}

/** The error type every hook reports. */
export type { AvalaError };

/**
 * The Chaos screen's probe: a small `GET /datasets/`, repeated every few seconds while
 * maintenance is on, so the "retrying…" and "recovered" notices have a request to follow.
 */
export function useProbe(repeat: boolean) {
  return useAvalaQuery<Page<Dataset>>('/datasets/', {
    searchParams: { limit: 1 },
    refetchInterval: repeat ? 3000 : false,
  });
}

/** The datasets list as the infinite query caches it. */
type DatasetPages = InfiniteData<Page<Dataset>>;

/**
 * Deletes a dataset, optimistically: it leaves the list at once (and the count drops), and
 * comes back if the API refuses (a 403 for the read-only key, say).
 */
export function useDeleteDataset() {
  const queryClient = useQueryClient();
  const listKey = avalaInfiniteQueryKey('/datasets/', { limit: DATASETS_PAGE_SIZE });
  return useAvalaMutation<void, Dataset, undefined, { previous: DatasetPages | undefined }>({
    method: 'DELETE',
    path: (dataset) => ['datasets', dataset.uid],
    onMutate: async (dataset) => {
      await queryClient.cancelQueries({ queryKey: listKey });
      const previous = queryClient.getQueryData<DatasetPages>(listKey);
      queryClient.setQueryData<DatasetPages>(listKey, (data) =>
        data
          ? {
              ...data,
              pages: data.pages.map((page) => ({
                ...page,
                count: page.count === undefined ? undefined : page.count - 1,
                results: page.results.filter((item) => item.uid !== dataset.uid),
              })),
            }
          : data,
      );
      return { previous };
    },
    onError: (_error, _dataset, context) => {
      if (context?.previous) queryClient.setQueryData(listKey, context.previous);
    },
    onSettled: () => queryClient.invalidateQueries({ queryKey: avalaQueryKey('/datasets/') }),
  });
}
