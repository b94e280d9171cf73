import { describe, expect, it } from 'vitest';
import { call, useSandbox, validDataset } from './helpers.js';

const ctx = useSandbox();

describe('key authentication', () => {
  it('answers 401 "not provided" without a key', async () => {
    const response = await call(ctx.sandbox, '/datasets/', { key: null });
    expect(response.status).toBe(401);
    expect(await response.json()).toEqual({
      detail: 'Authentication credentials were not provided.',
    });
    expect(response.headers.get('WWW-Authenticate')).toBe('Api-Key');
  });

  it('answers 401 "Invalid API key." for a key it never issued', async () => {
    const response = await call(ctx.sandbox, '/datasets/', { key: 'avk_made_up' });
    expect(response.status).toBe(401);
    expect(await response.json()).toEqual({ detail: 'Invalid API key.' });
  });

  it('answers 401 with its own detail for the revoked key', async () => {
    const response = await call(ctx.sandbox, '/datasets/', { key: ctx.sandbox.keys.revoked });
    expect(response.status).toBe(401);
    expect(await response.json()).toEqual({ detail: 'API key has been revoked.' });
  });

  it('serves the health check without a key, but not with an invalid one', async () => {
    const anonymous = await call(ctx.sandbox, '/health/', { key: null });
    expect(anonymous.status).toBe(200);
    expect(await anonymous.json()).toEqual({ status: 'ok' });
    const invalid = await call(ctx.sandbox, '/health/', { key: 'avk_nope' });
    expect(invalid.status).toBe(401);
  });

  it('exposes the seeded keys on the sandbox object', () => {
    expect(ctx.sandbox.keys).toEqual({
      admin: 'avk_sandbox_admin',
      readonly: 'avk_sandbox_readonly',
      otherOrg: 'avk_sandbox_other_org',
      revoked: 'avk_sandbox_revoked',
    });
  });
});

describe('permissions', () => {
  it('lets the read-only key read', async () => {
    const response = await call(ctx.sandbox, '/datasets/', { key: ctx.sandbox.keys.readonly });
    expect(response.status).toBe(200);
  });

  it('answers 403 to a write with the read-only key', async () => {
    const response = await call(ctx.sandbox, '/datasets/', {
      method: 'POST',
      key: ctx.sandbox.keys.readonly,
      json: validDataset(),
    });
    expect(response.status).toBe(403);
    expect(await response.json()).toEqual({
      detail: 'You do not have permission to perform this action.',
    });
  });

  it('checks permission before validating the body, as DRF does', async () => {
    const invalid = await call(ctx.sandbox, '/datasets/', {
      method: 'POST',
      key: ctx.sandbox.keys.readonly,
      json: { visibility: 'nope' },
    });
    expect(invalid.status).toBe(403);
    const malformed = await call(ctx.sandbox, '/datasets/', {
      method: 'POST',
      key: ctx.sandbox.keys.readonly,
      body: '{not json',
      headers: { 'Content-Type': 'application/json' },
    });
    expect(malformed.status).toBe(403);
  });

  it("answers 403 when another organization's key fetches a dataset by uid", async () => {
    const list = await (await call(ctx.sandbox, '/datasets/?limit=1')).json();
    const uid = list.results[0].uid;
    const other = { key: ctx.sandbox.keys.otherOrg };
    for (const init of [{}, { method: 'PATCH', json: { name: 'x' } }, { method: 'DELETE' }]) {
      const response = await call(ctx.sandbox, `/datasets/${uid}/`, { ...other, ...init });
      expect(response.status).toBe(403);
    }
    expect((await call(ctx.sandbox, `/datasets/${uid}/`)).status).toBe(200);
  });

  it("lists only the key's own organization's datasets", async () => {
    const mine = await (await call(ctx.sandbox, '/datasets/?limit=1000')).json();
    const theirs = await (
      await call(ctx.sandbox, '/datasets/?limit=1000', { key: ctx.sandbox.keys.otherOrg })
    ).json();
    expect(mine.count).toBeGreaterThan(30);
    expect(theirs.count).toBe(3);
    const mineUids = new Set(mine.results.map((d: { uid: string }) => d.uid));
    for (const dataset of theirs.results) expect(mineUids.has(dataset.uid)).toBe(false);
    expect(new Set(theirs.results.map((d: { organization: string }) => d.organization))).toEqual(
      new Set(['org_globex']),
    );
  });
});
