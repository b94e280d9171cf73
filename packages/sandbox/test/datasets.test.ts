import { describe, expect, it } from 'vitest';
import { call, useSandbox, validDataset } from './helpers.js';

const ctx = useSandbox();

interface Page {
  next: string | null;
  previous: string | null;
  count: number;
  results: { uid: string; name: string }[];
}

async function createDataset(body: unknown): Promise<Response> {
  return call(ctx.sandbox, '/datasets/', { method: 'POST', json: body });
}

async function errorsOf(body: unknown): Promise<unknown> {
  const response = await createDataset(body);
  expect(response.status).toBe(400);
  return response.json();
}

describe('GET /datasets/ (cursor pagination)', () => {
  it('pages through every dataset by following absolute next URLs', async () => {
    const seen: string[] = [];
    let url: string | null = `${ctx.sandbox.apiUrl}/datasets/?limit=10`;
    let pages = 0;
    let count = 0;
    while (url) {
      expect(url.startsWith(`${ctx.sandbox.url}/api/v1/datasets/`)).toBe(true);
      const page: Page = await (await call(ctx.sandbox, url)).json();
      expect(page.results.length).toBeLessThanOrEqual(10);
      seen.push(...page.results.map((d) => d.uid));
      count = page.count;
      url = page.next;
      pages += 1;
    }
    expect(pages).toBeGreaterThanOrEqual(4);
    expect(seen).toHaveLength(count);
    expect(new Set(seen).size).toBe(count);
  });

  it('links back with previous, and the first page has none', async () => {
    const first: Page = await (await call(ctx.sandbox, '/datasets/?limit=5')).json();
    expect(first.previous).toBeNull();
    const second: Page = await (await call(ctx.sandbox, first.next ?? '')).json();
    expect(second.previous).not.toBeNull();
    const back: Page = await (await call(ctx.sandbox, second.previous ?? '')).json();
    expect(back.results.map((d) => d.uid)).toEqual(first.results.map((d) => d.uid));
  });

  it('keeps pages stable when a dataset is created while paging', async () => {
    const first: Page = await (await call(ctx.sandbox, '/datasets/?limit=5')).json();
    await createDataset(validDataset('Made while paging'));
    const second: Page = await (await call(ctx.sandbox, first.next ?? '')).json();
    const firstUids = new Set(first.results.map((d) => d.uid));
    for (const dataset of second.results) expect(firstUids.has(dataset.uid)).toBe(false);
  });

  it('answers 404 "Invalid cursor." for a cursor it did not make', async () => {
    for (const cursor of ['garbage', 'eD0x', '%%%', '']) {
      const response = await call(ctx.sandbox, `/datasets/?cursor=${cursor}`);
      if (cursor === '') {
        expect(response.status).toBe(404);
        continue;
      }
      expect(response.status).toBe(404);
      expect(await response.json()).toEqual({ detail: 'Invalid cursor.' });
    }
  });

  it('falls back to the default page size for a bad limit, as DRF does', async () => {
    for (const limit of ['abc', '-3', '0', '1.5']) {
      const response = await call(ctx.sandbox, `/datasets/?limit=${limit}`);
      expect(response.status).toBe(200);
      const page: Page = await response.json();
      expect(page.results.length).toBe(page.count);
    }
  });
});

describe('POST /datasets/', () => {
  it('creates a dataset (201) that can be fetched by uid', async () => {
    const response = await createDataset(validDataset('Fresh'));
    expect(response.status).toBe(201);
    const created = await response.json();
    expect(created).toMatchObject({
      name: 'Fresh',
      visibility: 'public',
      filters: { split: 'train' },
      items: [{ weight: 0.5 }, { weight: 1 }],
      item_count: 2,
    });
    const fetched = await call(ctx.sandbox, `/datasets/${created.uid}/`);
    expect(await fetched.json()).toEqual(created);
  });

  it('reports a missing required field', async () => {
    expect(await errorsOf({ description: 'no name' })).toEqual({
      detail: { name: ['This field is required.'] },
    });
  });

  it('reports an empty body as missing fields', async () => {
    const response = await call(ctx.sandbox, '/datasets/', { method: 'POST' });
    expect(response.status).toBe(400);
    expect(await response.json()).toEqual({ detail: { name: ['This field is required.'] } });
  });

  it('reports wrong types with DRF messages', async () => {
    expect(await errorsOf({ name: 42, items: [{ weight: 'heavy' }] })).toEqual({
      detail: {
        name: ['A valid string is required.'],
        items: [{ weight: ['A valid number is required.'] }],
      },
    });
  });

  it('reports blank, null and too-long strings', async () => {
    expect(await errorsOf({ name: '   ' })).toEqual({
      detail: { name: ['This field may not be blank.'] },
    });
    expect(await errorsOf({ name: null })).toEqual({
      detail: { name: ['This field may not be null.'] },
    });
    expect(await errorsOf({ name: 'x'.repeat(101) })).toEqual({
      detail: { name: ['Ensure this field has no more than 100 characters.'] },
    });
  });

  it('reports an invalid choice', async () => {
    expect(await errorsOf({ name: 'n', visibility: 'secret' })).toEqual({
      detail: { visibility: ['"secret" is not a valid choice.'] },
    });
  });

  it('nests the errors of a nested object', async () => {
    expect(await errorsOf({ name: 'n', filters: { split: 'holdout' } })).toEqual({
      detail: { filters: { split: ['"holdout" is not a valid choice.'] } },
    });
    expect(await errorsOf({ name: 'n', filters: 'train' })).toEqual({
      detail: {
        filters: { non_field_errors: ['Invalid data. Expected a dictionary, but got str.'] },
      },
    });
  });

  it('aligns list errors with the items by index', async () => {
    expect(await errorsOf({ name: 'n', items: [{ weight: 0.2 }, { weight: 1.5 }] })).toEqual({
      detail: { items: [{}, { weight: ['Ensure this value is less than or equal to 1.'] }] },
    });
    expect(await errorsOf({ name: 'n', items: [{ weight: -1 }, {}, { weight: 1 }] })).toEqual({
      detail: {
        items: [
          { weight: ['Ensure this value is greater than or equal to 0.'] },
          { weight: ['This field is required.'] },
          {},
        ],
      },
    });
    expect(await errorsOf({ name: 'n', items: 'all' })).toEqual({
      detail: { items: ['Expected a list of items but got type "str".'] },
    });
  });

  it('reports an object-level rule under non_field_errors', async () => {
    expect(await errorsOf({ name: 'n', visibility: 'public' })).toEqual({
      detail: { non_field_errors: ['Public datasets need a description.'] },
    });
  });

  it('reports every field at once', async () => {
    const body = (await errorsOf({ visibility: 1, filters: { split: 2 } })) as {
      detail: Record<string, unknown>;
    };
    expect(Object.keys(body.detail).sort()).toEqual(['filters', 'name', 'visibility']);
  });

  it('rejects a body that is not an object', async () => {
    expect(await errorsOf([1, 2])).toEqual({
      detail: { non_field_errors: ['Invalid data. Expected a dictionary, but got list.'] },
    });
  });

  it('answers 400 with a string detail for malformed JSON', async () => {
    const response = await call(ctx.sandbox, '/datasets/', {
      method: 'POST',
      body: '{"name": "unterminated',
      headers: { 'Content-Type': 'application/json' },
    });
    expect(response.status).toBe(400);
    const body = await response.json();
    expect(typeof body.detail).toBe('string');
    expect(body.detail).toMatch(/^JSON parse error - /);
  });

  it('answers 409 duplicate_name for a name the organization already has', async () => {
    expect((await createDataset(validDataset('Twice'))).status).toBe(201);
    const again = await createDataset(validDataset('twice'));
    expect(again.status).toBe(409);
    expect(await again.json()).toEqual({
      detail: 'A dataset with this name already exists.',
      code: 'duplicate_name',
    });
    // Names are unique per organization, not globally.
    const elsewhere = await call(ctx.sandbox, '/datasets/', {
      method: 'POST',
      key: ctx.sandbox.keys.otherOrg,
      json: validDataset('Twice'),
    });
    expect(elsewhere.status).toBe(201);
  });
});

describe('PATCH and DELETE /datasets/{uid}/', () => {
  it('updates only the fields sent', async () => {
    const created = await (await createDataset(validDataset('Patch me'))).json();
    const response = await call(ctx.sandbox, `/datasets/${created.uid}/`, {
      method: 'PATCH',
      json: { visibility: 'private' },
    });
    expect(response.status).toBe(200);
    expect(await response.json()).toMatchObject({ name: 'Patch me', visibility: 'private' });
  });

  it('validates a patch (field, object rule against the merged result, duplicate name)', async () => {
    const created = await (
      await createDataset({ name: 'Private one', visibility: 'private' })
    ).json();
    const path = `/datasets/${created.uid}/`;
    const bad = await call(ctx.sandbox, path, { method: 'PATCH', json: { name: 7 } });
    expect(await bad.json()).toEqual({ detail: { name: ['A valid string is required.'] } });
    const rule = await call(ctx.sandbox, path, { method: 'PATCH', json: { visibility: 'public' } });
    expect(rule.status).toBe(400);
    expect(await rule.json()).toEqual({
      detail: { non_field_errors: ['Public datasets need a description.'] },
    });
    await createDataset(validDataset('Taken'));
    const dup = await call(ctx.sandbox, path, { method: 'PATCH', json: { name: 'Taken' } });
    expect(dup.status).toBe(409);
  });

  it('deletes with 204, after which the uid is 404', async () => {
    const created = await (await createDataset(validDataset('Short-lived'))).json();
    const path = `/datasets/${created.uid}/`;
    const deleted = await call(ctx.sandbox, path, { method: 'DELETE' });
    expect(deleted.status).toBe(204);
    expect(await deleted.text()).toBe('');
    const gone = await call(ctx.sandbox, path);
    expect(gone.status).toBe(404);
    expect(await gone.json()).toEqual({ detail: 'Not found.' });
  });

  it('answers 404 for an unknown uid', async () => {
    for (const uid of ['00000000-0000-0000-0000-000000000000', 'nope', '..%2F..']) {
      const response = await call(ctx.sandbox, `/datasets/${uid}/`);
      expect(response.status).toBe(404);
    }
  });
});

describe('unknown paths and methods', () => {
  it('answers 404 {"detail": "Not found."} for an unknown path', async () => {
    for (const path of ['/nothing/', '/datasets', '/datasets/a/b/c/']) {
      const response = await call(ctx.sandbox, path);
      expect(response.status).toBe(404);
      expect(await response.json()).toEqual({ detail: 'Not found.' });
    }
  });

  it('answers 405 with Allow for an unsupported method on a known path', async () => {
    const response = await call(ctx.sandbox, '/datasets/', { method: 'PUT', json: {} });
    expect(response.status).toBe(405);
    expect(await response.json()).toEqual({ detail: 'Method "PUT" not allowed.' });
    expect(response.headers.get('Allow')).toBe('GET, HEAD, POST, OPTIONS');

    const item = await call(ctx.sandbox, '/datasets/anything/', { method: 'POST', json: {} });
    expect(item.status).toBe(405);
    expect(item.headers.get('Allow')).toBe('GET, HEAD, PATCH, DELETE, OPTIONS');
  });
});
