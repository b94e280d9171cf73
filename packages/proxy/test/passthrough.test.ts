import { isAvalaError } from '@avala-fetch/core';
import { type Sandbox, startSandbox } from '@avala-fetch/sandbox';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type RunningProxy, startProxy } from '../src/index.js';
import { proxyClient } from './helpers/clients.js';

let sandbox: Sandbox;
let proxy: RunningProxy;

beforeAll(async () => {
  sandbox = await startSandbox({ rateLimit: false });
  proxy = await startProxy({
    apiKey: sandbox.keys.admin,
    upstream: sandbox.url,
    port: 0,
    authorize: (request) => request.headers.get('authorization') === 'Bearer app' && 'app',
  });
});
afterAll(async () => {
  await proxy.close();
  await sandbox.close();
});

describe('bodies pass through intact', () => {
  it('creates and patches a dataset through the proxy with the bodies the client sent', async () => {
    const client = proxyClient(proxy.url, 'app');
    const created = (await client.post('/datasets/', {
      json: { name: 'Street scenes ü', slug: 'street-scenes', data_type: 'image' },
    })) as { uid: string; name: string };
    expect(created.name).toBe('Street scenes ü');

    const patched = (await client.patch(`/datasets/${created.uid}/`, {
      json: { description: 'Line one\nline "two"' },
    })) as { description: string };
    expect(patched.description).toBe('Line one\nline "two"');
    expect(sandbox.log.slice(-2).map((entry) => [entry.method, entry.key])).toEqual([
      ['POST', sandbox.keys.admin],
      ['PATCH', sandbox.keys.admin],
    ]);
    client.dispose();
  });

  it('delivers DRF error bodies so field errors reach the client', async () => {
    const client = proxyClient(proxy.url, 'app');
    const error = await client
      .post('/datasets/', { json: { name: '', data_type: 'image', items: [{}, { weight: 3 }] } })
      .catch((caught: unknown) => caught);
    expect(isAvalaError(error) && error.kind).toBe('bad_request');
    if (!isAvalaError(error)) throw error;
    expect(error.fieldErrors.name).toEqual([expect.any(String)]);
    expect(error.fieldErrors.slug).toEqual(['This field is required.']);
    expect(error.fieldErrors['items.1.weight']).toEqual([expect.any(String)]);

    const missing = await client
      .get('/datasets/00000000-0000-4000-8000-000000000000/')
      .catch((e) => e);
    expect(isAvalaError(missing) && [missing.status, missing.detail]).toEqual([404, 'Not found.']);
    client.dispose();
  });

  it('points cursor links at the proxy, so the client can follow every page', async () => {
    const client = proxyClient(proxy.url, 'app');
    const page = (await client.get('/datasets/', { searchParams: { limit: 10 } })) as {
      next: string | null;
    };
    expect(page.next?.startsWith(`${proxy.url}/api/v1/datasets/`)).toBe(true);
    let count = 0;
    for await (const _ of client.paginate('/datasets/', { limit: 10 })) count++;
    expect(count).toBeGreaterThanOrEqual(42);
    client.dispose();
  });

  it('answers 502 in Avala shape when the upstream drops the connection', async () => {
    sandbox.injectFault({ type: 'drop', path: '/datasets/' });
    const response = await fetch(`${proxy.url}/api/v1/datasets/`, {
      headers: { Authorization: 'Bearer app' },
    });
    expect(response.status).toBe(502);
    expect(await response.json()).toEqual({ detail: 'The Avala API could not be reached.' });
  });
});
