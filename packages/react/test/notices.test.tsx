import type { AvalaClient, Page } from '@avala-fetch/core';
import type { Sandbox } from '@avala-fetch/sandbox';
import type { QueryClient } from '@tanstack/react-query';
import { act, render, renderHook, screen, waitFor } from '@testing-library/react';
import { StrictMode } from 'react';
import { beforeEach, describe, expect, it } from 'vitest';
import {
  type AvalaNoticeChange,
  AvalaProvider,
  useAvalaNotices,
  useAvalaQuery,
  useRateLimit,
} from '../src/index.js';
import { createTestClient, providerWrapper, requestsTo, sandboxSuite } from './helpers.js';

let sandbox: Sandbox;
let client: AvalaClient;
let queryClient: QueryClient;

// Real rate-limit headers, but a budget the tests never exhaust by accident.
const suite = sandboxSuite({ rateLimit: { limit: 1_000, burst: 1_000 } });
beforeEach(() => {
  ({ sandbox, client, queryClient } = suite);
});

function Lists({ count }: { count: number }) {
  return Array.from({ length: count }, (_, index) => (
    // A different key each, so TanStack does not share one request between them.
    // biome-ignore lint/suspicious/noArrayIndexKey: a fixed list
    <List key={index} limit={index + 1} />
  ));
}

function List({ limit }: { limit: number }) {
  const { data } = useAvalaQuery<Page<unknown>>('/datasets/', { searchParams: { limit } });
  return data ? <p>loaded {limit}</p> : null;
}

function Notices() {
  return useAvalaNotices().map((notice) => (
    <div role="status" key={notice.id}>
      {notice.kind}
      <button type="button" onClick={notice.dismiss}>
        dismiss {notice.kind}
      </button>
    </div>
  ));
}

describe('notices', () => {
  it('raises one rate-limit notice for 20 concurrent 429s and replaces it with a recovered one', async () => {
    sandbox.injectFault({
      type: 'status',
      status: 429,
      retryAfterS: 0,
      count: 20,
      path: '/datasets/',
    });
    const changes: AvalaNoticeChange[] = [];
    render(
      <AvalaProvider client={client} queryClient={queryClient} onNotice={(c) => changes.push(c)}>
        <Notices />
        <Lists count={20} />
      </AvalaProvider>,
    );
    await waitFor(() => expect(screen.getAllByText(/^loaded /)).toHaveLength(20));
    await waitFor(() => expect(changes.at(-1)?.notice.kind).toBe('recovered'));

    const limited = requestsTo(sandbox, '/datasets/').filter((entry) => entry.status === 429);
    expect(limited).toHaveLength(20);
    const shown = changes.filter((c) => c.type === 'shown' && c.notice.kind === 'rate_limited');
    expect(shown).toHaveLength(1);
    expect(shown[0]?.notice).toMatchObject({ id: 'rate_limited', kind: 'rate_limited' });
    expect(typeof (shown[0]?.notice.kind === 'rate_limited' && shown[0].notice.retryAt)).toBe(
      'number',
    );
    expect(changes.slice(-2)).toMatchObject([
      { type: 'cleared', reason: 'ended', notice: { kind: 'rate_limited' } },
      { type: 'shown', notice: { kind: 'recovered', from: 'rate_limited' } },
    ]);
    expect(screen.getAllByRole('status').map((status) => status.textContent)).toEqual([
      'recovereddismiss recovered',
    ]);
    act(() => screen.getByRole('button', { name: 'dismiss recovered' }).click());
    expect(screen.queryByRole('status')).toBeNull();
  });

  it('shows a 503 notice while the API is in maintenance and a recovered one when it is back', async () => {
    sandbox.injectFault({
      type: 'status',
      status: 503,
      retryAfterS: 0,
      count: 2,
      path: '/datasets/',
    });
    const changes: AvalaNoticeChange[] = [];
    render(
      <AvalaProvider client={client} queryClient={queryClient} onNotice={(c) => changes.push(c)}>
        <Lists count={1} />
      </AvalaProvider>,
    );
    expect(await screen.findByText('loaded 1')).toBeTruthy();
    await waitFor(() => expect(changes.at(-1)?.notice.kind).toBe('recovered'));
    expect(changes.map((c) => [c.type, c.notice.kind])).toEqual([
      ['shown', 'service_unavailable'],
      ['cleared', 'service_unavailable'],
      ['shown', 'recovered'],
    ]);
  });

  it('shows one unauthorized banner for a revoked key, which the user can dismiss', async () => {
    client = createTestClient(sandbox, { apiKey: sandbox.keys.revoked });
    render(
      <AvalaProvider client={client} queryClient={queryClient}>
        <Notices />
        <Lists count={3} />
      </AvalaProvider>,
    );
    expect(await screen.findByRole('status')).toHaveProperty(
      'textContent',
      'unauthorizeddismiss unauthorized',
    );
    await waitFor(() => expect(requestsTo(sandbox, '/datasets/')).toHaveLength(3)); // no retries
    expect(screen.getAllByRole('status')).toHaveLength(1);
    act(() => screen.getByRole('button', { name: 'dismiss unauthorized' }).click());
    expect(screen.queryByRole('status')).toBeNull();
  });

  it('reports a notice once under StrictMode (effects run twice there)', async () => {
    client = createTestClient(sandbox, { apiKey: sandbox.keys.revoked });
    const changes: AvalaNoticeChange[] = [];
    render(
      <StrictMode>
        <AvalaProvider client={client} queryClient={queryClient} onNotice={(c) => changes.push(c)}>
          <Notices />
          <Lists count={2} />
        </AvalaProvider>
      </StrictMode>,
    );
    expect(await screen.findByRole('status')).toBeTruthy();
    await waitFor(() => expect(requestsTo(sandbox, '/datasets/')).toHaveLength(2));
    expect(changes.map((c) => [c.type, c.notice.kind])).toEqual([['shown', 'unauthorized']]);
  });

  it('shows a forbidden notice for another organization’s dataset', async () => {
    client = createTestClient(sandbox, { apiKey: sandbox.keys.otherOrg });
    const page = await createTestClient(sandbox).get<Page<{ uid: string }>>('/datasets/', {
      searchParams: { limit: 1 },
    });
    const uid = page.results[0]?.uid ?? '';
    const { result } = renderHook(
      () => ({ query: useAvalaQuery(['datasets', uid]), notices: useAvalaNotices() }),
      { wrapper: providerWrapper({ client, queryClient }) },
    );
    await waitFor(() => expect(result.current.query.isError).toBe(true));
    expect(result.current.query.error?.kind).toBe('forbidden');
    await waitFor(() => expect(result.current.notices.map((n) => n.kind)).toEqual(['forbidden']));

    // Each 403 is about one action: after a dismissal, the next one shows again.
    act(() => result.current.notices[0]?.dismiss());
    expect(result.current.notices).toEqual([]);
    await act(() => result.current.query.refetch());
    await waitFor(() => expect(result.current.notices.map((n) => n.kind)).toEqual(['forbidden']));
  });
});

describe('useRateLimit', () => {
  it('follows the budget the responses announce', async () => {
    const { result } = renderHook(
      () => ({
        budget: useRateLimit(),
        query: useAvalaQuery('/datasets/', { searchParams: { limit: 1 } }),
      }),
      { wrapper: providerWrapper({ client, queryClient }) },
    );
    await waitFor(() => expect(result.current.query.isSuccess).toBe(true));
    await waitFor(() => expect(result.current.budget.limit).toBe(1_000));
    expect(result.current.budget.remaining).toBeLessThan(1_000);
    expect(result.current.budget.resetAt).toBeGreaterThan(Date.now() - 1_000);
    expect(result.current.budget).toMatchObject({ queued: 0, inFlight: 0 });
  });
});
