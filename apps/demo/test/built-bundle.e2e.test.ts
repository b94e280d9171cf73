/**
 * The built demo in real-API mode holds no key (docs/security.md): the key is added on the
 * server (the gateway in the dev server, or `@avala-fetch/proxy` in production), so no
 * build — whatever the environment or the config says — may carry it to the browser.
 * Builds with Vite into a temporary directory and reads every file of the output.
 */
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { build, type UserConfig } from 'vite';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import viteConfig, { demoViteConfig } from '../vite.config.js';

const PLANTED = 'avk_planted_demo_build_5f3a9c1e7b';
// Without the prefix too: a build that split or re-encoded the key would still show this.
const TAIL = PLANTED.slice('avk_'.length);
const PLANTED_ENV = {
  AVALA_MODE: 'real',
  AVALA_API_KEY: PLANTED,
  // Vite hands `VITE_*` variables to the page's code: a tempting place for a key.
  VITE_AVALA_API_KEY: PLANTED,
  VITE_API_KEY: PLANTED,
};

let outRoot: string;
const saved: Record<string, string | undefined> = {};

beforeAll(async () => {
  outRoot = await mkdtemp(join(tmpdir(), 'avala-demo-build-'));
  for (const [name, value] of Object.entries(PLANTED_ENV)) {
    saved[name] = process.env[name];
    process.env[name] = value;
  }
});
afterAll(async () => {
  for (const [name, value] of Object.entries(saved)) {
    if (value === undefined) delete process.env[name];
    else process.env[name] = value;
  }
  await rm(outRoot, { recursive: true, force: true });
});

async function filesUnder(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { recursive: true, withFileTypes: true });
  return entries
    .filter((entry) => entry.isFile())
    .map((entry) => join(entry.parentPath, entry.name));
}

/** Builds `config` into a fresh directory and returns every output file with its text. */
async function buildDemo(
  config: UserConfig,
  name: string,
): Promise<{ file: string; text: string }[]> {
  const outDir = join(outRoot, name);
  await build({
    ...config,
    configFile: false,
    logLevel: 'silent',
    mode: 'production',
    build: { ...config.build, outDir, emptyOutDir: true },
  });
  const files = await filesUnder(outDir);
  return Promise.all(
    files.map(async (file) => ({ file, text: (await readFile(file)).toString('latin1') })),
  );
}

function filesHoldingTheKey(files: { file: string; text: string }[]): string[] {
  return files.filter(({ text }) => text.includes(TAIL)).map(({ file }) => file);
}

describe('the built demo in real-API mode', () => {
  it('is scanned for real: the sandbox build carries its public demo keys, and the scan finds them', async () => {
    const files = await buildDemo(
      demoViteConfig({ mode: 'sandbox', sandboxUrl: 'http://127.0.0.1:8787' }),
      'sandbox',
    );
    const holding = files.filter(({ text }) => text.includes('avk_sandbox_admin'));
    expect(holding.map(({ file }) => file.split('/').at(-1))).toEqual(['index.html']);
  }, 60_000);

  it('holds no key when built from vite.config.ts with the key in the environment', async () => {
    const config = await (typeof viteConfig === 'function'
      ? viteConfig({ command: 'build', mode: 'production', isSsrBuild: false, isPreview: false })
      : viteConfig);
    const files = await buildDemo(config, 'from-env');
    // A real build: the page and its scripts are there to be scanned.
    expect(files.some(({ file }) => file.endsWith('index.html'))).toBe(true);
    expect(files.some(({ file }) => file.endsWith('.js'))).toBe(true);
    expect(files.find(({ file }) => file.endsWith('index.html'))?.text).toContain('"mode":"real"');
    expect(filesHoldingTheKey(files)).toEqual([]);
  }, 60_000);

  it('holds no key when the real-mode config itself is given the key', async () => {
    const files = await buildDemo(demoViteConfig({ mode: 'real', apiKey: PLANTED }), 'from-config');
    expect(files.some(({ file }) => file.endsWith('.js'))).toBe(true);
    expect(filesHoldingTheKey(files)).toEqual([]);
  }, 60_000);
});
