import { describe, expect, it } from 'vitest';
import { uploadDataset, uploadFile } from '../../src/workflows/index.js';
import { clientFor, failureOf, sandboxFor } from './harness.js';

const file = (bytes: number, name = 'a.jpg') => new File([new Uint8Array(bytes)], name);

describe('uploads through the manual-upload flow', () => {
  it('uploads files to storage and creates a dataset with one item per file', async () => {
    const sandbox = await sandboxFor();
    const { client } = clientFor(sandbox);
    const progress: [number, number][] = [];
    const dataset = (await uploadDataset(client, {
      dataset: { name: 'Uploaded', slug: 'uploaded', data_type: 'image' },
      files: [file(1000, 'one.jpg'), { file: file(2000), path: 'frames/two.jpg' }],
      onProgress: (index, p) => progress.push([index, p.percent]),
    })) as { name: string; item_count: number };
    expect(dataset).toMatchObject({ name: 'Uploaded', item_count: 2 });
    // Each file ends at 100 %.
    expect(progress).toContainEqual([0, 1]);
    expect(progress).toContainEqual([1, 1]);
    const paths = sandbox.log.map((entry) => `${entry.method} ${entry.path}`);
    expect(paths.filter((p) => p.endsWith('/file-upload-url/'))).toHaveLength(2);
    expect(paths.at(-1)).toBe('POST /api/v1/datasets/manual-upload/');
  });

  it('never sends the Avala key to storage', async () => {
    const sandbox = await sandboxFor();
    const seen: (string | null)[] = [];
    const { client } = clientFor(sandbox);
    await uploadFile(client, file(10), {
      datasetName: 'Keyless',
      fetch: (input, init) => {
        const request = new Request(input, init);
        seen.push(request.headers.get('X-Avala-Api-Key'));
        return fetch(request);
      },
    });
    expect(seen).toEqual([null]);
  });

  it('refuses a file over the limit with a 413 before anything is sent', async () => {
    const sandbox = await sandboxFor();
    const { client } = clientFor(sandbox);
    const error = await failureOf(
      uploadDataset(client, {
        dataset: { name: 'Big', slug: 'big', data_type: 'image' },
        files: [file(10), file(2048, 'big.jpg')],
        maxBytes: 1024,
      }),
    );
    expect(error).toMatchObject({ kind: 'payload_too_large', status: 413, attempts: 0 });
    expect(sandbox.log).toHaveLength(0);
  });

  it('retries the storage request after a dropped connection, then succeeds', async () => {
    const sandbox = await sandboxFor();
    const { client } = clientFor(sandbox);
    let calls = 0;
    await uploadFile(client, file(10), {
      datasetName: 'Flaky',
      fetch: (input, init) => {
        calls += 1;
        return calls === 1 ? Promise.reject(new TypeError('socket hang up')) : fetch(input, init);
      },
    });
    expect(calls).toBe(2);
  });

  it('retries the storage request after the storage drops the connection or answers 503', async () => {
    const sandbox = await sandboxFor();
    const { client } = clientFor(sandbox);
    sandbox.injectFault({ type: 'drop', path: '/__sandbox/storage/' });
    sandbox.injectFault({ type: 'status', status: 503, path: '/__sandbox/storage/' });
    let sent = 0;
    const dataset = await uploadDataset(client, {
      dataset: { name: 'Stormy', slug: 'stormy', data_type: 'image' },
      files: [file(10)],
      fetch: (input, init) => {
        sent += 1;
        return fetch(input, init);
      },
    });
    expect(dataset).toMatchObject({ item_count: 1 });
    expect(sent).toBe(3); // dropped, 503, stored
    const pending = await (await fetch(`${sandbox.url}/__sandbox/faults`)).json();
    expect(pending).toEqual(expect.objectContaining({ length: 0 }));
  });

  it('does not retry a storage refusal (403), and frees the upload slot', async () => {
    const sandbox = await sandboxFor();
    const { client } = clientFor(sandbox);
    let calls = 0;
    const error = await failureOf(
      uploadFile(client, file(10), {
        datasetName: 'Refused',
        fetch: () => {
          calls += 1;
          return Promise.resolve(new Response('<Error/>', { status: 403 }));
        },
      }),
    );
    expect(error).toMatchObject({ kind: 'forbidden', attempts: 1 });
    expect(calls).toBe(1);
    expect(client.rateLimit.inFlight).toBe(0);
  });

  it('holds the eleventh upload until one of ten running ends', async () => {
    const sandbox = await sandboxFor();
    const { client } = clientFor(sandbox);
    const gates: (() => void)[] = [];
    const slow: typeof fetch = (input, init) =>
      new Promise<void>((resolve) => gates.push(resolve)).then(() => fetch(input, init));
    const uploads = Array.from({ length: 11 }, (_, i) =>
      uploadFile(client, file(10, `f${i}.jpg`), { datasetName: 'Pool', fetch: slow }),
    );
    await expect.poll(() => gates.length).toBe(10);
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(gates).toHaveLength(10); // the eleventh has not even asked for its form
    gates.shift()?.();
    await expect.poll(() => gates.length).toBe(10);
    for (const open of gates.splice(0)) open();
    await Promise.all(uploads);
    expect(client.rateLimit.inFlight).toBe(0);
  });

  it('stops the other files when one fails, and creates nothing', async () => {
    const sandbox = await sandboxFor();
    const { client } = clientFor(sandbox);
    let calls = 0;
    let aborted = 0;
    const error = await failureOf(
      uploadDataset(client, {
        dataset: { name: 'Half', slug: 'half', data_type: 'image' },
        files: [file(10, 'bad.jpg'), file(10, 'slow.jpg')],
        // The first file's storage refuses it (403); the second hangs until it is stopped.
        fetch: (input, init) => {
          calls += 1;
          if (calls === 1) return Promise.resolve(new Response('<Error/>', { status: 403 }));
          const signal = input instanceof Request ? input.signal : init?.signal;
          return new Promise((_, reject) =>
            signal?.addEventListener('abort', () => {
              aborted += 1;
              reject(signal.reason);
            }),
          );
        },
      }),
    );
    expect(error).toMatchObject({ kind: 'forbidden' });
    // The second file was stopped wherever it was: asking for its form, or in storage.
    await expect.poll(() => client.rateLimit.inFlight).toBe(0);
    expect(aborted).toBe(calls - 1);
    expect(sandbox.log.some((e) => e.path === '/api/v1/datasets/manual-upload/')).toBe(false);
  });

  it('refuses to send a file to storage over plain http on another host', async () => {
    const sandbox = await sandboxFor();
    const { client } = clientFor(sandbox, {
      fetch: async (input, init) => {
        const response = await fetch(input, init);
        const url = input instanceof Request ? input.url : String(input);
        if (!url.endsWith('/file-upload-url/')) return response;
        const form = await response.json();
        return Response.json({ ...form, url: 'http://storage.example.com/upload' });
      },
    });
    const sent: string[] = [];
    const error = await failureOf(
      uploadFile(client, file(10), {
        datasetName: 'Clear text',
        fetch: (input) => {
          sent.push(String(input));
          return Promise.resolve(new Response(null, { status: 204 }));
        },
      }),
    );
    expect(error).toMatchObject({ name: 'UnsafeUrlError', reason: 'insecure_scheme' });
    expect(sent).toEqual([]);
    expect(client.rateLimit.inFlight).toBe(0);
  });

  it('cancels with the signal: the upload ends aborted, never retried', async () => {
    const sandbox = await sandboxFor();
    const { client } = clientFor(sandbox);
    const controller = new AbortController();
    const error = await failureOf(
      uploadFile(client, file(10), {
        datasetName: 'Cancelled',
        signal: controller.signal,
        fetch: () =>
          new Promise((_, reject) => {
            controller.signal.addEventListener('abort', () => reject(controller.signal.reason));
            controller.abort();
          }),
      }),
    );
    expect(error).toMatchObject({ kind: 'aborted' });
  });
});
