import { AvalaError, type AvalaEvent } from '@avala-fetch/core';
import { describe, expect, it } from 'vitest';
import { initialNoticeState, type NoticeState, noticeReducer } from '../src/notices/reducer.js';

const rateLimitError = new AvalaError({ kind: 'rate_limited', status: 429, retryAfterMs: 1000 });
const unavailable = new AvalaError({
  kind: 'service_unavailable',
  status: 503,
  detail: 'Down for maintenance.',
});

function run(
  events: AvalaEvent[],
  from: NoticeState = initialNoticeState,
  at = 1_000,
): NoticeState {
  return events.reduce((state, event) => noticeReducer(state, { type: 'event', event, at }), from);
}

describe('noticeReducer', () => {
  it('shows one rate-limit notice for twenty 429s, with the latest retry time', () => {
    const events: AvalaEvent[] = Array.from({ length: 20 }, (_, i) => ({
      type: 'rate_limited',
      until: 5_000 + (i % 3) * 100,
      error: rateLimitError,
    }));
    const state = run(events);
    expect(state.notices).toHaveLength(1);
    expect(state.notices[0]).toMatchObject({
      id: 'rate_limited',
      kind: 'rate_limited',
      retryAt: 5_200,
      since: 1_000,
    });
  });

  it('returns the same state for a duplicate that changes nothing', () => {
    const once = run([{ type: 'rate_limited', until: 5_000, error: rateLimitError }]);
    const twice = noticeReducer(once, {
      type: 'event',
      event: { type: 'rate_limited', until: 4_000, error: rateLimitError },
      at: 2_000,
    });
    expect(twice).toBe(once);
  });

  it('replaces a condition with a recovered notice when the client reports recovery', () => {
    const state = run([
      { type: 'rate_limited', until: 5_000, error: rateLimitError },
      { type: 'service_unavailable', until: 9_000, error: unavailable },
    ]);
    const recovered = noticeReducer(state, {
      type: 'event',
      event: { type: 'recovered', from: 'rate_limited' },
      at: 6_000,
    });
    expect(recovered.notices.map((n) => n.kind)).toEqual(['service_unavailable', 'recovered']);
    expect(recovered.notices[0]).toMatchObject({ retryAt: 9_000, detail: 'Down for maintenance.' });
    expect(recovered.notices[1]).toEqual({
      id: 'recovered',
      kind: 'recovered',
      from: 'rate_limited',
      message: expect.stringMatching(/rate limit/i),
      since: 6_000,
    });
  });

  it('keeps one recovered notice, saying what recovered last', () => {
    const state = run([
      { type: 'rate_limited', until: 5_000, error: rateLimitError },
      { type: 'service_unavailable', until: 9_000, error: unavailable },
      { type: 'recovered', from: 'rate_limited' },
      { type: 'recovered', from: 'service_unavailable' },
    ]);
    expect(state.notices).toEqual([
      expect.objectContaining({ kind: 'recovered', from: 'service_unavailable' }),
    ]);
  });

  it('gives each condition its own recovered message', () => {
    const raised: AvalaEvent[] = [
      { type: 'rate_limited', until: 5_000, error: rateLimitError },
      { type: 'service_unavailable', error: unavailable },
      { type: 'offline', error: new AvalaError({ kind: 'network' }) },
    ];
    const messages = raised.map((event) => {
      const from = event.type as 'rate_limited' | 'service_unavailable' | 'offline';
      const [notice] = run([event, { type: 'recovered', from }]).notices;
      expect(notice).toMatchObject({ kind: 'recovered', from });
      return notice?.message;
    });
    expect(new Set(messages).size).toBe(3);
  });

  it('says nothing about a recovery from a condition that was never noticed', () => {
    const shown = run([{ type: 'offline', error: new AvalaError({ kind: 'network' }) }]);
    expect(run([{ type: 'recovered', from: 'rate_limited' }], shown)).toBe(shown);
    expect(run([{ type: 'recovered', from: 'offline' }])).toBe(initialNoticeState);
  });

  it('announces the recovery of a condition the user had dismissed', () => {
    const shown = run([{ type: 'rate_limited', until: 5_000, error: rateLimitError }]);
    const dismissed = noticeReducer(shown, { type: 'dismiss', id: 'rate_limited' });
    const state = run([{ type: 'recovered', from: 'rate_limited' }], dismissed);
    expect(state.notices).toEqual([
      expect.objectContaining({ kind: 'recovered', from: 'rate_limited' }),
    ]);
    expect(state.dismissed).toEqual([]);
  });

  it('clears the recovered notice when a new rate limit, outage or network failure shows', () => {
    const recovered = run([
      { type: 'offline', error: new AvalaError({ kind: 'network' }) },
      { type: 'recovered', from: 'offline' },
    ]);
    const conditions: AvalaEvent[] = [
      { type: 'rate_limited', until: 5_000, error: rateLimitError },
      { type: 'service_unavailable', error: unavailable },
      { type: 'offline', error: new AvalaError({ kind: 'network' }) },
    ];
    for (const event of conditions) {
      expect(run([event], recovered).notices.map((n) => n.kind)).toEqual([event.type]);
    }
  });

  it('keeps the recovered notice when a 401 or 403 arrives: those are about the key', () => {
    const recovered = run([
      { type: 'offline', error: new AvalaError({ kind: 'network' }) },
      { type: 'recovered', from: 'offline' },
    ]);
    const error = new AvalaError({ kind: 'forbidden', status: 403 });
    expect(run([{ type: 'error', error }], recovered).notices.map((n) => n.kind)).toEqual([
      'recovered',
      'forbidden',
    ]);
  });

  it('shows the next recovered notice after the user dismissed one', () => {
    const offline: AvalaEvent = { type: 'offline', error: new AvalaError({ kind: 'network' }) };
    const recovered = run([offline, { type: 'recovered', from: 'offline' }]);
    const dismissed = noticeReducer(recovered, { type: 'dismiss', id: 'recovered' });
    expect(dismissed).toEqual(initialNoticeState);
    const again = run([offline, { type: 'recovered', from: 'offline' }], dismissed);
    expect(again.notices.map((n) => n.kind)).toEqual(['recovered']);
  });

  it('keeps a 503 notice without a retry time when the server gave none', () => {
    const state = run([{ type: 'service_unavailable', error: unavailable }]);
    expect(state.notices[0]).toMatchObject({ kind: 'service_unavailable', retryAt: undefined });
  });

  it('shows offline once and clears it on recovery', () => {
    const offline = new AvalaError({ kind: 'network' });
    const state = run([
      { type: 'offline', error: offline },
      { type: 'offline', error: offline },
    ]);
    expect(state.notices).toEqual([expect.objectContaining({ id: 'offline' })]);
    expect(run([{ type: 'recovered', from: 'offline' }], state).notices).toEqual([
      expect.objectContaining({ kind: 'recovered', from: 'offline' }),
    ]);
  });

  it('turns a 401 into an unauthorized notice that a later success clears', () => {
    const error = new AvalaError({ kind: 'unauthorized', status: 401, detail: 'Invalid key.' });
    const state = run([
      { type: 'error', error },
      { type: 'error', error },
    ]);
    expect(state.notices).toEqual([
      expect.objectContaining({ kind: 'unauthorized', detail: 'Invalid key.' }),
    ]);
    const ok: AvalaEvent = {
      type: 'response',
      method: 'GET',
      url: '/x',
      status: 200,
      attempt: 1,
      durationMs: 3,
    };
    expect(run([ok], state).notices).toEqual([]);
  });

  it('turns a 403 into a forbidden notice carrying its code and doc link', () => {
    const error = new AvalaError({
      kind: 'forbidden',
      status: 403,
      detail: 'Upgrade your plan.',
      code: 'plan_insufficient',
      docUrl: 'https://docs.avala.ai/plans',
    });
    const state = run([{ type: 'error', error }]);
    expect(state.notices[0]).toMatchObject({
      kind: 'forbidden',
      code: 'plan_insufficient',
      docUrl: 'https://docs.avala.ai/plans',
    });
  });

  it('shows a dismissed forbidden notice again on the next 403', () => {
    const error = new AvalaError({ kind: 'forbidden', status: 403, detail: 'Not yours.' });
    const shown = run([{ type: 'error', error }]);
    const dismissed = noticeReducer(shown, { type: 'dismiss', id: 'forbidden' });
    expect(dismissed).toEqual(initialNoticeState);
    expect(run([{ type: 'error', error }], dismissed).notices).toEqual([
      expect.objectContaining({ kind: 'forbidden', detail: 'Not yours.' }),
    ]);
  });

  it('keeps a dismissed unauthorized notice hidden until a success ends it', () => {
    const error = new AvalaError({ kind: 'unauthorized', status: 401 });
    const dismissed = noticeReducer(run([{ type: 'error', error }]), {
      type: 'dismiss',
      id: 'unauthorized',
    });
    expect(run([{ type: 'error', error }], dismissed).notices).toEqual([]);
  });

  it('ignores errors that are not a condition (a 404, a 400)', () => {
    const state = run([
      { type: 'error', error: new AvalaError({ kind: 'not_found', status: 404 }) },
      { type: 'error', error: new AvalaError({ kind: 'bad_request', status: 400 }) },
    ]);
    expect(state).toBe(initialNoticeState);
  });

  it('keeps a dismissed condition hidden until it ends, then shows it again', () => {
    const limited: AvalaEvent = { type: 'rate_limited', until: 5_000, error: rateLimitError };
    const shown = run([limited]);
    const dismissed = noticeReducer(shown, { type: 'dismiss', id: 'rate_limited' });
    expect(dismissed.notices).toEqual([]);
    expect(run([limited, limited], dismissed).notices).toEqual([]);
    const ended = run([{ type: 'recovered', from: 'rate_limited' }], dismissed);
    expect(run([limited], ended).notices.map((n) => n.kind)).toEqual(['rate_limited']);
  });

  it('ignores a dismissal of a notice that is not shown', () => {
    expect(noticeReducer(initialNoticeState, { type: 'dismiss', id: 'offline' })).toBe(
      initialNoticeState,
    );
  });

  it('shows a concurrency notice, not a rate-limit one, for a full export pool', () => {
    const full = new AvalaError({ kind: 'rate_limited', status: 429, code: 'too_many_exports' });
    const state = run([
      { type: 'concurrency_limited', pool: 'exports', limit: 5, until: 8_000, error: full },
      { type: 'concurrency_limited', pool: 'exports', limit: 5, until: 9_000, error: full },
    ]);
    expect(state.notices).toEqual([
      {
        id: 'concurrency_limited',
        kind: 'concurrency_limited',
        message: '5 exports are running; yours starts when one finishes.',
        since: 1_000,
        pool: 'exports',
        limit: 5,
        retryAt: 9_000,
      },
    ]);
    const recovered = noticeReducer(state, {
      type: 'event',
      event: { type: 'recovered', from: 'concurrency_limited' },
      at: 10_000,
    });
    expect(recovered.notices).toMatchObject([{ kind: 'recovered', from: 'concurrency_limited' }]);
  });

  it('words a concurrency notice for a pool of unknown size', () => {
    const full = new AvalaError({ kind: 'rate_limited', status: 429 });
    const state = run([{ type: 'concurrency_limited', error: full }]);
    expect(state.notices[0]?.message).toBe(
      'Too many jobs are running; yours starts when one finishes.',
    );
  });
});
