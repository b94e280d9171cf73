import { beforeEach, describe, expect, inject, it } from 'vitest';
import type { AvalaError } from '../../src/index.js';
import { clientFor, failureOf, injectFault, resetSandbox, sandbox, sandboxLog } from './helpers.js';

// A browser never shows a page the 3xx of a `redirect: 'manual'` fetch, only an opaque
// response (status 0, no headers); the client must still refuse it, and the key must not
// travel to the origin the redirect names.

const otherOrigin = inject('otherOrigin');

beforeEach(async () => {
  await Promise.all([resetSandbox(), resetSandbox(otherOrigin)]);
});

/** The sandbox answers the next `/datasets/` request with a 302 to the other origin. */
async function redirectToOtherOrigin(): Promise<void> {
  await injectFault({
    type: 'status',
    status: 302,
    path: '/datasets/',
    headers: { Location: `${otherOrigin.apiUrl}/datasets/` },
  });
}

describe('redirects in a browser', () => {
  it("hands a redirect: 'manual' fetch an opaque redirect, not the 302", async () => {
    await redirectToOtherOrigin();

    const response = await fetch(`${sandbox.apiUrl}/datasets/`, {
      redirect: 'manual',
      headers: { 'X-Avala-Api-Key': sandbox.keys.admin },
    });

    expect(response.type).toBe('opaqueredirect');
    expect(response.status).toBe(0);
    expect(response.headers.get('Location')).toBeNull();
  });

  it('reports a redirect to another origin as not followed, and nothing reaches that origin', async () => {
    await redirectToOtherOrigin();
    const { client } = clientFor();

    const error = (await failureOf(client.get('/datasets/'))) as AvalaError;

    expect(error).toMatchObject({ kind: 'unexpected_status', attempts: 1, transient: false });
    expect(error.message).toMatch(/not followed/);
    expect((await sandboxLog()).map((entry) => entry.status)).toEqual([302]);
    expect(await sandboxLog(otherOrigin)).toEqual([]);
  });
});
