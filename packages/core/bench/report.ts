/**
 * `pnpm bench` writes docs/benchmarks.md from this script: every figure of the issue's targets,
 * measured side by side in one run (interleaved rounds, medians and spread), on loopback
 * against the sandbox. Run it alone with
 * `node --expose-gc --conditions=@avala-fetch/source --import tsx packages/core/bench/report.ts`;
 * `BENCH_QUICK=1` makes every part small (a smoke run, figures not worth keeping).
 *
 * The timed sections run the core's build (`pnpm --filter @avala-fetch/core build` first), as an
 * app does. Before/after: `BENCH_CORE_SRC`/`BENCH_REACT_SRC` point at other copies of the sources (an
 * older commit's, extracted inside the packages so ky and zod resolve), `BENCH_JSON` writes
 * the figures as JSON and `BENCH_OUT` the markdown elsewhere; `BENCH_BEFORE` reads such a
 * JSON and adds a before → after table. `BENCH_BASELINE_SRC` loads a second copy of the core
 * (an older commit's `packages/core/src`, in a tree where ky resolves) and adds its two clients
 * to the overhead and CPU tables, interleaved with the others: before and after in one run
 * (`BENCH_BASELINE_LABEL` says what it is).
 * `BENCH_ONLY=goodput,queue` runs only the named sections
 * (`sizes`, `overhead`, `cpu`, `goodput`, `outage`, `queue`); the others show as zero.
 */
import { execSync } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { cpus, totalmem } from 'node:os';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { type Sandbox, startSandbox } from '@avala-fetch/sandbox';
import ky from 'ky';
import { BUDGETS, bundleSize, esbuild, PEERS } from '../../../scripts/bundle-size.js';
import { startProxy } from '../../proxy/src/index.js';
import type { AvalaClient } from '../src/index.js';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '../../..');
const quick = process.env.BENCH_QUICK === '1';
const sleep = (ms: number) => new Promise((done) => setTimeout(done, ms));
const gc = (globalThis as { gc?: () => void }).gc;
const only = process.env.BENCH_ONLY?.split(',').map((name) => name.trim());
/** Whether the section called `name` runs (all do unless `BENCH_ONLY` names some). */
const runs = (name: string) => only === undefined || only.includes(name);
const coreSrc = resolve(process.env.BENCH_CORE_SRC ?? join(root, 'packages/core/src'));
const reactSrc = resolve(process.env.BENCH_REACT_SRC ?? join(root, 'packages/react/src'));
/**
 * The core the timed sections run: its build, as an app runs it and as ky is loaded (from its
 * dist). Run from the sources under tsx, every closure made per call also pays tsx's
 * `keepNames` wrapper, which the build does not have. `BENCH_CORE_SRC` runs those sources.
 */
function builtCore(): string {
  execSync('pnpm --filter @avala-fetch/core build', { cwd: root, stdio: 'ignore' });
  return join(root, 'packages/core/dist/index.js');
}
const coreEntry = process.env.BENCH_CORE_SRC ? join(coreSrc, 'index.ts') : builtCore();
const { createAvalaClient } = (await import(
  pathToFileURL(coreEntry).href
)) as typeof import('../src/index.js');
const baselineSrc = process.env.BENCH_BASELINE_SRC;
/** The baseline core's factory, when `BENCH_BASELINE_SRC` names one. */
const baselineClient = baselineSrc
  ? (
      (await import(
        pathToFileURL(join(resolve(baselineSrc), 'index.ts')).href
      )) as typeof import('../src/index.js')
    ).createAvalaClient
  : undefined;

/**
 * The baseline's two clients (no governor, governor) as variants calling `get`, built like
 * the section's own; none without `BENCH_BASELINE_SRC`. Appended last, so lookups by name
 * still find this tree's rows first.
 */
function baselineVariants(
  options: Parameters<typeof createAvalaClient>[0],
  get: (client: AvalaClient) => Promise<unknown>,
): { variants: Variant[]; dispose(): void } {
  if (!baselineClient) return { variants: [], dispose() {} };
  const bare = baselineClient({ ...options, rateLimit: false });
  // A channel of its own, as another app's would be: two governed clients on one channel
  // count as two tabs, and each would slow the other.
  const governed = baselineClient({
    ...options,
    rateLimit: { burstPerSecond: Number.POSITIVE_INFINITY, broadcastChannel: 'avala-baseline' },
  });
  return {
    variants: [
      { name: 'baseline core, `rateLimit: false`', get: () => get(bare) },
      { name: 'baseline core with the governor', get: () => get(governed) },
    ],
    dispose() {
      bare.dispose();
      governed.dispose();
    },
  };
}

// --- statistics -------------------------------------------------------------------------

function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? (sorted[mid] ?? 0) : ((sorted[mid - 1] ?? 0) + (sorted[mid] ?? 0)) / 2;
}
/** The spread shown beside a median: the middle half of the rounds (25th–75th percentile). */
function quartiles(values: readonly number[]): [number, number] {
  const sorted = [...values].sort((a, b) => a - b);
  const at = (q: number) => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] ?? 0;
  return [at(0.25), at(0.75)];
}
const fixed = (value: number, digits = 1) => value.toFixed(digits);

/** One variant's row: its time per call and its ratio to bare ky, each a median with its spread. */
interface Row {
  name: string;
  median: number;
  spread: [number, number];
  ratio: number;
  ratioSpread: [number, number];
}

/**
 * Each variant's median and spread, and its ratio to bare ky as the median over rounds of the
 * round's own ratio (variant ÷ ky in the same round): drift between rounds (the machine's load,
 * the heap) moves both halves of a pair alike and cancels, where a ratio of the two medians
 * would keep it.
 */
function summarize(variants: readonly Variant[], samples: Map<string, number[]>): Row[] {
  const ky = samples.get('bare ky') ?? [];
  return variants.map((variant) => {
    const values = samples.get(variant.name) ?? [];
    // `interleaved` adds one sample per variant per round: index i is round i for all.
    const ratios = values.map((value, round) => value / (ky[round] ?? Number.NaN));
    return {
      name: variant.name,
      median: median(values),
      spread: quartiles(values),
      ratio: median(ratios),
      ratioSpread: quartiles(ratios),
    };
  });
}

// --- 1. per-GET overhead on loopback --------------------------------------------------------

interface Variant {
  name: string;
  get(i: number): Promise<unknown>;
}

/**
 * Microseconds per call of each variant, one sample per round: after a warm-up, rounds run
 * the variants interleaved in a rotating order, so drift in the machine's load hits every one.
 */
async function interleaved(
  variants: readonly Variant[],
  { warmup, rounds, perRound }: { warmup: number; rounds: number; perRound: number },
): Promise<Map<string, number[]>> {
  const samples = new Map<string, number[]>(variants.map((v) => [v.name, []]));
  for (const variant of variants) for (let i = 0; i < warmup; i++) await variant.get(i);
  for (let round = 0; round < rounds; round++) {
    for (let k = 0; k < variants.length; k++) {
      const variant = variants[(round + k) % variants.length] as Variant;
      const started = performance.now();
      for (let i = 0; i < perRound; i++) await variant.get(i);
      samples.get(variant.name)?.push(((performance.now() - started) * 1000) / perRound);
    }
  }
  return samples;
}

async function overhead(sandbox: Sandbox) {
  const key = sandbox.keys.admin;
  const url = `${sandbox.apiUrl}/datasets/?limit=1`;
  const headers = { 'X-Avala-Api-Key': key };
  const proxy = await startProxy({
    apiKey: key,
    upstream: sandbox.url,
    port: 0,
    open: true,
    rateLimit: { limit: 1e9, burst: 1e9 },
  });
  const bare = createAvalaClient({ baseUrl: sandbox.apiUrl, apiKey: key, rateLimit: false });
  // The burst cap off (else 20 sends a second would be the figure); otherwise the defaults,
  // the tab-sharing channel included.
  const governed = createAvalaClient({
    baseUrl: sandbox.apiUrl,
    apiKey: key,
    rateLimit: { burstPerSecond: Number.POSITIVE_INFINITY },
  });
  const kyClient = ky.create({ prefix: sandbox.apiUrl, headers });
  const baseline = baselineVariants({ baseUrl: sandbox.apiUrl, apiKey: key }, (client) =>
    client.get('/datasets/', { searchParams: { limit: 1 } }),
  );
  const variants: Variant[] = [
    { name: 'plain fetch', get: async () => (await fetch(url, { headers })).json() },
    {
      name: 'bare ky',
      get: () => kyClient.get('datasets/', { searchParams: { limit: 1 } }).json(),
    },
    {
      name: 'core, `rateLimit: false`',
      get: () => bare.get('/datasets/', { searchParams: { limit: 1 } }),
    },
    {
      name: 'core with the governor',
      get: () => governed.get('/datasets/', { searchParams: { limit: 1 } }),
    },
    {
      name: 'plain fetch through the proxy (in-memory budget)',
      get: async () => (await fetch(`${proxy.url}/api/v1/datasets/?limit=1`)).json(),
    },
    ...baseline.variants,
  ];
  const rounds = quick ? 3 : 25;
  const perRound = quick ? 50 : 300;
  const samples = await interleaved(variants, { warmup: 100, rounds, perRound });
  bare.dispose();
  governed.dispose();
  baseline.dispose();
  await proxy.close();
  return summarize(variants, samples);
}

// --- 1b. CPU per call, fetch stubbed --------------------------------------------------------

async function cpuPerCall() {
  const base = 'https://api.example.test/api/v1';
  const body = JSON.stringify({ next: null, previous: null, results: [{ uid: 'a' }] });
  const headers = {
    'content-type': 'application/json',
    'x-ratelimit-limit': '1000000000',
    'x-ratelimit-remaining': '1000000000',
    'x-ratelimit-reset': String(Math.ceil(Date.now() / 1000) + 3600),
  };
  const stub: typeof fetch = async () => new Response(body, { headers });
  const kyClient = ky.create({
    prefix: base,
    fetch: stub,
    headers: { 'X-Avala-Api-Key': 'avk_x' },
  });
  const bare = createAvalaClient({ baseUrl: base, apiKey: 'avk_x', fetch: stub, rateLimit: false });
  const baseline = baselineVariants({ baseUrl: base, apiKey: 'avk_x', fetch: stub }, (client) =>
    client.get('/datasets/'),
  );
  const governed = createAvalaClient({
    baseUrl: base,
    apiKey: 'avk_x',
    fetch: stub,
    rateLimit: { burstPerSecond: Number.POSITIVE_INFINITY },
  });
  const variants: Variant[] = [
    { name: 'bare ky', get: () => kyClient.get('datasets/').json() },
    { name: 'core, `rateLimit: false`', get: () => bare.get('/datasets/') },
    { name: 'core with the governor', get: () => governed.get('/datasets/') },
    ...baseline.variants,
  ];
  const rounds = quick ? 3 : 15;
  const perRound = quick ? 200 : 2000;
  const samples = await interleaved(variants, { warmup: 500, rounds, perRound });
  bare.dispose();
  governed.dispose();
  baseline.dispose();
  return summarize(variants, samples);
}

// --- 2. goodput under a rate limit ---------------------------------------------------------

const BATCH = { requests: 50, limit: 10, windowMs: 2000 };

interface BatchResult {
  name: string;
  elapsedMs: number;
  ratio: number;
  tooMany: number;
  failures: number;
  maxTooManyPerWindow: number;
}

async function batch(name: string, run: (apiUrl: string, key: string) => Promise<unknown>) {
  // A fresh sandbox per run: every contender starts on an empty window.
  const sandbox = await startSandbox({
    rateLimit: { limit: BATCH.limit, windowMs: BATCH.windowMs, burst: 1e6 },
  });
  const theoreticalMs = (Math.ceil(BATCH.requests / BATCH.limit) - 1) * BATCH.windowMs;
  const started = Date.now();
  const outcomes = await Promise.allSettled(
    Array.from({ length: BATCH.requests }, () => run(sandbox.apiUrl, sandbox.keys.admin)),
  );
  const elapsedMs = Date.now() - started;
  const log = sandbox.log.filter((entry) => entry.path.endsWith('/datasets/'));
  const refused = log.filter((entry) => entry.status === 429);
  const perWindow = new Map<number, number>();
  for (const entry of refused) {
    const window = Math.floor((entry.at - started) / BATCH.windowMs);
    perWindow.set(window, (perWindow.get(window) ?? 0) + 1);
  }
  await sandbox.close();
  return {
    name,
    elapsedMs,
    ratio: elapsedMs / theoreticalMs,
    tooMany: refused.length,
    failures: outcomes.filter((o) => o.status === 'rejected').length,
    maxTooManyPerWindow: Math.max(0, ...perWindow.values()),
  } satisfies BatchResult;
}

async function goodput() {
  const rounds = quick ? 1 : 3;
  const results: BatchResult[][] = [[], [], []];
  for (let round = 0; round < rounds; round++) {
    results[0]?.push(
      await batch('core (defaults)', async (apiUrl, apiKey) => {
        const client = shared.get(apiUrl) ?? createAvalaClient({ baseUrl: apiUrl, apiKey });
        shared.set(apiUrl, client);
        return client.get('/datasets/', { searchParams: { limit: 1 } });
      }),
    );
    results[1]?.push(
      await batch('bare ky (its default retry)', (apiUrl, apiKey) =>
        ky.get(`${apiUrl}/datasets/?limit=1`, { headers: { 'X-Avala-Api-Key': apiKey } }).json(),
      ),
    );
    results[2]?.push(
      await batch('plain fetch (no retry)', async (apiUrl, apiKey) => {
        const response = await fetch(`${apiUrl}/datasets/?limit=1`, {
          headers: { 'X-Avala-Api-Key': apiKey },
        });
        await response.arrayBuffer();
        if (!response.ok) throw new Error(`status ${response.status}`);
      }),
    );
  }
  for (const client of shared.values()) client.dispose();
  shared.clear();
  return results.map((runs) => ({
    name: runs[0]?.name ?? '',
    elapsedMs: median(runs.map((r) => r.elapsedMs)),
    ratio: median(runs.map((r) => r.ratio)),
    ratios: runs.map((r) => r.ratio),
    tooMany: median(runs.map((r) => r.tooMany)),
    maxTooManyPerWindow: Math.max(...runs.map((r) => r.maxTooManyPerWindow)),
    failures: Math.max(...runs.map((r) => r.failures)),
  }));
}
const shared = new Map<string, AvalaClient>();

// --- 3. an outage: 50 callers through a 503 window ---------------------------------------

const OUTAGE = { callers: 50, durationMs: 3000 };

async function outage(contender: 'core' | 'ky') {
  const sandbox = await startSandbox({ rateLimit: false });
  const sent = new Array<number>(OUTAGE.callers).fill(0);
  const counting: typeof fetch = (input, init) => {
    const url = new URL(input instanceof Request ? input.url : String(input));
    const caller = Number(url.searchParams.get('caller'));
    sent[caller] = (sent[caller] ?? 0) + 1;
    return fetch(input, init);
  };
  const client = createAvalaClient({
    baseUrl: sandbox.apiUrl,
    apiKey: sandbox.keys.admin,
    fetch: counting,
  });
  // A first answer, so the governor knows the API before the outage starts (as in an app).
  await client.get('/health/').catch(() => undefined);
  sent.fill(0);
  sandbox.setMaintenance({ durationMs: OUTAGE.durationMs });
  const endsAt = Date.now() + OUTAGE.durationMs;
  let lastSettled = 0;
  const outcomes = await Promise.allSettled(
    Array.from({ length: OUTAGE.callers }, async (_, caller) => {
      try {
        if (contender === 'core') {
          return await client.get('/datasets/', { searchParams: { limit: 1, caller } });
        }
        return await ky
          .get(`${sandbox.apiUrl}/datasets/`, {
            searchParams: { limit: 1, caller },
            headers: { 'X-Avala-Api-Key': sandbox.keys.admin },
            fetch: counting,
          })
          .json();
      } finally {
        lastSettled = Math.max(lastSettled, Date.now());
      }
    }),
  );
  client.dispose();
  await sandbox.close();
  const failures = outcomes.filter((o) => o.status === 'rejected').length;
  return {
    name: contender === 'core' ? 'core (defaults)' : 'bare ky (its default retry)',
    perCallerMedian: median(sent),
    perCallerMax: Math.max(...sent),
    total: sent.reduce((a, b) => a + b, 0),
    recoveryMs: lastSettled - endsAt,
    failures,
    retryAfterS: Math.ceil(OUTAGE.durationMs / 1000),
  };
}

// --- 4. queue memory and release time -----------------------------------------------------

async function queueMemory() {
  const queued = quick ? 1000 : 10_000;
  const resetAt = Math.ceil(Date.now() / 1000) + 3;
  let holding = true;
  let firstReleasedAt = 0;
  const page = JSON.stringify({ next: null, previous: null, results: [] });
  const stub: typeof fetch = async () => {
    if (!holding && firstReleasedAt === 0) firstReleasedAt = performance.now();
    return new Response(page, {
      headers: {
        'content-type': 'application/json',
        'x-ratelimit-limit': '1000000',
        'x-ratelimit-remaining': holding ? '0' : '1000000',
        'x-ratelimit-reset': String(holding ? resetAt : resetAt + 60),
      },
    });
  };
  const client = createAvalaClient({
    baseUrl: 'https://api.example.test/api/v1',
    apiKey: 'avk_bench',
    fetch: stub,
    rateLimit: { burstPerSecond: Number.POSITIVE_INFINITY, broadcastChannel: false },
  });
  await client.get('/datasets/'); // the budget is now spent until `resetAt`
  holding = false;
  gc?.();
  await sleep(50);
  gc?.();
  const before = process.memoryUsage().heapUsed;
  const calls: Promise<unknown>[] = [];
  for (let i = 0; i < queued; i++) calls.push(client.get('/datasets/'));
  await sleep(100); // every call has reached the governor's queue
  gc?.();
  const heldBytes = process.memoryUsage().heapUsed - before;
  const settled = await Promise.allSettled(calls);
  const releaseMs = performance.now() - firstReleasedAt;
  client.dispose();
  return {
    queued,
    bytesPerRequest: heldBytes / queued,
    releaseMs,
    failures: settled.filter((s) => s.status === 'rejected').length,
    gc: gc !== undefined,
  };
}

// --- 5. bundle sizes ------------------------------------------------------------------------

async function bundleSizes() {
  const external = PEERS;
  const coreDir = join(root, 'packages/core');
  const reactDir = join(root, 'packages/react');
  const size = (contents: string, externals = external, resolveDir = coreDir) =>
    bundleSize(contents, { resolveDir, external: externals });
  const core = join(coreSrc, 'index.ts');
  const react = join(reactSrc, 'index.ts');
  const reactExternal = [...external, '@avala-fetch/core'];
  // What a subpath adds to an app that already imports the root: both bundled together,
  // less the root alone (the code they share is counted once, in the root).
  const added = async (rootEntry: string, subpath: string, externals = external, dir = coreDir) => {
    const alone = await size(`export * from '${rootEntry}';`, externals, dir);
    const both = await size(
      `export * from '${rootEntry}'; export * from '${subpath}';`,
      externals,
      dir,
    );
    return { min: both.min - alone.min, gz: both.gz - alone.gz };
  };
  return {
    esbuild: (await esbuild()).version,
    rows: [
      { name: 'ky 2 alone (the anchor)', ...(await size(`export * from 'ky';`, [])) },
      { name: '@avala-fetch/core, everything', ...(await size(`export * from '${core}';`)) },
      {
        name: 'core: `createAvalaClient` + `isAvalaError` (a typical app)',
        ...(await size(`export { createAvalaClient, isAvalaError } from '${core}';`)),
      },
      {
        name: '@avala-fetch/react, everything (core external)',
        ...(await size(`export * from '${react}';`, reactExternal, reactDir)),
      },
      {
        name: '`@avala-fetch/core/upload`, added to the root',
        ...(await added(core, join(coreSrc, 'workflows/index.ts'))),
      },
      {
        name: '`@avala-fetch/react/workflows`, added to the root',
        ...(await added(react, join(reactSrc, 'workflows/index.ts'), reactExternal, reactDir)),
      },
      {
        name: 'react: `AvalaProvider` + `useAvalaQuery` + `useAvalaMutation`',
        ...(await size(
          `export { AvalaProvider, useAvalaQuery, useAvalaMutation } from '${react}';`,
          reactExternal,
          reactDir,
        )),
      },
    ],
  };
}

// --- the report -----------------------------------------------------------------------------

/** A row of the overhead and CPU tables. */
const tableRow = (r: Row) =>
  `| ${r.name} | ${fixed(r.median)} | ${fixed(r.spread[0])}–${fixed(r.spread[1])} | ${fixed(r.ratio, 2)}× | ${fixed(r.ratioSpread[0], 2)}–${fixed(r.ratioSpread[1], 2)}× |`;
const KB = (bytes: number) => `${fixed(bytes / 1024, 2)} KB`;
const verdict = (met: boolean) => (met ? '**met**' : '**missed**');

/**
 * Why each missed target is missed: one paragraph per missed row of the targets table (by its
 * position there), so the report never explains a miss that this run did not have.
 */
function whyMissed(targets: readonly (readonly [string, string, string, boolean, string])[]) {
  const reasons: [number, string][] = [
    [
      0,
      `- **Per-GET on loopback, and CPU per call.** On loopback a round's spread is wider than the
  client's overhead: full runs of the same code within an hour gave 1.05×, 1.06× and 1.12×,
  and the \`rateLimit: false\` row, whose code the governor does not touch, moved as much
  (0.97×–1.12×), so one run's verdict on this row is weak evidence either way. The stubbed-fetch table below is the steadier figure. There every call pays
  the governor's acquire and release and ky's own per-call work with the client's options:
  ky merges its instance's options into each call's afresh (a copy of the object per key;
  a call passes only the keys that are its own), normalises the retry options twice, and
  builds a frozen options snapshot for the \`beforeRequest\` hook. The retry options stay
  one small object with two closures per call: ky's \`delay(attemptCount)\` and
  \`shouldRetry({ error, retryCount })\` see nothing of the call, so a per-client object could
  not return the wait chosen for it. Gone since the issue was filed: the object spread in
  \`createCallState\`, the second URL parse of each attempt, the redaction of a URL nobody
  listens for, five of the ten option keys a call passed, the retry methods list on GET, a \`Headers\` merge
  a call, the budget headers parsed on every answer, and the governor's state built for every
  change with no subscriber (see the before → after table when there is one).`,
    ],
    [
      1,
      `- **Goodput under a rate limit.** Each send holds a unit of the budget until one window
  after its answer, and the window's length is learned from a lone answer assuming whole
  seconds (docs/avala-api.md); until a released unit was accepted, units come back one at a
  time. What is over the minimum here is the time from a window's sends to their answers,
  and that probe.`,
    ],
    [
      5,
      `- **Heap per queued request.** A waiting call holds its state, its promise and the
  governor's waiter; ky's call and its \`Request\` are built only at release.`,
    ],
    [
      6,
      `- **Core bundle.** Own code, peers external. A size pass on every layer (duplicated
  walks made one, state kept twice kept once, wrappers inlined, the reason-phrase table cut to
  the statuses the API documents) took the root from 22.1 to 18.8 KB gz, and the upload
  workflow moved to \`@avala-fetch/core/upload\` (1.4 KB gz of it, with its XMLHttpRequest
  transport). Minified bytes fell faster than gzipped ones: what was removed was mostly
  repetition, which gzip had already absorbed, and rewrites that cut bytes by turning classes
  into closures made gzip output larger (tried on the governor: −731 B minified, +84 B gz).
  What is left is what the contract asks for: \`errors/\` and \`utils/\` (redaction of keys
  and secret fields, dotted field-error paths, bounded body reads, the one-line message,
  Node's inspect redaction; about 7 KB gz together), the governor (budget learned from headers,
  sliding release, burst, pools, holds, tab sharing; about 7.5 KB gz on its own) and the engine
  on ky (conditions, jobs, pagination, the two retry layers). Reaching 5 KB asks for a
  smaller contract, not a smaller spelling of this one: one error class with \`kind\`
  instead of a subclass per kind, tab sharing and pools opt-in behind subpaths (today the
  default client keeps every tab of an origin inside one key's limits).`,
    ],
    [
      7,
      `- **React bundle.** The workflow hooks moved to \`@avala-fetch/react/workflows\` and the
  root lost 1.8 KB gz; the notice reducer, field-error helpers and query options were each
  made smaller without changing what they do. Of what remains, about 0.35 KB gz is the list
  of the core's names the root re-exports (so that one import serves, as issue 10 asks; an
  app's bundler drops it), about 0.55 KB the field-error helpers, and about 0.2 KB the
  notice messages users read. An app's typical import (the provider, \`useAvalaQuery\`,
  \`useAvalaMutation\`) is under 3 KB: the row below.`,
    ],
  ];
  const missed = reasons.filter(([row]) => targets[row]?.[3] === false).map(([, text]) => text);
  if (missed.length === 0) return 'Every target is met.';
  return `### Why the missed ones are missed\n\n${missed.join('\n')}`;
}

async function main() {
  // The governor's timers are unref'd (they never hold a process open): this one does.
  const keepAlive = setInterval(() => {}, 1000);
  const load = execSync('uptime').toString().trim();
  const commit = execSync('git rev-parse --short HEAD', { cwd: root }).toString().trim();
  const started = new Date();
  const section = async <T>(name: string, run: () => Promise<T>, skipped: T): Promise<T> => {
    if (!runs(name)) return skipped;
    console.info(`[bench] ${name}`);
    return run();
  };
  const sizes = await section('sizes', bundleSizes, { esbuild: '-', rows: [] });
  const perGet = await section('overhead', async () => {
    const sandbox = await startSandbox({ rateLimit: false });
    try {
      return await overhead(sandbox);
    } finally {
      await sandbox.close();
    }
  }, []);
  const cpu = await section('cpu', cpuPerCall, []);
  const batches = await section('goodput', goodput, []);
  const outages = await section(
    'outage',
    async () => [await outage('core'), await outage('ky')],
    [],
  );
  const queue = await section('queue', queueMemory, {
    queued: 0,
    bytesPerRequest: 0,
    releaseMs: 0,
    failures: 0,
    gc: gc !== undefined,
  });
  const loadAfter = execSync('uptime').toString().trim();
  clearInterval(keepAlive);

  const governed = perGet.find((r) => r.name === 'core with the governor');
  const coreAll = sizes.rows[1];
  const coreTypical = sizes.rows[2];
  const reactAll = sizes.rows[3];
  const coreBatch = batches[0];
  const coreOutage = outages[0];
  const targets = [
    [
      'per-GET time, core with the governor ÷ bare ky',
      '≤ 1.10×',
      `${fixed(governed?.ratio ?? 0, 2)}× (paired by round; p25–p75 ${fixed(governed?.ratioSpread[0] ?? 0, 2)}–${fixed(governed?.ratioSpread[1] ?? 0, 2)}×)`,
      (governed?.ratio ?? 9) <= 1.1,
      `${fixed(((governed?.ratio ?? 0) - 1.1) * 100, 0)} points over`,
    ],
    [
      '50 GETs at 10 per 2 s: elapsed ÷ theoretical minimum',
      '≤ 1.10×',
      `${fixed(coreBatch?.ratio ?? 0, 2)}×`,
      (coreBatch?.ratio ?? 9) <= 1.1,
      `${fixed(((coreBatch?.ratio ?? 0) - 1.1) * 100, 0)} points over`,
    ],
    [
      '… 429s per window, failures',
      '≤ 1, 0',
      `${coreBatch?.maxTooManyPerWindow}, ${coreBatch?.failures}`,
      (coreBatch?.maxTooManyPerWindow ?? 9) <= 1 && coreBatch?.failures === 0,
      '',
    ],
    [
      'outage: requests per caller (max), failures',
      '≤ 2, 0',
      `${coreOutage?.perCallerMax}, ${coreOutage?.failures}`,
      (coreOutage?.perCallerMax ?? 9) <= 2 && coreOutage?.failures === 0,
      '',
    ],
    [
      'outage: recovery after the end',
      `≤ Retry-After + 1 s (${(coreOutage?.retryAfterS ?? 0) + 1} s)`,
      `${fixed((coreOutage?.recoveryMs ?? 0) / 1000, 2)} s`,
      (coreOutage?.recoveryMs ?? 1e9) <= 1000 + (coreOutage?.retryAfterS ?? 0) * 1000,
      '',
    ],
    [
      'heap per queued request',
      '≤ 1 KB',
      KB(queue.bytesPerRequest),
      queue.bytesPerRequest <= 1024,
      `${fixed(queue.bytesPerRequest / 1024, 1)}× the target`,
    ],
    [
      'core, own code min+gz',
      '≤ 5 KB',
      KB(coreAll?.gz ?? 0),
      (coreAll?.gz ?? 1e9) <= 5 * 1024,
      `${KB((coreAll?.gz ?? 0) - 5 * 1024)} over`,
    ],
    [
      'react, own code min+gz',
      '≤ 3 KB',
      KB(reactAll?.gz ?? 0),
      (reactAll?.gz ?? 1e9) <= 3 * 1024,
      `${KB((reactAll?.gz ?? 0) - 3 * 1024)} over`,
    ],
  ] as const;

  const md = `# Benchmarks

Written by \`pnpm bench\` (\`packages/core/bench/report.ts\`; the Vitest micro-benchmarks in
\`packages/*/bench/*.bench.ts\` run first and print to the terminal only). Never part of
\`pnpm test\`. Every ratio below is measured side by side in this one run.

- **When:** ${started.toISOString()} at commit \`${commit}\`${quick ? ' — **BENCH_QUICK smoke run: figures not meaningful**' : ''}
- **Core measured:** \`${relative(root, coreEntry)}\`${process.env.BENCH_CORE_SRC ? ' (sources under tsx)' : ' (the build, as an app runs it; ky from its dist likewise)'}
- **Machine:** ${cpus().length} × ${cpus()[0]?.model ?? 'cpu'}, ${fixed(totalmem() / 2 ** 30, 1)} GiB, Node ${process.version}, ${process.platform}
- **Load** (\`uptime\`) before: \`${load}\`; after: \`${loadAfter}\`
- **Command:** \`${process.env.npm_lifecycle_event === 'bench' ? 'pnpm bench' : `node --expose-gc --conditions=@avala-fetch/source --import tsx packages/core/bench/report.ts${process.env.BENCH_BEFORE ? ' (BENCH_BEFORE set)' : ''}`}\`${baselineSrc ? `\n- **Baseline rows:** the core at \`${baselineSrc}\`${process.env.BENCH_BASELINE_LABEL ? ` (${process.env.BENCH_BASELINE_LABEL})` : ''}, interleaved with this tree's in the same rounds` : ''}

## Targets (docs: issue 10)

| figure | target | measured | verdict | by how much |
|---|---|---|---|---|
${targets.map(([name, target, got, met, by]) => `| ${name} | ${target} | ${got} | ${verdict(met)} | ${met ? '' : by} |`).join('\n')}

${whyMissed(targets)}

## 1. Per-GET overhead on loopback

\`GET /datasets/?limit=1\` against a sandbox on 127.0.0.1 with throttling off, one request at a
time. ${quick ? 3 : 25} interleaved rounds (the order rotates each round) of ${quick ? 50 : 300} GETs per variant after a
warm-up; the figure is a round's mean time per GET, median over rounds, with the middle half of
the rounds as spread. The ratio to bare ky is paired: each round's time of the variant ÷ bare
ky's in that same round, median over rounds (p25–p75 of those ratios beside it), so that drift
between rounds cancels instead of widening the ratio. The governor runs with its defaults except the burst cap (off: with it,
20 sends a second would be the figure); the proxy row is plain fetch through
\`@avala-fetch/proxy\` with its in-memory budget (what a browser behind the gateway pays, minus
the client).

| variant | µs per GET (median) | spread (p25–p75) | ÷ bare ky, paired (median) | ratio spread (p25–p75) |
|---|---|---|---|---|
${perGet.map(tableRow).join('\n')}

### CPU per call, fetch stubbed (no target; where the overhead is)

The same GET with a \`fetch\` that answers at once, so only the code around it counts:
${quick ? 3 : 15} interleaved rounds of ${quick ? 200 : 2000} calls, ratios paired by round as above. On loopback (above) a request's own cost hides most
of this; an app on a real network sees even less of it.

| variant | µs per call (median) | spread (p25–p75) | ÷ bare ky, paired (median) | ratio spread (p25–p75) |
|---|---|---|---|---|
${cpu.map(tableRow).join('\n')}

## 2. Goodput under a rate limit

${BATCH.requests} concurrent GETs against a sandbox allowing ${BATCH.limit} per ${BATCH.windowMs / 1000} s (sliding window, no
burst cap), a fresh sandbox per run, ${quick ? 1 : 3} runs each, medians. The theoretical minimum is
(⌈N/L⌉−1)·W = ${(Math.ceil(BATCH.requests / BATCH.limit) - 1) * BATCH.windowMs} ms: the first window at once, then one window per ${BATCH.limit}.
A failure is a call that rejected; a 429 is a refusal the sandbox logged.

| contender | elapsed (ms) | ÷ minimum (runs) | 429s | most 429s in one window | failures |
|---|---|---|---|---|---|
${batches.map((b) => `| ${b.name} | ${fixed(b.elapsedMs, 0)} | ${fixed(b.ratio, 2)}× (${b.ratios.map((r) => fixed(r, 2)).join(', ')}) | ${b.tooMany} | ${b.maxTooManyPerWindow} | ${b.failures} |`).join('\n')}

## 3. An outage

${OUTAGE.callers} concurrent GETs from one client while the sandbox is in maintenance for
${OUTAGE.durationMs / 1000} s (503 with \`Retry-After\`: the time left, ${Math.ceil(OUTAGE.durationMs / 1000)} s at the start). Requests per
caller are counted in the client's \`fetch\`; recovery is the time from the end of the
maintenance to the last caller settling.

| contender | requests per caller (median / max) | total | recovery after the end | failures |
|---|---|---|---|---|
${outages.map((o) => `| ${o.name} | ${o.perCallerMedian} / ${o.perCallerMax} | ${o.total} | ${fixed(o.recoveryMs / 1000, 2)} s | ${o.failures} |`).join('\n')}

## 4. Queue memory and release time

${queue.queued.toLocaleString('en')} \`client.get\` calls queued behind a spent budget (stub \`fetch\`, no network; the first
response said \`Remaining: 0\` until the next reset). Heap growth with every call queued
(after ${queue.gc ? 'a forced GC' : 'no forced GC: run with --expose-gc'}) ÷ calls; release time from the first send after the reset to the
last call settled.

| figure | value |
|---|---|
| heap per queued request | ${KB(queue.bytesPerRequest)} |
| release time of all ${queue.queued.toLocaleString('en')} | ${fixed(queue.releaseMs, 0)} ms |
| failures | ${queue.failures} |

## 5. Bundle sizes

Own code only: esbuild ${sizes.esbuild} bundles the sources (\`--minify\`, ESM, platform neutral)
with ky, zod, react and TanStack external (and core, for react); gzip level 9.

| bundle | min | min+gz |
|---|---|---|
${sizes.rows.map((r) => `| ${r.name} | ${KB(r.min)} | ${KB(r.gz)} |`).join('\n')}

The typical app's import keeps ${fixed(((coreTypical?.gz ?? 0) / (coreAll?.gz ?? 1)) * 100, 0)} % of the core: \`createAvalaClient\` reaches the errors,
the governor and the retry machinery, so little is tree-shaken away.

The size gate in \`pnpm test\` (\`packages/*/test/bundle-size.test.ts\`, budgets in
\`scripts/bundle-size.ts\`) fails when the core's root entry passes ${KB(BUDGETS.core)} or react's
${KB(BUDGETS.react)}: the sizes after the last size pass, rounded up, not issue 10's 5 KB and 3 KB,
which would fail CI today. It keeps the packages from growing unnoticed while the targets are missed.
`;
  const figures: Record<string, number> = {
    'per-GET, core with the governor ÷ bare ky': governed?.ratio ?? 0,
    'CPU per call (stub fetch), core with the governor ÷ bare ky':
      cpu.find((r) => r.name.includes('governor'))?.ratio ?? 0,
    'per-GET, core `rateLimit: false` ÷ bare ky':
      perGet.find((r) => r.name.includes('false'))?.ratio ?? 0,
    'batch elapsed ÷ theoretical minimum': coreBatch?.ratio ?? 0,
    'batch 429s (median)': coreBatch?.tooMany ?? 0,
    'outage requests per caller (max)': coreOutage?.perCallerMax ?? 0,
    'outage recovery after the end (s)': (coreOutage?.recoveryMs ?? 0) / 1000,
    'heap per queued request (KB)': queue.bytesPerRequest / 1024,
    'release time of the queue (ms)': queue.releaseMs,
    'core min+gz (KB)': (coreAll?.gz ?? 0) / 1024,
    'core typical app min+gz (KB)': (coreTypical?.gz ?? 0) / 1024,
    'react min+gz (KB)': (reactAll?.gz ?? 0) / 1024,
  };
  if (process.env.BENCH_JSON) writeFileSync(process.env.BENCH_JSON, JSON.stringify(figures));
  let beforeAfter = '';
  if (process.env.BENCH_BEFORE && existsSync(process.env.BENCH_BEFORE)) {
    const before = JSON.parse(readFileSync(process.env.BENCH_BEFORE, 'utf8')) as {
      label?: string;
    } & Record<string, number>;
    beforeAfter = `
## Before → after

The same script, the same machine, minutes apart: "before" ran on the sources of
${process.env.BENCH_BEFORE_LABEL ?? 'an earlier commit'}, "after" is this run.

| figure | before | after |
|---|---|---|
${Object.entries(figures)
  .map(
    ([name, value]) => `| ${name} | ${fixed(before[name] ?? Number.NaN, 2)} | ${fixed(value, 2)} |`,
  )
  .join('\n')}
`;
  }
  const out = process.env.BENCH_OUT ?? join(root, 'docs/benchmarks.md');
  writeFileSync(out, md + beforeAfter);
  console.info(md);
  console.info(`[bench] wrote ${out}`);
  // Undici keep-alive sockets and the governor's channels would hold the process open.
  process.exit(0);
}

await main();
