import { type ChildProcess, spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const packageRoot = fileURLToPath(new URL('../..', import.meta.url));

/** A proxy running as its own process (the CLI, from source), with everything it printed. */
export interface ProxyProcess {
  readonly url: string;
  /** Every line it wrote to stdout or stderr. */
  readonly output: string[];
  stop(): Promise<void>;
}

/**
 * Runs `src/cli.ts` under tsx with the source condition, as `pnpm proxy` does, and resolves
 * with its URL once it prints that it listens.
 */
export function spawnProxy(env: Record<string, string>): Promise<ProxyProcess> {
  const child: ChildProcess = spawn(
    process.execPath,
    ['--conditions=@avala-fetch/source', '--import', 'tsx', 'src/cli.ts'],
    {
      cwd: packageRoot,
      env: { PATH: process.env.PATH ?? '', PORT: '0', ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  const output: string[] = [];
  const collect = (chunk: Buffer) => output.push(...chunk.toString().split('\n').filter(Boolean));
  child.stdout?.on('data', collect);
  child.stderr?.on('data', collect);

  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`proxy did not start:\n${output.join('\n')}`));
    }, 15_000);
    const onData = () => {
      const line = output.find((text) => text.startsWith('avala-proxy listening on '));
      if (!line) return;
      clearTimeout(timer);
      child.stdout?.off('data', onData);
      resolve({
        url: line.slice('avala-proxy listening on '.length).trim(),
        output,
        stop: () =>
          new Promise<void>((done) => {
            if (child.exitCode !== null) return done();
            child.once('exit', () => done());
            child.kill('SIGTERM');
          }),
      });
    };
    child.stdout?.on('data', onData);
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`proxy exited with ${code}:\n${output.join('\n')}`));
    });
  });
}

/** Runs the CLI to its exit (for configuration errors) and returns its exit code and output. */
export function runProxyToExit(
  env: Record<string, string>,
): Promise<{ code: number | null; output: string }> {
  const child = spawn(
    process.execPath,
    ['--conditions=@avala-fetch/source', '--import', 'tsx', 'src/cli.ts'],
    {
      cwd: packageRoot,
      env: { PATH: process.env.PATH ?? '', ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  let output = '';
  child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
  return new Promise((resolve) => child.once('exit', (code) => resolve({ code, output })));
}
