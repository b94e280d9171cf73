import { type AnyAvalaError, type AvalaClient, isAvalaError } from '@avala-fetch/core';
import { type UploadDatasetOptions, uploadFile } from '@avala-fetch/core/upload';
import { useCallback, useEffect, useRef, useState } from 'react';
import { useAvalaClient } from '../provider.js';

/** Where one file of an upload is. */
export type AvalaUploadFileStatus =
  | 'waiting'
  | 'uploading'
  | 'uploaded'
  | 'refused'
  | 'failed'
  | 'cancelled';

/** One file of an upload, for its own progress bar. */
export interface AvalaUploadFileState {
  name: string;
  size: number;
  /** Bytes that reached storage. */
  loaded: number;
  /** 0 to 1. */
  percent: number;
  /**
   * `refused` is a file over the size limit, refused before it was sent (`error` is the 413);
   * `failed` a transfer that failed after its retries; `cancelled` one cancelled alone.
   */
  status: AvalaUploadFileStatus;
  error: AnyAvalaError | undefined;
}

/** Where the whole upload is. */
export type AvalaUploadPhase = 'idle' | 'uploading' | 'creating' | 'success' | 'error';

/** What `start` takes: the dataset to create and its files. */
export interface AvalaUploadRequest {
  dataset: UploadDatasetOptions<unknown>['dataset'];
  files: readonly File[];
}

/** Options of {@link useAvalaUpload}. */
export interface UseAvalaUploadOptions {
  /** Files larger than this are refused before sending (413). Default 100 MiB. */
  maxBytes?: number;
  /** Called with the created dataset. */
  onSuccess?: (dataset: unknown) => void;
}

/** What {@link useAvalaUpload} returns. */
export interface UseAvalaUploadResult {
  phase: AvalaUploadPhase;
  files: readonly AvalaUploadFileState[];
  /** Every byte sent over every byte to send, 0 to 1. */
  progress: number;
  /** The created dataset. */
  data: unknown;
  /** Why the dataset was not created (a file failed, or the create call did). */
  error: AnyAvalaError | Error | undefined;
  start: (request: AvalaUploadRequest) => Promise<void>;
  /** Cancels every transfer still going; nothing is created. */
  cancel: () => void;
  /** Cancels one file; the others go on and the dataset is made of them. */
  cancelFile: (index: number) => void;
}

/**
 * Uploads files and creates a dataset from them through Avala's manual-upload flow
 * (`uploadFile` of `@avala-fetch/core/upload`, docs/avala-api.md), with one progress entry
 * per file for a progress bar each. A file over `maxBytes` is `refused` with its 413 and the
 * others go on; the dataset is created from the files that reached storage, unless one failed in
 * transfer (then `phase` is `error` and nothing is created). Unmounting cancels.
 *
 * @example
 * const upload = useAvalaUpload();
 * upload.start({ dataset: { name, slug, data_type: 'image' }, files });
 * upload.files.map((f) => <progress value={f.percent} />);
 */
export function useAvalaUpload(options: UseAvalaUploadOptions = {}): UseAvalaUploadResult {
  const client = useAvalaClient();
  const [phase, setPhase] = useState<AvalaUploadPhase>('idle');
  const [files, setFiles] = useState<AvalaUploadFileState[]>([]);
  const [data, setData] = useState<unknown>();
  const [error, setError] = useState<AnyAvalaError | Error>();
  const run = useRef<{ all: AbortController; each: AbortController[] } | undefined>(undefined);
  const latest = useRef(options);
  latest.current = options;

  // Unmounting cancels, a moment later: StrictMode's simulated unmount is followed at once by
  // a remount, which must find its upload still going.
  const pendingCancel = useRef<ReturnType<typeof setTimeout> | undefined>(undefined);
  useEffect(() => {
    clearTimeout(pendingCancel.current);
    return () => {
      pendingCancel.current = setTimeout(() => run.current?.all.abort(), 0);
    };
  }, []);

  const start = useCallback(
    (request: AvalaUploadRequest) => {
      run.current?.all.abort();
      const all = new AbortController();
      const each = request.files.map(() => new AbortController());
      run.current = { all, each };
      const update = (index: number, patch: Partial<AvalaUploadFileState>) => {
        if (run.current?.all !== all) return;
        setFiles((current) => current.map((f, i) => (i === index ? { ...f, ...patch } : f)));
      };
      setPhase('uploading');
      setData(undefined);
      setError(undefined);
      setFiles(
        request.files.map((file) => ({
          name: file.name,
          size: file.size,
          loaded: 0,
          percent: 0,
          status: 'waiting',
          error: undefined,
        })),
      );
      return runUpload(client, request, latest.current.maxBytes, all, each, update).then(
        (created) => {
          if (run.current?.all !== all) return;
          setData(created);
          setPhase('success');
          latest.current.onSuccess?.(created);
        },
        (failure: unknown) => {
          if (run.current?.all !== all) return;
          setError(isAvalaError(failure) || failure instanceof Error ? failure : undefined);
          setPhase('error');
        },
      );
    },
    [client],
  );

  const cancel = useCallback(() => run.current?.all.abort(), []);
  const cancelFile = useCallback((index: number) => run.current?.each[index]?.abort(), []);

  const total = files.reduce((sum, f) => sum + (f.status === 'refused' ? 0 : f.size), 0);
  const sent = files.reduce((sum, f) => sum + (f.status === 'refused' ? 0 : f.loaded), 0);
  return {
    phase,
    files,
    progress: total === 0 ? 0 : sent / total,
    data,
    error,
    start,
    cancel,
    cancelFile,
  };
}

async function runUpload(
  client: AvalaClient,
  request: AvalaUploadRequest,
  maxBytes: number | undefined,
  all: AbortController,
  each: AbortController[],
  update: (index: number, patch: Partial<AvalaUploadFileState>) => void,
): Promise<unknown> {
  const results = await Promise.all(
    request.files.map(async (file, index) => {
      const signal = AbortSignal.any([all.signal, each[index]?.signal ?? all.signal]);
      try {
        await uploadFile(client, file, {
          datasetName: request.dataset.name,
          path: file.name,
          signal,
          maxBytes,
          onProgress: ({ loaded, percent }) =>
            update(index, { loaded, percent, status: 'uploading' }),
        });
        update(index, { status: 'uploaded', loaded: file.size, percent: 1 });
        return 'uploaded' as const;
      } catch (error) {
        const avalaError = isAvalaError(error) ? error : undefined;
        const status: AvalaUploadFileStatus =
          avalaError?.kind === 'payload_too_large' && avalaError.attempts === 0
            ? 'refused'
            : avalaError?.kind === 'aborted' || signal.aborted
              ? 'cancelled'
              : 'failed';
        update(index, { status, error: avalaError });
        if (status === 'failed') throw error;
        return status;
      }
    }),
  );
  if (all.signal.aborted) throw all.signal.reason;
  if (!results.includes('uploaded')) throw new Error('No file was uploaded.');
  return client.post('/datasets/manual-upload/', { json: request.dataset, signal: all.signal });
}
