import ky, { isHTTPError, isNetworkError, type StandardSchemaV1 } from 'ky';
import { fromHttpError } from '../core/classify-failure.js';
import { type AvalaError, isAvalaError } from '../errors/avala-error.js';
import {
  createAbortedError,
  createInvalidResponseError,
  createNetworkError,
} from '../errors/create.js';
import { PayloadTooLargeError } from '../errors/kinds.js';
import { retryDelayMs } from '../retry/backoff.js';
import { shouldRetryError } from '../retry/decide.js';
import type { AvalaClient } from '../types/client.js';
import { isLoopbackHost, UnsafeUrlError } from '../utils/url.js';
import { canUseXhr, xhrFetch } from './xhr-fetch.js';

/** Avala's documented upload limit per file (docs/avala-api.md): 100 MiB. */
const DEFAULT_MAX_FILE_BYTES = 100 * 1024 * 1024;

/** The presigned POST form `POST /datasets/manual-upload/file-upload-url/` answers with. */
interface PresignedPost {
  method: string;
  url: string;
  fields: Record<string, string>;
}

/** Progress of one file's transfer to storage. */
export interface UploadProgress {
  /** Bytes sent so far. */
  loaded: number;
  /** The file's size in bytes. */
  total: number;
  /** `loaded / total`, from 0 to 1. */
  percent: number;
}

/** Options of {@link uploadFile}. */
export interface UploadFileOptions {
  /** The dataset the file belongs to (`dataset_name`; the `name` you create it with later). */
  datasetName: string;
  /** The file's path inside the dataset (`file_path_in_dataset`); default the file's name. */
  path?: string;
  /**
   * Called as bytes reach storage, and at 100 %. In a browser page the request goes through
   * XMLHttpRequest for this (its upload progress works over HTTP/1.1); elsewhere through ky's
   * `onUploadProgress`, or only at 100 % where the platform cannot stream a request body.
   */
  onProgress?: (progress: UploadProgress) => void;
  /** Cancels the upload: waiting for a slot, asking for the form, or sending the file. */
  signal?: AbortSignal;
  /** Files larger than this are refused before anything is sent. Default 100 MiB. */
  maxBytes?: number;
  /**
   * The fetch for the storage request (never the client's: it must not carry the key). Given,
   * it replaces the browser's XMLHttpRequest too, and progress comes from ky's `onUploadProgress`.
   */
  fetch?: typeof fetch;
}

/** A file to upload, with its path inside the dataset (default its name). */
export interface UploadDatasetFile {
  file: Blob;
  path?: string;
}

/** Options of {@link uploadDataset}. */
export interface UploadDatasetOptions<T> {
  /** The dataset to create: Avala requires `name`, `slug` and `data_type`. */
  dataset: {
    name: string;
    slug: string;
    data_type: string;
    visibility?: 'private' | 'public';
    create_metadata?: boolean;
  };
  files: readonly (Blob | UploadDatasetFile)[];
  /** Called with the index of the file in `files` and its progress. */
  onProgress?: (index: number, progress: UploadProgress) => void;
  signal?: AbortSignal;
  maxBytes?: number;
  fetch?: typeof fetch;
  /** Parses the created dataset (any Standard Schema); its output is the result type. */
  schema?: StandardSchemaV1<unknown, T>;
}

/**
 * Uploads one file through Avala's manual-upload flow (docs/avala-api.md): asks
 * `POST /datasets/manual-upload/file-upload-url/` for a presigned POST, then sends the file
 * to storage as a multipart form with its fields. The whole transfer holds one slot of the
 * governor's `uploads` pool (10 connections), taken with the form request and kept until the
 * storage answers.
 *
 * The storage request never carries the Avala key (docs/security.md): it goes through plain ky,
 * not the client. ky retries it under the client's policy as an idempotent write
 * (docs/retry-rule.md: the same form to the same key replaces the object, so 500, 502, 503,
 * 504 and network failures are safe to repeat). A file over `maxBytes` is refused with a
 * `PayloadTooLargeError` (413) before anything is sent.
 *
 * @example
 * await uploadFile(client, file, { datasetName: 'Street scenes', onProgress: (p) => bar(p.percent) });
 */
export async function uploadFile(
  client: AvalaClient,
  file: Blob,
  options: UploadFileOptions,
): Promise<void> {
  const filePath = options.path ?? nameOf(file);
  const maxBytes = options.maxBytes ?? DEFAULT_MAX_FILE_BYTES;
  if (file.size > maxBytes) throw tooLarge(file.size, maxBytes);
  options.signal?.throwIfAborted();

  const slot = await client.startJob<PresignedPost>('/datasets/manual-upload/file-upload-url/', {
    json: {
      dataset_name: options.datasetName,
      file_path_in_dataset: filePath,
      content_length: file.size,
    },
    signal: options.signal,
  });
  try {
    await sendToStorage(client, checkForm(slot.data), file, filePath, options);
  } finally {
    slot.release();
  }
}

/**
 * The presigned form as the API must give it; the file goes only to `https:` storage (or
 * `http:` on loopback, like the sandbox's), never in the clear to another host.
 */
function checkForm(data: unknown): PresignedPost {
  const form = data as Partial<PresignedPost> | null;
  const fields = form?.fields;
  const url = typeof form?.url === 'string' ? parseUrl(form.url) : undefined;
  if (!url || typeof fields !== 'object' || fields === null) {
    throw createInvalidResponseError({
      status: 200,
      body: data,
      issues: [{ message: 'not a presigned POST form ({method, url, fields})', path: ['url'] }],
      request: { method: 'POST', url: '/datasets/manual-upload/file-upload-url/' },
    });
  }
  if (url.protocol !== 'https:' && !(url.protocol === 'http:' && isLoopbackHost(url.hostname))) {
    throw new UnsafeUrlError('insecure_scheme', 'refused to upload a file to non-https storage');
  }
  return { method: 'POST', url: url.href, fields: fields as Record<string, string> };
}

/**
 * Uploads every file (each through {@link uploadFile}, at most the pool's 10 at a time), then
 * creates the dataset from them with `POST /datasets/manual-upload/` (docs/avala-api.md). One
 * call, one `signal`: aborting it cancels every transfer still going, and nothing is created.
 */
export async function uploadDataset<T = unknown>(
  client: AvalaClient,
  options: UploadDatasetOptions<T>,
): Promise<T> {
  const { dataset, signal } = options;
  const files = options.files.map((entry) => (entry instanceof Blob ? { file: entry } : entry));
  // Refuse an over-limit file before any of them is sent.
  const maxBytes = options.maxBytes ?? DEFAULT_MAX_FILE_BYTES;
  for (const { file } of files) if (file.size > maxBytes) throw tooLarge(file.size, maxBytes);
  // One failed file stops the others: the dataset will not be created anyway.
  const stopAll = new AbortController();
  const each = signal ? AbortSignal.any([signal, stopAll.signal]) : stopAll.signal;
  try {
    await Promise.all(
      files.map(({ file, path }, index) =>
        uploadFile(client, file, {
          datasetName: dataset.name,
          path,
          signal: each,
          maxBytes,
          fetch: options.fetch,
          onProgress: options.onProgress && ((progress) => options.onProgress?.(index, progress)),
        }),
      ),
    );
  } catch (error) {
    stopAll.abort();
    throw error;
  }
  const created: unknown = await client.post<unknown, StandardSchemaV1 | undefined>(
    '/datasets/manual-upload/',
    { json: dataset, signal, schema: options.schema },
  );
  return created as T; // the schema's output when one was given
}

/**
 * Sends the file to storage through plain ky (no prefix, no hooks, no key header), retried by
 * ky under the client's policy as an idempotent write. Progress comes from XMLHttpRequest in a
 * browser page (`xhrFetch`: Chromium streams a request body only over HTTP/2), else from ky's
 * `onUploadProgress` (Node streams it over HTTP/1.1 too).
 */
async function sendToStorage(
  client: AvalaClient,
  form: PresignedPost,
  file: Blob,
  filePath: string,
  options: UploadFileOptions,
): Promise<void> {
  const request = { method: 'POST', url: form.url };
  const policy = client.retryPolicy;
  const { onProgress, signal } = options;
  const body = new FormData();
  for (const [name, value] of Object.entries(form.fields)) body.append(name, value);
  body.append('file', file, filePath.split('/').pop() || 'file');

  // The multipart body is a little larger than the file: report the file's share of it.
  const onSent = (sent: number, total: number) =>
    report(options, total === 0 ? 0 : Math.min(file.size, (sent / total) * file.size), file);
  const useXhr = onProgress !== undefined && options.fetch === undefined && canUseXhr();
  // Called as a method of ky's options: a bare `window.fetch` would be an illegal invocation.
  const send: typeof fetch = useXhr
    ? xhrFetch(onSent)
    : (options.fetch ?? ((input, init) => globalThis.fetch(input, init)));
  let attempts = 0;
  let planned = 0;
  const classify = (raw: unknown): AvalaError => {
    const context = { attempts, idempotent: true };
    if (isAvalaError(raw)) return raw;
    if (signal?.aborted) return createAbortedError(signal.reason, request, context);
    if (isHTTPError(raw)) return fromHttpError(raw, request, context);
    return createNetworkError(isNetworkError(raw) ? (raw.cause ?? raw) : raw, request, context);
  };
  try {
    await ky.post(form.url, {
      body,
      signal,
      timeout: false,
      fetch: (input, init) => {
        attempts += 1;
        return send(input, init);
      },
      onUploadProgress:
        onProgress && !useXhr
          ? ({ transferredBytes, totalBytes }) => onSent(transferredBytes, totalBytes)
          : undefined,
      retry:
        policy === false
          ? 0
          : {
              limit: policy.limit,
              methods: ['post'],
              // The rule of docs/retry-rule.md decides (exact booleans: ky's own lists are
              // never consulted), and ky waits what `retryDelayMs` chose.
              shouldRetry: ({ error, retryCount }) => {
                const failure = classify(error);
                const context = { attempt: retryCount, method: 'POST', idempotent: true, policy };
                if (!shouldRetryError(failure, context)) return false;
                planned = retryDelayMs(retryCount, failure, policy);
                return true;
              },
              delay: () => planned,
            },
    });
  } catch (raw) {
    throw classify(raw);
  }
  report(options, file.size, file);
}

function parseUrl(text: string): URL | undefined {
  try {
    return new URL(text);
  } catch {
    return undefined;
  }
}

function report(options: UploadFileOptions, loaded: number, file: Blob): void {
  const total = file.size;
  options.onProgress?.({ loaded, total, percent: total === 0 ? 1 : loaded / total });
}

function tooLarge(size: number, limit: number): PayloadTooLargeError {
  return new PayloadTooLargeError({
    status: 413,
    code: 'file_too_large',
    message: `File too large: ${size} bytes, the limit is ${limit} bytes.`,
    attempts: 0,
  });
}

function nameOf(file: Blob): string {
  return typeof File !== 'undefined' && file instanceof File && file.name ? file.name : 'file';
}
