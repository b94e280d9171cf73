import { describe, expect, it } from 'vitest';
import { API_PREFIX, createApp } from '../src/app.js';
import { AVALA_ENDPOINTS, type AvalaEndpoint, findEndpoint, honoPath } from '../src/contract.js';
import { resolveOptions } from '../src/options.js';
import { createState } from '../src/state.js';
import type { Sandbox } from '../src/types.js';
import { call, fieldErrorBody, useSandbox, validDataset } from './helpers.js';

const OPEN_PROJECT = '20000000-0000-4000-8000-000000000001';
const SEQUENCE_DATASET = '/datasets/acme/street-scenes-01';

const keyOf = (endpoint: Pick<AvalaEndpoint, 'method' | 'path'>) =>
  `${endpoint.method} ${endpoint.path}`;

/** The API routes the sandbox serves, as `METHOD /path/{param}/` (its 405 catch-alls left out). */
function servedRoutes(): string[] {
  const app = createApp(createState(resolveOptions()));
  const routes = app.routes
    .filter((route) => route.method !== 'ALL' && route.path.startsWith(`${API_PREFIX}/`))
    .map((route) => {
      const path = route.path.slice(API_PREFIX.length).replace(/:(\w+)/g, '{$1}');
      return `${route.method} ${path}`;
    });
  return [...new Set(routes)].sort();
}

/** A request that succeeds on each endpoint of the table, made against a fresh sandbox. */
type Fixture = (
  sandbox: Sandbox,
) =>
  | Promise<{ path: string; json?: unknown; status?: number }>
  | { path: string; json?: unknown; status?: number };

async function created(sandbox: Sandbox, path: string, json: unknown): Promise<{ uid: string }> {
  const response = await call(sandbox, path, { method: 'POST', json });
  expect(response.ok, `${path} ${response.status}`).toBe(true);
  return response.json();
}

async function firstOf(sandbox: Sandbox, path: string): Promise<{ uid: string }> {
  const page = await (await call(sandbox, path)).json();
  return page.results[0];
}

const fixtures: Record<string, Fixture> = {
  'GET /health/': () => ({ path: '/health/' }),
  'GET /datasets/': () => ({ path: '/datasets/?limit=5' }),
  'POST /datasets/': () => ({ path: '/datasets/', json: validDataset('Contract'), status: 201 }),
  'GET /datasets/{uid}/': async (sandbox) => ({
    path: `/datasets/${(await firstOf(sandbox, '/datasets/')).uid}/`,
  }),
  'PATCH /datasets/{uid}/': async (sandbox) => ({
    path: `/datasets/${(await firstOf(sandbox, '/datasets/')).uid}/`,
    json: { description: 'Patched.' },
  }),
  'DELETE /datasets/{uid}/': async (sandbox) => ({
    path: `/datasets/${(await firstOf(sandbox, '/datasets/')).uid}/`,
    status: 204,
  }),
  'GET /datasets/{owner}/{slug}/': () => ({ path: `${SEQUENCE_DATASET}/` }),
  'GET /datasets/{owner}/{slug}/items/': () => ({ path: `${SEQUENCE_DATASET}/items/` }),
  'GET /datasets/{owner}/{slug}/items/{uid}/': async (sandbox) => ({
    path: `${SEQUENCE_DATASET}/items/${(await firstOf(sandbox, `${SEQUENCE_DATASET}/items/`)).uid}/`,
  }),
  'GET /datasets/{owner}/{slug}/sequences/': () => ({ path: `${SEQUENCE_DATASET}/sequences/` }),
  'GET /datasets/{owner}/{slug}/sequences/{uid}/': async (sandbox) => ({
    path: `${SEQUENCE_DATASET}/sequences/${(await firstOf(sandbox, `${SEQUENCE_DATASET}/sequences/`)).uid}/`,
  }),
  'GET /datasets/{owner}/{slug}/health/': () => ({ path: `${SEQUENCE_DATASET}/health/` }),
  'POST /datasets/manual-upload/file-upload-url/': () => ({
    path: '/datasets/manual-upload/file-upload-url/',
    json: { dataset_name: 'Uploaded', file_path_in_dataset: 'a.jpg', content_length: 3 },
  }),
  'POST /datasets/manual-upload/': async (sandbox) => {
    const form = await created(sandbox, '/datasets/manual-upload/file-upload-url/', {
      dataset_name: 'Uploaded',
      file_path_in_dataset: 'a.jpg',
      content_length: 3,
    });
    const { url, fields } = form as unknown as { url: string; fields: Record<string, string> };
    const body = new FormData();
    for (const [name, value] of Object.entries(fields)) body.append(name, value);
    body.append('file', new Blob(['abc']), 'a.jpg');
    expect((await fetch(url, { method: 'POST', body })).status).toBe(204);
    return {
      path: '/datasets/manual-upload/',
      json: { name: 'Uploaded', slug: 'uploaded', data_type: 'image' },
      status: 201,
    };
  },
  'GET /users/me/projects/': () => ({ path: '/users/me/projects/' }),
  'GET /users/me/projects/{uid}/': () => ({ path: `/users/me/projects/${OPEN_PROJECT}/` }),
  'GET /projects/': () => ({ path: '/projects/', status: 403 }),
  'POST /projects/{uid}/auto-label/': () => ({
    path: `/projects/${OPEN_PROJECT}/auto-label/`,
    json: {},
    status: 202,
  }),
  'GET /auto-label-jobs/': async (sandbox) => {
    await created(sandbox, `/projects/${OPEN_PROJECT}/auto-label/`, {});
    return { path: '/auto-label-jobs/' };
  },
  'GET /auto-label-jobs/{uid}/': async (sandbox) => ({
    path: `/auto-label-jobs/${(await created(sandbox, `/projects/${OPEN_PROJECT}/auto-label/`, {})).uid}/`,
  }),
  'DELETE /auto-label-jobs/{uid}/': async (sandbox) => ({
    path: `/auto-label-jobs/${(await created(sandbox, `/projects/${OPEN_PROJECT}/auto-label/`, {})).uid}/`,
    status: 204,
  }),
  'POST /exports/': () => ({ path: '/exports/', json: { project: OPEN_PROJECT }, status: 201 }),
  'GET /exports/': async (sandbox) => {
    await created(sandbox, '/exports/', { project: OPEN_PROJECT });
    return { path: '/exports/' };
  },
  'GET /exports/{uid}/': async (sandbox) => ({
    path: `/exports/${(await created(sandbox, '/exports/', { project: OPEN_PROJECT })).uid}/`,
  }),
  'POST /inference/invoke/': () => ({
    path: '/inference/invoke/',
    json: { model: 'detector', inputs: [{}] },
  }),
};

describe('the contract table and the sandbox', () => {
  const ctx = useSandbox();

  it('the sandbox serves exactly the endpoints of the table', () => {
    expect(servedRoutes()).toEqual(AVALA_ENDPOINTS.map(keyOf).sort());
  });

  it('has a working request for every endpoint of the table', () => {
    expect(Object.keys(fixtures).sort()).toEqual(AVALA_ENDPOINTS.map(keyOf).sort());
  });

  it.each(AVALA_ENDPOINTS.map((endpoint) => [keyOf(endpoint), endpoint] as const))(
    '%s answers with the fields of the table',
    async (_name, endpoint) => {
      const fixture = fixtures[keyOf(endpoint)];
      if (!fixture) throw new Error(`No fixture for ${keyOf(endpoint)}`);
      const { path, json, status = 200 } = await fixture(ctx.sandbox);
      expect(findEndpoint(endpoint.method, path.split('?')[0] ?? path)).toBe(endpoint);
      const response = await call(ctx.sandbox, path, { method: endpoint.method, json });
      expect(response.status).toBe(status);
      if (status === 204) return;
      const body = await response.json();
      const records = endpoint.list ? body.results : [body];
      if (endpoint.list) {
        expect(body).toHaveProperty('next');
        expect(body).toHaveProperty('previous', null);
        expect(records.length).toBeGreaterThan(0);
      }
      for (const record of records) {
        for (const field of endpoint.response ?? []) expect(record).toHaveProperty(field);
      }
    },
  );
});

describe.each(['wrapped', 'root'] as const)('required body fields (field errors %s)', (shape) => {
  const ctx = useSandbox({ fieldErrors: shape });
  const withRequired = AVALA_ENDPOINTS.filter((endpoint) => endpoint.required);

  it.each(withRequired.map((endpoint) => [keyOf(endpoint), endpoint] as const))(
    '%s reports each required field of the table, and only those',
    async (_name, endpoint) => {
      const path = endpoint.path.replace(/\{\w+\}/g, 'x');
      const response = await call(ctx.sandbox, path, { method: endpoint.method, json: {} });
      expect(response.status).toBe(400);
      const required = Object.fromEntries(
        (endpoint.required ?? []).map((field) => [field, ['This field is required.']]),
      );
      expect(await response.json()).toEqual(fieldErrorBody(shape, required));
    },
  );
});

describe('findEndpoint', () => {
  it('matches path parameters, and literal paths before patterns', () => {
    expect(findEndpoint('get', '/datasets/abc/')?.path).toBe('/datasets/{uid}/');
    expect(findEndpoint('HEAD', '/datasets/acme/street/items/')?.path).toBe(
      '/datasets/{owner}/{slug}/items/',
    );
    expect(findEndpoint('POST', '/datasets/manual-upload/')?.path).toBe('/datasets/manual-upload/');
    // The literal path is not a dataset uid, whatever the method.
    expect(findEndpoint('GET', '/datasets/manual-upload/')).toBeUndefined();
    expect(findEndpoint('GET', '/uploads/')).toBeUndefined();
    expect(findEndpoint('POST', '/exports/abc/cancel/')).toBeUndefined();
    expect(findEndpoint('GET', '/datasets/a/b/c/d/')).toBeUndefined();
  });

  it('turns a path pattern into the Hono path the routes use', () => {
    expect(honoPath({ path: '/datasets/{owner}/{slug}/items/{uid}/' })).toBe(
      '/datasets/:owner/:slug/items/:uid/',
    );
  });
});
