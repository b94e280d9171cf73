import { describe, expect, it } from 'vitest';
import { startSandbox } from '../src/index.js';

describe('startSandbox', () => {
  it('listens on a free port and reports its URLs', async () => {
    const sandbox = await startSandbox({ port: 0 });
    try {
      expect(sandbox.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
      expect(sandbox.apiUrl).toBe(`${sandbox.url}/api/v1`);
      expect((await fetch(`${sandbox.apiUrl}/health/`)).status).toBe(200);
    } finally {
      await sandbox.close();
    }
  });

  it('rejects when the port is taken', async () => {
    const first = await startSandbox({ port: 0 });
    try {
      const port = Number(new URL(first.url).port);
      await expect(startSandbox({ port })).rejects.toMatchObject({ code: 'EADDRINUSE' });
    } finally {
      await first.close();
    }
  });

  it('rejects options that cannot work', async () => {
    await expect(startSandbox({ rateLimit: { limit: 0 } })).rejects.toThrow(RangeError);
    await expect(startSandbox({ maxBodyBytes: -1 })).rejects.toThrow(RangeError);
    await expect(startSandbox({ rateLimit: { inferenceLimit: 0 } })).rejects.toThrow(RangeError);
    await expect(startSandbox({ fieldErrors: 'nested' as unknown as 'root' })).rejects.toThrow(
      /fieldErrors must be 'wrapped' or 'root'/,
    );
  });

  it('closes once, however often close() is called, and stops answering', async () => {
    const sandbox = await startSandbox({ port: 0 });
    await fetch(`${sandbox.apiUrl}/health/`);
    await Promise.all([sandbox.close(), sandbox.close()]);
    await sandbox.close();
    await expect(fetch(`${sandbox.apiUrl}/health/`)).rejects.toThrow(TypeError);
  });

  it('runs several sandboxes side by side without sharing state', async () => {
    const [a, b] = await Promise.all([startSandbox(), startSandbox()]);
    try {
      a.setMaintenance({});
      expect(
        (await fetch(`${b.apiUrl}/datasets/`, { headers: { 'X-Avala-Api-Key': b.keys.admin } }))
          .status,
      ).toBe(200);
      expect(
        (await fetch(`${a.apiUrl}/datasets/`, { headers: { 'X-Avala-Api-Key': a.keys.admin } }))
          .status,
      ).toBe(503);
      expect(b.log).toHaveLength(1);
    } finally {
      await Promise.all([a.close(), b.close()]);
    }
  });
});
