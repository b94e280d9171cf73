// @vitest-environment jsdom
import { expect, it } from 'vitest';
import { call, faultsTaken, useSandbox, validDataset } from './helpers.js';

// The React package's tests run in jsdom, whose AbortController and events replace Node's.
const ctx = useSandbox();

it('serves requests and records a client abort when started from a jsdom test', async () => {
  expect((await call(ctx.sandbox, '/datasets/?limit=1')).status).toBe(200);
  expect(
    (await call(ctx.sandbox, '/datasets/', { method: 'POST', json: validDataset('j') })).status,
  ).toBe(201);
  ctx.sandbox.injectFault({ type: 'delay', delayMs: 10_000 });
  const controller = new AbortController();
  const pending = call(ctx.sandbox, '/datasets/', { signal: controller.signal }).catch(
    (error: unknown) => error,
  );
  await faultsTaken(ctx.sandbox);
  controller.abort();
  expect(await pending).toMatchObject({ name: 'AbortError' });
  await expect.poll(() => ctx.sandbox.log.length).toBe(3);
  expect(ctx.sandbox.log[2]).toMatchObject({ aborted: true, fault: 'delay' });
});
