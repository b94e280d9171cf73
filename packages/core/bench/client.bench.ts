import { type Sandbox, startSandbox } from '@avala-fetch/sandbox';
import ky from 'ky';
import { afterAll, bench, describe } from 'vitest';
import { errorFromHttp } from '../src/errors/classify-response.js';
import { type AvalaClient, createAvalaClient } from '../src/index.js';
import { defaultRetryPolicy, shouldRetryError } from '../src/retry/index.js';

// What a client call costs over plain fetch, and how fast failures are classified.
// Run with `pnpm bench` (or `npx vitest bench --run --project core bench/client`).

const BASE = 'https://api.example.test/api/v1';
const KEY = 'avk_bench_key';
const page = { next: null, previous: null, count: 1, results: [{ uid: 'a', name: 'A' }] };
const pageText = JSON.stringify(page);
const rateHeaders = {
  'content-type': 'application/json',
  'x-ratelimit-limit': '1000000000',
  'x-ratelimit-remaining': '1000000000',
  'x-ratelimit-reset': String(Math.ceil(Date.now() / 1000) + 3600),
};

/** A fetch that answers at once, so only the code around it is measured. */
const stubFetch: typeof fetch = async () => new Response(pageText, { headers: rateHeaders });
const notFoundFetch: typeof fetch = async () =>
  new Response(JSON.stringify({ detail: 'Not found.' }), { status: 404, headers: rateHeaders });

describe('client call vs plain fetch (stub fetch, no network)', () => {
  const bare = createAvalaClient({
    baseUrl: BASE,
    apiKey: KEY,
    fetch: stubFetch,
    rateLimit: false,
  });
  const governed = createAvalaClient({
    baseUrl: BASE,
    apiKey: KEY,
    fetch: stubFetch,
    rateLimit: { broadcastChannel: false, burstPerSecond: Number.POSITIVE_INFINITY },
  });
  const observed = createAvalaClient({
    baseUrl: BASE,
    apiKey: KEY,
    fetch: stubFetch,
    rateLimit: false,
    onEvent: () => {},
  });
  afterAll(() => {
    for (const client of [bare, governed, observed]) client.dispose();
  });

  bench('plain fetch + json()', async () => {
    const response = await stubFetch(`${BASE}/datasets/`, { headers: { 'X-Avala-Api-Key': KEY } });
    await response.json();
  });
  // ky alone with the same per-attempt timeout and retries: what ky itself costs a call.
  const plainKy = ky.create({ fetch: stubFetch, timeout: 30_000, retry: 3 });
  bench('ky.get().json() (ky alone)', async () => {
    await plainKy.get(`${BASE}/datasets/`, { headers: { 'X-Avala-Api-Key': KEY } }).json();
  });
  bench('client.get (no governor)', async () => {
    await bare.get('/datasets/');
  });
  bench('client.get (governor on)', async () => {
    await governed.get('/datasets/');
  });
  bench('client.get (events observed)', async () => {
    await observed.get('/datasets/');
  });
});

// Started at module load: `beforeAll` inside a bench `describe` runs too late for its benches.
const sandbox: Sandbox = await startSandbox({ port: 0, rateLimit: false });
const client: AvalaClient = createAvalaClient({
  baseUrl: sandbox.apiUrl,
  apiKey: sandbox.keys.admin,
  rateLimit: { broadcastChannel: false, burstPerSecond: Number.POSITIVE_INFINITY },
});
afterAll(async () => {
  client.dispose();
  await sandbox.close();
});

describe('client call vs plain fetch (sandbox on loopback)', () => {
  bench('plain fetch GET /datasets/?limit=1', async () => {
    const response = await fetch(`${sandbox.apiUrl}/datasets/?limit=1`, {
      headers: { 'X-Avala-Api-Key': sandbox.keys.admin, accept: 'application/json' },
    });
    await response.json();
  });
  bench('client.get /datasets/?limit=1', async () => {
    await client.get('/datasets/', { searchParams: { limit: 1 } });
  });
});

describe('error classification', () => {
  const failing = createAvalaClient({
    baseUrl: BASE,
    apiKey: KEY,
    fetch: notFoundFetch,
    rateLimit: false,
  });
  afterAll(() => failing.dispose());
  const headers = new Headers(rateHeaders);
  const fieldBody = {
    detail: {
      name: ['This field is required.'],
      filters: { split: ['"x" is not a valid choice.'] },
    },
  };
  const classified = errorFromHttp({ status: 503, headers, body: { detail: 'Maintenance' } });

  bench('errorFromHttp (400 with nested field errors)', () => {
    errorFromHttp({
      status: 400,
      headers,
      body: fieldBody,
      request: { method: 'POST', url: BASE },
    });
  });
  bench('shouldRetryError (503 on POST)', () => {
    shouldRetryError(classified, { attempt: 1, method: 'POST', policy: defaultRetryPolicy });
  });
  bench('client.get → NotFoundError (full path, stub fetch)', async () => {
    try {
      await failing.get('/datasets/x/');
    } catch {
      // expected
    }
  });
});
