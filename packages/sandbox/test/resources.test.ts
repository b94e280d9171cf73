import { describe, expect, it } from 'vitest';
import { admin, call, manualClock, useSandbox } from './helpers.js';

const GATED_PROJECT = '20000000-0000-4000-8000-000000000003';
const OPEN_PROJECT = '20000000-0000-4000-8000-000000000001';
const DATASET = '10000000-0000-4000-8000-000000000001';

describe('projects', () => {
  const ctx = useSandbox();

  it("lists the organization's projects and gets one by uid", async () => {
    const page = await (await call(ctx.sandbox, '/projects/')).json();
    expect(page).toMatchObject({ next: null, previous: null, count: 4 });
    const project = await call(ctx.sandbox, `/projects/${OPEN_PROJECT}/`);
    expect(await project.json()).toMatchObject({ uid: OPEN_PROJECT, organization: 'org_acme' });
    const other = await call(ctx.sandbox, `/projects/${OPEN_PROJECT}/`, {
      key: ctx.sandbox.keys.otherOrg,
    });
    expect(other.status).toBe(403);
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

  it('queues auto-labeling where the plan includes it', async () => {
    const response = await call(ctx.sandbox, `/projects/${OPEN_PROJECT}/auto-label/`, {
      method: 'POST',
    });
    expect(response.status).toBe(202);
  });

  it('answers 404 for an unknown project, and 403 to the read-only key for the action', async () => {
    expect((await call(ctx.sandbox, '/projects/unknown/')).status).toBe(404);
    const readonly = await call(ctx.sandbox, `/projects/${GATED_PROJECT}/auto-label/`, {
      method: 'POST',
      key: ctx.sandbox.keys.readonly,
    });
    expect(await readonly.json()).toEqual({
      detail: 'You do not have permission to perform this action.',
    });
  });
});

describe('exports', () => {
  const clock = manualClock();
  const ctx = useSandbox({ now: clock.now, exportDurationMs: 1_000 });
  const start = () =>
    call(ctx.sandbox, '/exports/', { method: 'POST', json: { dataset: DATASET, format: 'coco' } });

  it('runs a job from pending through running to finished', async () => {
    const created = await start();
    expect(created.status).toBe(201);
    const job = await created.json();
    expect(job).toMatchObject({ status: 'pending', dataset: DATASET, download_url: null });
    const path = `/exports/${job.uid}/`;
    clock.advance(200);
    expect((await (await call(ctx.sandbox, path)).json()).status).toBe('running');
    clock.advance(800);
    const finished = await (await call(ctx.sandbox, path)).json();
    expect(finished.status).toBe('finished');
    expect(finished.download_url).toMatch(new RegExp(`^${ctx.sandbox.url}/__sandbox/files/`));
    expect((await fetch(finished.download_url)).status).toBe(200);
  });

  it('cancels a running job, and answers 409 to cancelling a finished or cancelled one', async () => {
    const running = await (await start()).json();
    const cancel = (uid: string) =>
      call(ctx.sandbox, `/exports/${uid}/cancel/`, { method: 'POST' });
    const cancelled = await cancel(running.uid);
    expect(cancelled.status).toBe(200);
    expect((await cancelled.json()).status).toBe('cancelled');
    const again = await cancel(running.uid);
    expect(again.status).toBe(409);
    expect(await again.json()).toMatchObject({ code: 'export_cancelled' });

    const done = await (await start()).json();
    clock.advance(1_000);
    const late = await cancel(done.uid);
    expect(late.status).toBe(409);
    expect(await late.json()).toEqual({
      detail: 'This export has already finished.',
      code: 'export_finished',
    });
  });

  it('answers 429 beyond 5 running jobs per key, until one finishes', async () => {
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

  it('validates the dataset and format', async () => {
    const missing = await call(ctx.sandbox, '/exports/', { method: 'POST', json: {} });
    expect(await missing.json()).toEqual({ detail: { dataset: ['This field is required.'] } });
    const wrong = await call(ctx.sandbox, '/exports/', {
      method: 'POST',
      json: { dataset: 'nope', format: 'pdf' },
    });
    expect(await wrong.json()).toEqual({ detail: { format: ['"pdf" is not a valid choice.'] } });
    const unknown = await call(ctx.sandbox, '/exports/', {
      method: 'POST',
      json: { dataset: 'nope' },
    });
    expect(await unknown.json()).toEqual({
      detail: { dataset: ['Invalid pk "nope" - object does not exist.'] },
    });
  });

  it("lists the organization's jobs with their current status", async () => {
    const job = await (await start()).json();
    clock.advance(1_000);
    const page = await (await call(ctx.sandbox, '/exports/')).json();
    expect(page).toMatchObject({ count: 1, next: null, previous: null });
    expect(page.results).toEqual([expect.objectContaining({ uid: job.uid, status: 'finished' })]);
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
});

describe('uploads', () => {
  const ctx = useSandbox({ maxUploadBytes: 1_000 });

  it('hands out a presigned URL that accepts the bytes, then confirms', async () => {
    const response = await call(ctx.sandbox, '/uploads/', {
      method: 'POST',
      json: { filename: 'frame.jpg', size: 4 },
    });
    expect(response.status).toBe(201);
    const { upload_url, upload_uid } = await response.json();
    expect(upload_url).toMatch(new RegExp(`^${ctx.sandbox.url}/`));
    const complete = () =>
      call(ctx.sandbox, `/uploads/${upload_uid}/complete/`, { method: 'POST' });
    expect((await complete()).status).toBe(409);
    const put = await fetch(upload_url, { method: 'PUT', body: new Uint8Array([1, 2, 3, 4]) });
    expect(put.status).toBe(200);
    const confirmed = await complete();
    expect(confirmed.status).toBe(200);
    expect(await confirmed.json()).toMatchObject({ status: 'complete', size: 4 });
  });

  it('answers 413 when the announced file is over the size limit', async () => {
    const response = await call(ctx.sandbox, '/uploads/', {
      method: 'POST',
      json: { filename: 'huge.bin', size: 1_001 },
    });
    expect(response.status).toBe(413);
    expect(await response.json()).toMatchObject({ code: 'file_too_large' });
  });

  it('answers 413 when more bytes than the limit reach the storage URL', async () => {
    const { upload_url } = await (
      await call(ctx.sandbox, '/uploads/', { method: 'POST', json: { filename: 'a', size: 10 } })
    ).json();
    const response = await fetch(upload_url, { method: 'PUT', body: new Uint8Array(2_000) });
    expect(response.status).toBe(413);
  });

  it('validates filename and size', async () => {
    const response = await call(ctx.sandbox, '/uploads/', {
      method: 'POST',
      json: { size: 'big' },
    });
    expect(await response.json()).toEqual({
      detail: { filename: ['This field is required.'], size: ['A valid integer is required.'] },
    });
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
