import { describe, expect, it } from 'vitest';
import { admin, call, manualClock, useSandbox } from './helpers.js';

const GATED_PROJECT = '20000000-0000-4000-8000-000000000003';
const OPEN_PROJECT = '20000000-0000-4000-8000-000000000001';
const DATASET = '10000000-0000-4000-8000-000000000001';

describe('projects', () => {
  const ctx = useSandbox();

  it("lists the key's projects under /users/me/projects/ and gets one by uid", async () => {
    const page = await (await call(ctx.sandbox, '/users/me/projects/')).json();
    expect(page).toMatchObject({ next: null, previous: null, count: 4 });
    for (const project of page.results) {
      expect(project).toEqual(
        expect.objectContaining({
          uid: expect.any(String),
          name: expect.any(String),
          status: expect.stringMatching(/^(active|archived)$/),
          created_at: expect.any(String),
          updated_at: expect.any(String),
        }),
      );
    }
    const project = await call(ctx.sandbox, `/users/me/projects/${OPEN_PROJECT}/`);
    expect(await project.json()).toMatchObject({ uid: OPEN_PROJECT, organization: 'org_acme' });
    // Another organization's project is not one of "my" projects.
    const other = await call(ctx.sandbox, `/users/me/projects/${OPEN_PROJECT}/`, {
      key: ctx.sandbox.keys.otherOrg,
    });
    expect(other.status).toBe(404);
  });

  it('answers 403 to a customer key on the staff listing /projects/', async () => {
    const response = await call(ctx.sandbox, '/projects/');
    expect(response.status).toBe(403);
    expect(await response.json()).toEqual({
      detail: 'You do not have permission to perform this action.',
    });
  });

  it('answers 403 plan_insufficient with a doc_url on the plan-gated action', async () => {
    const response = await call(ctx.sandbox, `/projects/${GATED_PROJECT}/auto-label/`, {
      method: 'POST',
      json: {},
    });
    expect(response.status).toBe(403);
    expect(await response.json()).toEqual({
      detail: "Auto-labeling is not included in your organization's plan.",
      code: 'plan_insufficient',
      doc_url: expect.stringMatching(/^https:\/\//),
    });
  });

  it('answers 404 for an unknown project, and 403 to the read-only key for the action', async () => {
    expect((await call(ctx.sandbox, '/users/me/projects/unknown/')).status).toBe(404);
    expect(
      (await call(ctx.sandbox, '/projects/unknown/auto-label/', { method: 'POST' })).status,
    ).toBe(404);
    const readonly = await call(ctx.sandbox, `/projects/${GATED_PROJECT}/auto-label/`, {
      method: 'POST',
      key: ctx.sandbox.keys.readonly,
    });
    expect(await readonly.json()).toEqual({
      detail: 'You do not have permission to perform this action.',
    });
  });
});

describe('auto-label jobs', () => {
  const clock = manualClock();
  const ctx = useSandbox({ now: clock.now, autoLabelDurationMs: 1_000 });
  const start = (json: unknown = {}) =>
    call(ctx.sandbox, `/projects/${OPEN_PROJECT}/auto-label/`, { method: 'POST', json });

  it('returns a job that runs from pending to completed with progress', async () => {
    const response = await start({ model_type: 'sam', confidence_threshold: 0.8 });
    expect(response.status).toBe(202);
    const job = await response.json();
    expect(job).toMatchObject({
      project: OPEN_PROJECT,
      status: 'pending',
      model_type: 'sam',
      confidence_threshold: 0.8,
      processed_items: 0,
      progress_pct: 0,
      started_at: null,
      completed_at: null,
      created_at: expect.any(String),
    });
    expect(job.total_items).toBeGreaterThan(0);
    const path = `/auto-label-jobs/${job.uid}/`;
    clock.advance(550);
    const running = await (await call(ctx.sandbox, path)).json();
    expect(running).toMatchObject({ status: 'running', progress_pct: 50 });
    expect(running.started_at).not.toBeNull();
    expect(running.processed_items).toBe(Math.floor(job.total_items / 2));
    clock.advance(450);
    const done = await (await call(ctx.sandbox, path)).json();
    expect(done).toMatchObject({
      status: 'completed',
      progress_pct: 100,
      processed_items: job.total_items,
      successful_items: job.total_items,
      failed_items: 0,
    });
    expect(done.completed_at).not.toBeNull();
  });

  it('validates the options', async () => {
    const response = await start({ confidence_threshold: 2, dry_run: 'perhaps' });
    expect(response.status).toBe(400);
    expect(await response.json()).toEqual({
      detail: {
        confidence_threshold: ['Ensure this value is less than or equal to 1.'],
        dry_run: ['Must be a valid boolean.'],
      },
    });
  });

  it('lists the jobs (narrowed by project) and cancels one with DELETE', async () => {
    const job = await (await start()).json();
    const page = await (await call(ctx.sandbox, '/auto-label-jobs/')).json();
    expect(page.results.map((j: { uid: string }) => j.uid)).toEqual([job.uid]);
    const none = await (
      await call(ctx.sandbox, `/auto-label-jobs/?project=${GATED_PROJECT}`)
    ).json();
    expect(none.count).toBe(0);
    clock.advance(300);
    const cancelled = await call(ctx.sandbox, `/auto-label-jobs/${job.uid}/`, { method: 'DELETE' });
    expect(cancelled.status).toBe(204);
    clock.advance(5_000);
    const after = await (await call(ctx.sandbox, `/auto-label-jobs/${job.uid}/`)).json();
    expect(after.status).toBe('cancelled');
    expect(after.progress_pct).toBeLessThan(100);
    const again = await call(ctx.sandbox, `/auto-label-jobs/${job.uid}/`, { method: 'DELETE' });
    expect(again.status).toBe(409);
  });

  it("answers 409 to cancelling a completed job, 404 unknown, 403 another organization's", async () => {
    const job = await (await start()).json();
    expect(
      (await call(ctx.sandbox, `/auto-label-jobs/${job.uid}/`, { key: ctx.sandbox.keys.otherOrg }))
        .status,
    ).toBe(403);
    clock.advance(1_000);
    const late = await call(ctx.sandbox, `/auto-label-jobs/${job.uid}/`, { method: 'DELETE' });
    expect(late.status).toBe(409);
    expect(await late.json()).toMatchObject({ code: 'job_completed' });
    expect((await call(ctx.sandbox, '/auto-label-jobs/nope/')).status).toBe(404);
  });
});

describe('exports', () => {
  const clock = manualClock();
  const ctx = useSandbox({ now: clock.now, exportDurationMs: 1_000 });
  const start = (json: unknown = { dataset: DATASET, format: 'coco' }) =>
    call(ctx.sandbox, '/exports/', { method: 'POST', json });

  it('runs a dataset export from pending through running to exported', async () => {
    const created = await start();
    expect(created.status).toBe(201);
    const job = await created.json();
    expect(job).toMatchObject({
      status: 'pending',
      dataset: DATASET,
      project: null,
      download_url: null,
      created_at: expect.any(String),
      updated_at: expect.any(String),
    });
    const path = `/exports/${job.uid}/`;
    clock.advance(200);
    expect((await (await call(ctx.sandbox, path)).json()).status).toBe('running');
    clock.advance(800);
    const exported = await (await call(ctx.sandbox, path)).json();
    expect(exported.status).toBe('exported');
    expect(exported.updated_at > job.updated_at).toBe(true);
    expect(exported.download_url).toMatch(new RegExp(`^${ctx.sandbox.url}/__sandbox/files/`));
    expect((await fetch(exported.download_url)).status).toBe(200);
  });

  it('exports a project', async () => {
    const job = await (await start({ project: OPEN_PROJECT })).json();
    expect(job).toMatchObject({ project: OPEN_PROJECT, dataset: null, status: 'pending' });
    clock.advance(1_000);
    expect((await (await call(ctx.sandbox, `/exports/${job.uid}/`)).json()).status).toBe(
      'exported',
    );
  });

  it('ends failed when there is nothing to export', async () => {
    const empty = await (
      await call(ctx.sandbox, '/datasets/', {
        method: 'POST',
        json: { name: 'Empty', slug: 'empty', data_type: 'image' },
      })
    ).json();
    const job = await (await start({ dataset: empty.uid })).json();
    clock.advance(1_000);
    const failed = await (await call(ctx.sandbox, `/exports/${job.uid}/`)).json();
    expect(failed).toMatchObject({
      status: 'failed',
      download_url: null,
      error_message: 'There are no items to export.',
    });
  });

  it('answers 429 beyond 5 running jobs per key, until one ends', async () => {
    for (let i = 0; i < 5; i++) {
      expect((await start()).status).toBe(201);
      clock.advance(100);
    }
    const refused = await start();
    expect(refused.status).toBe(429);
    expect(refused.headers.get('Retry-After')).toBe('1');
    expect((await refused.json()).detail).toMatch(/at most 5/);
    // Another key has its own allowance.
    const other = await call(ctx.sandbox, '/exports/', {
      method: 'POST',
      key: ctx.sandbox.keys.otherOrg,
      json: { dataset: '10000000-0000-4000-8000-000000000065' },
    });
    expect(other.status).toBe(201);
    clock.advance(500);
    expect((await start()).status).toBe(201);
  });

  it('validates the dataset or project and the format', async () => {
    const missing = await start({});
    expect(await missing.json()).toEqual({
      detail: { non_field_errors: ['Provide either a dataset or a project to export.'] },
    });
    const both = await start({ dataset: DATASET, project: OPEN_PROJECT });
    expect(both.status).toBe(400);
    const wrong = await start({ dataset: 'nope', format: 'pdf' });
    expect(await wrong.json()).toEqual({ detail: { format: ['"pdf" is not a valid choice.'] } });
    const unknown = await start({ dataset: 'nope' });
    expect(await unknown.json()).toEqual({
      detail: { dataset: ['Invalid pk "nope" - object does not exist.'] },
    });
    const project = await start({ project: '20000000-0000-4000-8000-000000000065' });
    expect(await project.json()).toEqual({
      detail: {
        project: ['Invalid pk "20000000-0000-4000-8000-000000000065" - object does not exist.'],
      },
    });
  });

  it("lists the organization's jobs with their current status", async () => {
    const job = await (await start()).json();
    clock.advance(1_000);
    const page = await (await call(ctx.sandbox, '/exports/')).json();
    expect(page).toMatchObject({ count: 1, next: null, previous: null });
    expect(page.results).toEqual([expect.objectContaining({ uid: job.uid, status: 'exported' })]);
    const other = await (
      await call(ctx.sandbox, '/exports/', { key: ctx.sandbox.keys.otherOrg })
    ).json();
    expect(other.count).toBe(0);
  });

  it("answers 404 for an unknown job and 403 for another organization's", async () => {
    expect((await call(ctx.sandbox, '/exports/nope/')).status).toBe(404);
    const job = await (await start()).json();
    const other = await call(ctx.sandbox, `/exports/${job.uid}/`, {
      key: ctx.sandbox.keys.otherOrg,
    });
    expect(other.status).toBe(403);
  });

  it('has no cancel route: Avala exports cannot be cancelled', async () => {
    const job = await (await start()).json();
    const cancel = await call(ctx.sandbox, `/exports/${job.uid}/cancel/`, { method: 'POST' });
    expect(cancel.status).toBe(404);
  });
});

describe('manual upload', () => {
  const ctx = useSandbox({ maxUploadBytes: 1_000 });

  async function uploadForm(file_path_in_dataset: string, content_length: number) {
    const response = await call(ctx.sandbox, '/datasets/manual-upload/file-upload-url/', {
      method: 'POST',
      json: { dataset_name: 'Uploaded', file_path_in_dataset, content_length },
    });
    expect(response.status).toBe(200);
    return (await response.json()) as {
      method: string;
      url: string;
      fields: Record<string, string>;
    };
  }

  function send(
    form: { url: string; fields: Record<string, string> },
    bytes: number,
    init: { fields?: Record<string, string>; headers?: Record<string, string> } = {},
  ) {
    const body = new FormData();
    for (const [name, value] of Object.entries({ ...form.fields, ...init.fields })) {
      body.append(name, value);
    }
    body.append('file', new Blob([new Uint8Array(bytes)]), 'file.bin');
    return fetch(form.url, {
      method: 'POST',
      body,
      ...(init.headers ? { headers: init.headers } : {}),
    });
  }

  it('hands out presigned POST forms, takes the files, then creates the dataset', async () => {
    const first = await uploadForm('frames/0001.jpg', 4);
    expect(first).toMatchObject({ method: 'POST', fields: { key: expect.any(String) } });
    expect(first.url).toBe(`${ctx.sandbox.url}/__sandbox/storage/`);
    expect((await send(first, 4)).status).toBe(204);
    const second = await uploadForm('frames/0002.jpg', 10);
    expect((await send(second, 10)).status).toBe(204);

    const created = await call(ctx.sandbox, '/datasets/manual-upload/', {
      method: 'POST',
      json: { name: 'Uploaded', slug: 'uploaded', data_type: 'image', visibility: 'private' },
    });
    expect(created.status).toBe(201);
    expect(await created.json()).toMatchObject({
      name: 'Uploaded',
      slug: 'uploaded',
      data_type: 'image',
      status: 'created',
      item_count: 2,
    });
    const items = await (await call(ctx.sandbox, '/datasets/acme/uploaded/items/')).json();
    expect(items.results.map((item: { key: string }) => item.key)).toEqual([
      'frames/0001.jpg',
      'frames/0002.jpg',
    ]);
  });

  it('is not mistaken for a dataset uid or an owner and slug', async () => {
    const get = await call(ctx.sandbox, '/datasets/manual-upload/');
    expect(get.status).toBe(405);
    expect(get.headers.get('Allow')).toBe('POST, OPTIONS');
    const missing = await call(ctx.sandbox, '/datasets/manual-upload/', {
      method: 'POST',
      json: {},
    });
    expect(missing.status).toBe(400);
  });

  it('answers 400 to creating a dataset before any file arrived', async () => {
    await uploadForm('never-sent.jpg', 4);
    const created = await call(ctx.sandbox, '/datasets/manual-upload/', {
      method: 'POST',
      json: { name: 'Uploaded', slug: 'uploaded', data_type: 'image' },
    });
    expect(created.status).toBe(400);
    expect(await created.json()).toEqual({
      detail: { non_field_errors: ['No uploaded files found for dataset "Uploaded".'] },
    });
  });

  it('answers 413 when the announced file is over the size limit', async () => {
    const response = await call(ctx.sandbox, '/datasets/manual-upload/file-upload-url/', {
      method: 'POST',
      json: { dataset_name: 'Big', file_path_in_dataset: 'huge.bin', content_length: 1_001 },
    });
    expect(response.status).toBe(413);
    expect(await response.json()).toMatchObject({ code: 'file_too_large' });
  });

  it('storage refuses a file larger than announced, as S3 does', async () => {
    const form = await uploadForm('a.bin', 10);
    const response = await send(form, 11);
    expect(response.status).toBe(400);
    expect(await response.text()).toContain('<Code>EntityTooLarge</Code>');
  });

  it('storage refuses a form whose presigned fields were changed', async () => {
    const form = await uploadForm('a.bin', 10);
    const signature = await send(form, 4, { fields: { 'x-amz-signature': 'f'.repeat(64) } });
    expect(signature.status).toBe(403);
    expect(await signature.text()).toContain('<Code>SignatureDoesNotMatch</Code>');
    const key = await send(form, 4, { fields: { key: 'acme/Uploaded/other.bin' } });
    expect(key.status).toBe(403);
    const policy = await send(form, 4, { fields: { policy: 'e30=' } });
    expect(policy.status).toBe(403);
  });

  it('storage takes a fault that names it (a 503, then a dropped connection), and no fault meant for the API', async () => {
    const form = await uploadForm('a.bin', 10);
    ctx.sandbox.injectFault({ type: 'status', status: 500 }); // the next API request's
    ctx.sandbox.injectFault({ type: 'status', status: 503, path: '/__sandbox/storage/' });
    ctx.sandbox.injectFault({ type: 'drop', path: '/__sandbox/storage/' });
    expect((await send(form, 4)).status).toBe(503);
    await expect(send(form, 4)).rejects.toThrow();
    expect((await send(form, 4)).status).toBe(204);
    expect((await call(ctx.sandbox, '/health/')).status).toBe(500);
  });

  it('storage refuses a request that carries the Avala key', async () => {
    const form = await uploadForm('a.bin', 10);
    const response = await send(form, 4, {
      headers: { 'X-Avala-Api-Key': ctx.sandbox.keys.admin },
    });
    expect(response.status).toBe(400);
    expect(await response.text()).toContain('must not be sent to storage');
  });

  it('validates the upload request', async () => {
    const response = await call(ctx.sandbox, '/datasets/manual-upload/file-upload-url/', {
      method: 'POST',
      json: { content_length: 'big' },
    });
    expect(await response.json()).toEqual({
      detail: {
        dataset_name: ['This field is required.'],
        file_path_in_dataset: ['This field is required.'],
        content_length: ['A valid integer is required.'],
      },
    });
  });

  it('has no invented /uploads/ resource', async () => {
    const response = await call(ctx.sandbox, '/uploads/', {
      method: 'POST',
      json: { filename: 'a', size: 1 },
    });
    expect(response.status).toBe(404);
  });
});

describe('manual upload forms expire', () => {
  const clock = manualClock();
  const ctx = useSandbox({ now: clock.now });

  it('storage refuses a form after its 15 minutes', async () => {
    const response = await call(ctx.sandbox, '/datasets/manual-upload/file-upload-url/', {
      method: 'POST',
      json: { dataset_name: 'Late', file_path_in_dataset: 'a.bin', content_length: 4 },
    });
    const { url, fields } = await response.json();
    const policy = JSON.parse(Buffer.from(fields.policy, 'base64').toString('utf8'));
    expect(policy.conditions).toContainEqual(['content-length-range', 0, 4]);
    clock.advance(15 * 60_000 + 1);
    const body = new FormData();
    for (const [name, value] of Object.entries(fields as Record<string, string>)) {
      body.append(name, value);
    }
    body.append('file', new Blob([new Uint8Array(4)]), 'a.bin');
    const late = await fetch(url, { method: 'POST', body });
    expect(late.status).toBe(403);
    expect(await late.text()).toContain('Policy expired');
  });
});

describe('inference', () => {
  const ctx = useSandbox({ rateLimit: { limit: 100, inferenceLimit: 3 } });
  const invoke = () =>
    call(ctx.sandbox, '/inference/invoke/', { method: 'POST', json: { model: 'm', inputs: [{}] } });

  it('answers with outputs and validates the body', async () => {
    const response = await invoke();
    expect(response.status).toBe(200);
    expect(await response.json()).toMatchObject({ model: 'm', outputs: [{ index: 0 }] });
    const bad = await call(ctx.sandbox, '/inference/invoke/', { method: 'POST', json: {} });
    expect(await bad.json()).toEqual({
      detail: { model: ['This field is required.'], inputs: ['This field is required.'] },
    });
  });

  it('keeps a budget of its own, with its own X-RateLimit-* headers', async () => {
    const first = await invoke();
    expect(first.headers.get('X-RateLimit-Limit')).toBe('3');
    expect(first.headers.get('X-RateLimit-Remaining')).toBe('2');
    await invoke();
    await invoke();
    const refused = await invoke();
    expect(refused.status).toBe(429);
    expect(refused.headers.get('Retry-After')).toMatch(/^\d+$/);
    expect(refused.headers.get('X-RateLimit-Remaining')).toBe('0');
    // The rest of the API has its own budget, untouched by the inference calls.
    const datasets = await call(ctx.sandbox, '/datasets/?limit=1');
    expect(datasets.status).toBe(200);
    expect(datasets.headers.get('X-RateLimit-Limit')).toBe('100');
    expect(datasets.headers.get('X-RateLimit-Remaining')).toBe('99');
    // And dataset calls do not spend the inference budget.
    const again = await invoke();
    expect(again.headers.get('X-RateLimit-Limit')).toBe('3');
    expect(again.status).toBe(429);
  });
});

describe('chaos route index', () => {
  const ctx = useSandbox();

  it('describes the keys and the routes at GET /__sandbox/', async () => {
    const response = await admin(ctx.sandbox, 'GET', '/');
    expect(response.status).toBe(200);
    expect(await response.json()).toMatchObject({ keys: ctx.sandbox.keys });
    expect((await fetch(`${ctx.sandbox.url}/__sandbox`)).status).toBe(200);
  });
});
