import { Blob as NodeBlob, File as NodeFile } from 'node:buffer';
import { act, renderHook, waitFor } from '@testing-library/react';
import { beforeAll, describe, expect, it, vi } from 'vitest';
import { useAvalaExport, useAvalaUpload } from '../src/workflows/index.js';
import { providerWrapper, requestsTo, sandboxSuite } from './helpers.js';

// jsdom's FormData, File and Blob are not Node's: Node's fetch would send them as text, and
// the sandbox (in this process) would not see a file. Use Node's, as a browser has one of each.
const file = (bytes: number, name: string) =>
  new NodeFile([new Uint8Array(bytes)], name) as unknown as File;
beforeAll(async () => {
  const form = await new Response(new URLSearchParams('a=1')).formData();
  vi.stubGlobal('FormData', form.constructor);
  vi.stubGlobal('Blob', NodeBlob);
  vi.stubGlobal('File', NodeFile);
});
const dataset = { name: 'Hook upload', slug: 'hook-upload', data_type: 'image' };
const DATASET_UID = '10000000-0000-4000-8000-000000000001';

describe('useAvalaUpload', () => {
  const suite = sandboxSuite({ rateLimit: false, maxUploadBytes: 4096 });

  it('shows each file reaching 100 % and the created dataset', async () => {
    const wrapper = providerWrapper({ client: suite.client, queryClient: suite.queryClient });
    const { result } = renderHook(() => useAvalaUpload(), { wrapper });
    await act(() =>
      result.current.start({ dataset, files: [file(100, 'a.jpg'), file(300, 'b.jpg')] }),
    );
    expect(result.current.phase).toBe('success');
    expect(result.current.files.map((f) => [f.name, f.status, f.percent])).toEqual([
      ['a.jpg', 'uploaded', 1],
      ['b.jpg', 'uploaded', 1],
    ]);
    expect(result.current.progress).toBe(1);
    expect(result.current.data).toMatchObject({ name: 'Hook upload', item_count: 2 });
  });

  it('refuses an over-limit file with its 413 before sending it; the others make the dataset', async () => {
    const wrapper = providerWrapper({ client: suite.client, queryClient: suite.queryClient });
    const { result } = renderHook(() => useAvalaUpload({ maxBytes: 4096 }), { wrapper });
    await act(() =>
      result.current.start({ dataset, files: [file(100, 'ok.jpg'), file(5000, 'huge.jpg')] }),
    );
    const [ok, huge] = result.current.files;
    expect(ok?.status).toBe('uploaded');
    expect(huge).toMatchObject({
      status: 'refused',
      error: { kind: 'payload_too_large', status: 413 },
    });
    expect(requestsTo(suite.sandbox, '/datasets/manual-upload/file-upload-url/')).toHaveLength(1);
    expect(result.current.data).toMatchObject({ item_count: 1 });
  });

  it('cancels: nothing is created', async () => {
    const wrapper = providerWrapper({ client: suite.client, queryClient: suite.queryClient });
    const { result } = renderHook(() => useAvalaUpload(), { wrapper });
    suite.sandbox.injectFault({ type: 'delay', delayMs: 2_000, path: '/datasets/manual-upload/' });
    let done: Promise<void> = Promise.resolve();
    act(() => {
      done = result.current.start({ dataset, files: [file(100, 'a.jpg')] });
    });
    act(() => result.current.cancel());
    await act(() => done);
    expect(result.current.phase).toBe('error');
    expect(result.current.files[0]?.status).toBe('cancelled');
    expect(
      suite.sandbox.log.filter((e) => e.path === '/api/v1/datasets/manual-upload/'),
    ).toHaveLength(0);
  });
});

describe('useAvalaExport', () => {
  const suite = sandboxSuite({ rateLimit: false, exportDurationMs: 600 });

  it('starts a job, polls it to exported with a download link, and frees the slot', async () => {
    const wrapper = providerWrapper({ client: suite.client, queryClient: suite.queryClient });
    const { result } = renderHook(() => useAvalaExport({ pollMs: 100 }), { wrapper });
    act(() => result.current.start({ dataset: DATASET_UID }));
    await waitFor(() => expect(result.current.phase).toBe('exported'));
    expect(result.current.job?.download_url).toEqual(expect.any(String));
    expect(result.current.running).toBe(0);
    expect(requestsTo(suite.sandbox, '/exports/').length).toBeGreaterThan(1);
  });

  /** Six exports started at once, once the sixth waits in line behind five running. */
  async function startSixExports() {
    const wrapper = providerWrapper({ client: suite.client, queryClient: suite.queryClient });
    const { result } = renderHook(
      () => Array.from({ length: 6 }, () => useAvalaExport({ pollMs: 100 })),
      { wrapper },
    );
    act(() => {
      for (const exp of result.current) exp.start({ dataset: DATASET_UID });
    });
    await waitFor(() => {
      expect(result.current[5]?.phase).toBe('queued');
      expect(result.current[5]?.running).toBe(5);
    });
    return result;
  }

  it('queues the sixth of six at once ("5 exports running") instead of earning a 429', async () => {
    const result = await startSixExports();
    await waitFor(() => expect(result.current.every((e) => e.phase === 'exported')).toBe(true), {
      timeout: 8_000,
    });
    expect(suite.sandbox.log.some((entry) => entry.status === 429)).toBe(false);
  });

  it('cancel takes a start out of line; the others go on', async () => {
    const result = await startSixExports();
    act(() => result.current[5]?.cancel());
    expect(result.current[5]?.phase).toBe('idle');
    await waitFor(() =>
      expect(result.current.slice(0, 5).every((e) => e.phase === 'exported')).toBe(true),
    );
    const posts = suite.sandbox.log.filter(
      (e) => e.method === 'POST' && e.path === '/api/v1/exports/',
    );
    expect(posts.map((e) => e.status)).toEqual([201, 201, 201, 201, 201]);
  });
});
