import { beforeEach, describe, expect, it } from 'vitest';
import type { AvalaError } from '../../src/index.js';
import { uploadDataset, uploadFile } from '../../src/workflows/index.js';
import { clientFor, failureOf, injectFault, resetSandbox, sandbox } from './helpers.js';

// In Chromium against the sandbox's storage, which speaks HTTP/1.1 like S3's presigned POST:
// Chromium streams a fetch request body only over HTTP/2, so progress must come from elsewhere.

beforeEach(() => resetSandbox());

/** Large enough that the socket buffers cannot take it all while the storage waits. */
const BIG = 32 * 1024 * 1024;
const bigFile = () => new File([new Uint8Array(BIG)], 'big.bin');

/** The storage waits `ms` before reading the body: the bytes already sent show as progress. */
const slowStorage = (ms: number) =>
  injectFault({ type: 'delay', delayMs: ms, method: 'POST', path: '/__sandbox/storage/' });

describe('upload progress in the browser', () => {
  it('reports intermediate progress of a 32 MiB file over HTTP/1.1, then 100 %, and creates the dataset', async () => {
    const { client } = clientFor();
    await slowStorage(1_500);
    const percents: number[] = [];

    const dataset = await uploadDataset(client, {
      dataset: { name: 'Watched upload', slug: 'watched-upload', data_type: 'image' },
      files: [bigFile()],
      onProgress: (_, progress) => percents.push(progress.percent),
    });

    expect(dataset).toMatchObject({ name: 'Watched upload', item_count: 1 });
    expect(percents.some((p) => p > 0 && p < 1)).toBe(true);
    expect(percents.at(-1)).toBe(1);
    // Never backwards.
    expect(percents).toEqual([...percents].sort((a, b) => a - b));
  }, 20_000);

  it('retries the storage request after a 503 through ky, and still reaches 100 %', async () => {
    const { client } = clientFor();
    await injectFault({ type: 'status', status: 503, method: 'POST', path: '/__sandbox/storage/' });
    const percents: number[] = [];

    await uploadFile(client, new File([new Uint8Array(64 * 1024)], 'small.bin'), {
      datasetName: 'Retried upload',
      onProgress: (progress) => percents.push(progress.percent),
    });

    expect(percents.at(-1)).toBe(1);
    const pending = await (await fetch(`${sandbox.url}/__sandbox/faults`)).json();
    // The 503 was met and used up: a second attempt was sent.
    expect(pending).toHaveLength(0);
  });

  it('cancels mid-transfer: the upload ends aborted at once, not retried', async () => {
    const { client } = clientFor();
    await slowStorage(8_000);
    const controller = new AbortController();
    const started = performance.now();

    const error = (await failureOf(
      uploadFile(client, bigFile(), {
        datasetName: 'Cancelled upload',
        signal: controller.signal,
        onProgress: (progress) => {
          if (progress.percent > 0 && progress.percent < 1) controller.abort();
        },
      }),
    )) as AvalaError;

    expect(error).toMatchObject({ kind: 'aborted', attempts: 1 });
    expect(performance.now() - started).toBeLessThan(8_000);
  }, 20_000);
});
