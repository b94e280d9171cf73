import { findEndpoint } from '@avala-fetch/sandbox';
import { describe, expect, it } from 'vitest';
import { clientFor, sandboxFor } from './harness.js';

/**
 * The requests the client sends for each Avala resource, used as the READMEs show, are
 * checked against the sandbox's table of Avala's endpoints (docs/avala-api.md): each one
 * goes to an endpoint of the table and is accepted, so no call drifts from the real API.
 */
describe('the client speaks the contract', () => {
  it('sends only requests to endpoints of the table, and every one is accepted', async () => {
    // Paths and fields are under test here, not the rate limits: roomy limits, so a burst
    // bunched by a loaded machine on its way to the sandbox cannot put a 429 in the log.
    const sandbox = await sandboxFor({
      exportDurationMs: 0,
      autoLabelDurationMs: 60_000,
      rateLimit: { limit: 10_000, burst: 10_000 },
    });
    const { client } = clientFor(sandbox);

    // Datasets: list with a filter, create, read by uid and by owner and slug, update, delete.
    const images: unknown[] = [];
    for await (const dataset of client.paginate('/datasets/', {
      limit: 20,
      searchParams: { data_type: 'image' },
    })) {
      images.push(dataset);
    }
    expect(images.length).toBeGreaterThan(0);
    const dataset = await client.post<{ uid: string; owner_name: string; slug: string }>(
      '/datasets/',
      { json: { name: 'Contract', slug: 'contract', data_type: 'image', items: [{ weight: 1 }] } },
    );
    await client.get(['datasets', dataset.uid]);
    const bySlug = ['datasets', dataset.owner_name, dataset.slug];
    await client.get(bySlug);
    const items: { uid: string }[] = [];
    for await (const item of client.paginate<{ uid: string }>([...bySlug, 'items'])) {
      items.push(item);
    }
    await client.get([...bySlug, 'items', items[0]?.uid ?? '']);
    await client.get([...bySlug, 'health']);
    const sequences = await client.get<{ results: { uid: string }[] }>(
      '/datasets/acme/street-scenes-01/sequences/',
    );
    await client.get([
      'datasets',
      'acme',
      'street-scenes-01',
      'sequences',
      sequences.results[0]?.uid ?? '',
    ]);
    await client.patch(['datasets', dataset.uid], { json: { description: 'Updated.' } });
    await client.delete(['datasets', dataset.uid]);

    // Uploads: a presigned form per file, the file to storage (never with the key), then the dataset.
    const form = await client.post<{ url: string; fields: Record<string, string> }>(
      '/datasets/manual-upload/file-upload-url/',
      { json: { dataset_name: 'Uploaded', file_path_in_dataset: 'a.jpg', content_length: 3 } },
    );
    const body = new FormData();
    for (const [name, value] of Object.entries(form.fields)) body.append(name, value);
    body.append('file', new Blob(['abc']), 'a.jpg');
    expect((await fetch(form.url, { method: 'POST', body })).status).toBe(204);
    await client.post('/datasets/manual-upload/', {
      json: { name: 'Uploaded', slug: 'uploaded', data_type: 'image' },
    });

    // Projects, auto-label jobs, exports, inference.
    const projects = await client.get<{ results: { uid: string }[] }>('/users/me/projects/');
    const project = projects.results[0]?.uid ?? '';
    await client.get(['users', 'me', 'projects', project]);
    const job = await client.post<{ uid: string }>(['projects', project, 'auto-label'], {
      json: { confidence_threshold: 0.6 },
    });
    await client.get('/auto-label-jobs/', { searchParams: { project } });
    await client.get(['auto-label-jobs', job.uid]);
    const cancelling = await client.post<{ uid: string }>(['projects', project, 'auto-label'], {
      json: {},
    });
    await client.delete(['auto-label-jobs', cancelling.uid]);
    const fromDataset = await client.post<{ uid: string }>('/exports/', {
      json: { dataset: '10000000-0000-4000-8000-000000000001' },
    });
    await client.post('/exports/', { json: { project } });
    await client.get(['exports', fromDataset.uid]);
    await client.get('/exports/');
    await client.post('/inference/invoke/', { json: { model: 'detector', inputs: [{}] } });

    const sent = sandbox.log.map((entry) => ({
      request: `${entry.method} ${entry.path}`,
      endpoint: findEndpoint(entry.method, entry.path.replace(/^\/api\/v1/, ''))?.path,
      status: entry.status,
    }));
    expect(sent.length).toBeGreaterThan(20);
    for (const { request, endpoint, status } of sent) {
      expect(endpoint, `${request} is not an endpoint of the table`).toBeDefined();
      expect(status, `${request} answered ${status}`).toBeLessThan(400);
    }
  });
});
