import { describe, expect, it } from 'vitest';
import { call, fieldErrorBody, useSandbox, validDataset } from './helpers.js';

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

/** The field errors of a 400 body, wherever the shape puts them. */
function fieldsOf(shape: 'wrapped' | 'root', body: unknown): Record<string, unknown> {
  const record = body as Record<string, unknown>;
  return (shape === 'wrapped' ? record.detail : record) as Record<string, unknown>;
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

describe.each(['wrapped', 'root'] as const)('POST /datasets/ (field errors %s)', (shape) => {
  const shaped = useSandbox({ fieldErrors: shape });
  const post = (body: unknown) =>
    call(shaped.sandbox, '/datasets/', { method: 'POST', json: body });
  /** The 400 body for these field errors, in this describe's shape. */
  const errors = (fields: Record<string, unknown>) => fieldErrorBody(shape, fields);
  async function errorsOf(body: unknown): Promise<unknown> {
    const response = await post(body);
    expect(response.status).toBe(400);
    return response.json();
  }
  const named = { name: 'n', slug: 'n', data_type: 'image' };

  it('creates a dataset (201) that can be fetched by uid', async () => {
    const response = await post(validDataset('Fresh'));
    expect(response.status).toBe(201);
    const created = await response.json();
    expect(created).toMatchObject({
      name: 'Fresh',
      slug: 'fresh',
      data_type: 'image',
      status: 'created',
      is_sequence: false,
      owner_name: 'acme',
      visibility: 'public',
      filters: { split: 'train' },
      item_count: 2,
    });
    const fetched = await call(shaped.sandbox, `/datasets/${created.uid}/`);
    expect(await fetched.json()).toEqual(created);
  });

  it('requires name, slug and data_type', async () => {
    expect(await errorsOf({ description: 'no name' })).toEqual(
      errors({
        name: ['This field is required.'],
        slug: ['This field is required.'],
        data_type: ['This field is required.'],
      }),
    );
  });

  it('reports an empty body as missing fields', async () => {
    const response = await call(shaped.sandbox, '/datasets/', { method: 'POST' });
    expect(response.status).toBe(400);
    expect(Object.keys(fieldsOf(shape, await response.json())).sort()).toEqual([
      'data_type',
      'name',
      'slug',
    ]);
  });

  it('reports an invalid slug and an unknown data_type', async () => {
    expect(await errorsOf({ ...named, slug: 'has spaces', data_type: 'hologram' })).toEqual(
      errors({
        slug: ['Enter a valid "slug" consisting of letters, numbers, underscores or hyphens.'],
        data_type: ['"hologram" is not a valid choice.'],
      }),
    );
  });

  it('refuses a string with a NUL character, as DRF does', async () => {
    expect(await errorsOf({ ...named, name: 'a\u0000b' })).toEqual(
      errors({ name: ['Null characters are not allowed.'] }),
    );
    expect(
      await errorsOf({ ...named, filters: { split: 'train' }, description: '\u0000' }),
    ).toEqual(errors({ description: ['Null characters are not allowed.'] }));
  });

  it('reports wrong types with DRF messages', async () => {
    expect(await errorsOf({ ...named, name: 42, items: [{ weight: 'heavy' }] })).toEqual(
      errors({
        name: ['A valid string is required.'],
        items: [{ weight: ['A valid number is required.'] }],
      }),
    );
    expect(await errorsOf({ ...named, is_sequence: 'maybe' })).toEqual(
      errors({ is_sequence: ['Must be a valid boolean.'] }),
    );
  });

  it('reports blank, null and too-long strings', async () => {
    expect(await errorsOf({ ...named, name: '   ' })).toEqual(
      errors({ name: ['This field may not be blank.'] }),
    );
    expect(await errorsOf({ ...named, name: null })).toEqual(
      errors({ name: ['This field may not be null.'] }),
    );
    expect(await errorsOf({ ...named, name: 'x'.repeat(101) })).toEqual(
      errors({ name: ['Ensure this field has no more than 100 characters.'] }),
    );
  });

  it('reports an invalid choice', async () => {
    expect(await errorsOf({ ...named, visibility: 'secret' })).toEqual(
      errors({ visibility: ['"secret" is not a valid choice.'] }),
    );
  });

  it('nests the errors of a nested object', async () => {
    expect(await errorsOf({ ...named, filters: { split: 'holdout' } })).toEqual(
      errors({ filters: { split: ['"holdout" is not a valid choice.'] } }),
    );
    expect(await errorsOf({ ...named, filters: 'train' })).toEqual(
      errors({
        filters: { non_field_errors: ['Invalid data. Expected a dictionary, but got str.'] },
      }),
    );
  });

  it('aligns list errors with the items by index', async () => {
    expect(await errorsOf({ ...named, items: [{ weight: 0.2 }, { weight: 1.5 }] })).toEqual(
      errors({ items: [{}, { weight: ['Ensure this value is less than or equal to 1.'] }] }),
    );
    expect(await errorsOf({ ...named, items: [{ weight: -1 }, {}, { weight: 1 }] })).toEqual(
      errors({
        items: [
          { weight: ['Ensure this value is greater than or equal to 0.'] },
          { weight: ['This field is required.'] },
          {},
        ],
      }),
    );
    expect(await errorsOf({ ...named, items: 'all' })).toEqual(
      errors({ items: ['Expected a list of items but got type "str".'] }),
    );
  });

  it('reports an object-level rule under non_field_errors', async () => {
    expect(await errorsOf({ ...named, visibility: 'public' })).toEqual(
      errors({ non_field_errors: ['Public datasets need a description.'] }),
    );
  });

  it('reports every field at once', async () => {
    const body = await errorsOf({ visibility: 1, filters: { split: 2 } });
    expect(Object.keys(fieldsOf(shape, body)).sort()).toEqual([
      'data_type',
      'filters',
      'name',
      'slug',
      'visibility',
    ]);
  });

  it('rejects a body that is not an object', async () => {
    expect(await errorsOf([1, 2])).toEqual(
      errors({ non_field_errors: ['Invalid data. Expected a dictionary, but got list.'] }),
    );
  });

  it('answers 400 with a string detail for malformed JSON, in either shape', async () => {
    const response = await call(shaped.sandbox, '/datasets/', {
      method: 'POST',
      body: '{"name": "unterminated',
      headers: { 'Content-Type': 'application/json' },
    });
    expect(response.status).toBe(400);
    const body = await response.json();
    expect(typeof body.detail).toBe('string');
    expect(body.detail).toMatch(/^JSON parse error - /);
  });
});

describe('POST /datasets/ conflicts and media types', () => {
  it('answers 409 duplicate_name for a name the organization already has', async () => {
    expect((await createDataset(validDataset('Twice'))).status).toBe(201);
    const again = await createDataset({ ...validDataset('twice'), slug: 'twice-2' });
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

  it('answers 409 duplicate_slug for a slug the owner already has', async () => {
    expect((await createDataset(validDataset('Slugged'))).status).toBe(201);
    const again = await createDataset({ ...validDataset('Other name'), slug: 'slugged' });
    expect(again.status).toBe(409);
    expect(await again.json()).toEqual({
      detail: 'A dataset with this slug already exists.',
      code: 'duplicate_slug',
    });
  });

  it('creates for its own owner only', async () => {
    const mine = await createDataset({ ...validDataset('Mine'), owner_name: 'acme' });
    expect(mine.status).toBe(201);
    const theirs = await createDataset({ ...validDataset('Theirs'), owner_name: 'globex' });
    expect(theirs.status).toBe(403);
  });

  it("answers 415 with DRF's message to a body that is not JSON, whatever it contains", async () => {
    const json = JSON.stringify(validDataset('Not JSON'));
    const cases: [BodyInit, Record<string, string>, string][] = [
      [json, { 'Content-Type': 'text/plain' }, 'text/plain'],
      // fetch's own default for a string body.
      [json, {}, 'text/plain;charset=UTF-8'],
      [new URLSearchParams({ name: 'x' }), {}, 'application/x-www-form-urlencoded;charset=UTF-8'],
      [
        new Blob([json]),
        { 'Content-Type': 'application/octet-stream' },
        'application/octet-stream',
      ],
    ];
    for (const [body, headers, type] of cases) {
      const response = await call(ctx.sandbox, '/datasets/', { method: 'POST', body, headers });
      expect(response.status).toBe(415);
      expect(await response.json()).toEqual({
        detail: `Unsupported media type "${type}" in request.`,
      });
    }
    const form = new FormData();
    form.set('name', 'x');
    const multipart = await call(ctx.sandbox, '/datasets/', { method: 'POST', body: form });
    expect(multipart.status).toBe(415);
    expect((await multipart.json()).detail).toMatch(
      /^Unsupported media type "multipart\/form-data; boundary=/,
    );
    const blob = await call(ctx.sandbox, '/datasets/', { method: 'POST', body: new Blob([json]) });
    expect(await blob.json()).toEqual({ detail: 'Unsupported media type "" in request.' });
    // Nothing was created.
    const page = await (await call(ctx.sandbox, '/datasets/?name=Not%20JSON')).json();
    expect(page.count).toBe(0);
  });

  it('accepts JSON with a charset, and a PATCH is held to the same rule', async () => {
    const created = await call(ctx.sandbox, '/datasets/', {
      method: 'POST',
      body: JSON.stringify(validDataset('Charset')),
      headers: { 'Content-Type': 'application/json; charset=utf-8' },
    });
    expect(created.status).toBe(201);
    const { uid } = await created.json();
    const patch = await call(ctx.sandbox, `/datasets/${uid}/`, {
      method: 'PATCH',
      body: '{"visibility": "private"}',
      headers: { 'Content-Type': 'text/plain' },
    });
    expect(patch.status).toBe(415);
  });
});

describe('GET /datasets/ filters', () => {
  it('filters by data_type, status, visibility and name (case-insensitive, in part)', async () => {
    const all: Page = await (await call(ctx.sandbox, '/datasets/?limit=1000')).json();
    for (const [query, check] of [
      ['data_type=video', (d: Record<string, unknown>) => d.data_type === 'video'],
      ['visibility=public', (d: Record<string, unknown>) => d.visibility === 'public'],
      ['status=created', (d: Record<string, unknown>) => d.status === 'created'],
      ['name=STREET', (d: Record<string, unknown>) => String(d.name).includes('Street')],
    ] as const) {
      const page: Page = await (await call(ctx.sandbox, `/datasets/?limit=1000&${query}`)).json();
      const expected = all.results.filter((d) => check(d as unknown as Record<string, unknown>));
      expect(page.count, query).toBe(expected.length);
      expect(page.count, query).toBeGreaterThan(0);
      expect(page.results.map((d) => d.uid)).toEqual(expected.map((d) => d.uid));
    }
    const none: Page = await (await call(ctx.sandbox, '/datasets/?status=creating')).json();
    expect(none.count).toBe(0);
  });

  it('keeps filters on the next links', async () => {
    const first: Page = await (
      await call(ctx.sandbox, '/datasets/?data_type=image&limit=2')
    ).json();
    expect(first.next).toContain('data_type=image');
    const second: Page = await (await call(ctx.sandbox, first.next ?? '')).json();
    expect(
      second.results.every((d) => (d as unknown as { data_type: string }).data_type === 'image'),
    ).toBe(true);
  });

  it('answers 400 to a choice it does not know, like django-filter', async () => {
    const response = await call(ctx.sandbox, '/datasets/?data_type=hologram');
    expect(response.status).toBe(400);
    expect(await response.json()).toEqual({
      detail: {
        data_type: ['Select a valid choice. hologram is not one of the available choices.'],
      },
    });
  });
});

describe('datasets by owner and slug', () => {
  const SEQUENCE_DATASET = 'street-scenes-01';

  it('serves the dataset, its items and an item at /datasets/{owner}/{slug}/', async () => {
    const created = await (await createDataset(validDataset('By slug'))).json();
    const dataset = await call(ctx.sandbox, '/datasets/acme/by-slug/');
    expect(await dataset.json()).toEqual(created);
    const items = await (await call(ctx.sandbox, '/datasets/acme/by-slug/items/?limit=1')).json();
    expect(items).toMatchObject({ count: 2, previous: null });
    expect(items.next).toMatch(/\/datasets\/acme\/by-slug\/items\/\?/);
    const [item] = items.results;
    expect(item).toMatchObject({
      dataset: created.uid,
      dataset_owner_name: 'acme',
      dataset_slug: 'by-slug',
      metadata: { weight: 0.5 },
    });
    const one = await call(ctx.sandbox, `/datasets/acme/by-slug/items/${item.uid}/`);
    expect(await one.json()).toEqual(item);
    expect((await call(ctx.sandbox, '/datasets/acme/by-slug/items/nope/')).status).toBe(404);
  });

  it("serves a sequence dataset's sequences and its health", async () => {
    const dataset = await (await call(ctx.sandbox, `/datasets/acme/${SEQUENCE_DATASET}/`)).json();
    expect(dataset).toMatchObject({ is_sequence: true, data_type: 'video' });
    const sequences = await (
      await call(ctx.sandbox, `/datasets/acme/${SEQUENCE_DATASET}/sequences/`)
    ).json();
    expect(sequences.count).toBe(2);
    const [sequence] = sequences.results;
    const one = await call(
      ctx.sandbox,
      `/datasets/acme/${SEQUENCE_DATASET}/sequences/${sequence.uid}/`,
    );
    expect(await one.json()).toEqual(sequence);
    const health = await (
      await call(ctx.sandbox, `/datasets/acme/${SEQUENCE_DATASET}/health/`)
    ).json();
    expect(health).toMatchObject({
      dataset_uid: dataset.uid,
      dataset_slug: SEQUENCE_DATASET,
      dataset_status: 'created',
      item_count: dataset.item_count,
      sequence_count: 2,
      total_frames: 6,
      ingest_ok: true,
      issues: [],
    });
  });

  it("answers 404 for an unknown owner or slug and 403 for another organization's", async () => {
    expect((await call(ctx.sandbox, '/datasets/acme/nope/')).status).toBe(404);
    expect((await call(ctx.sandbox, '/datasets/nobody/street-scenes-01/')).status).toBe(404);
    const other = await call(ctx.sandbox, '/datasets/acme/street-scenes-01/items/', {
      key: ctx.sandbox.keys.otherOrg,
    });
    expect(other.status).toBe(403);
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
      await createDataset({
        ...validDataset('Private one'),
        description: '',
        visibility: 'private',
      })
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
    const slug = await call(ctx.sandbox, path, { method: 'PATCH', json: { slug: 'taken' } });
    expect(await slug.json()).toMatchObject({ code: 'duplicate_slug' });
    const moved = await call(ctx.sandbox, path, { method: 'PATCH', json: { slug: 'moved' } });
    expect(await moved.json()).toMatchObject({ uid: created.uid, slug: 'moved' });
    expect((await call(ctx.sandbox, '/datasets/acme/moved/')).status).toBe(200);
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
