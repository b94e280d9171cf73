import { AvalaError, type AvalaEvent, type AvalaEventListener } from '@avala-fetch/core';
import { describe, expect, it } from 'vitest';
import { type AvalaNoticeChange, createNoticeStore } from '../src/notices/store.js';

/** Just the event source of a client. */
function eventSource() {
  const listeners = new Set<AvalaEventListener>();
  return {
    subscribe(listener: AvalaEventListener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    emit(event: AvalaEvent) {
      for (const listener of listeners) listener(event);
    },
    get size() {
      return listeners.size;
    },
  };
}

const limited: AvalaEvent = {
  type: 'rate_limited',
  until: 10_000,
  error: new AvalaError({ kind: 'rate_limited', status: 429, retryAfterMs: 1000 }),
};

describe('notice store', () => {
  it('reports shown once, then updated, then cleared and recovered, to onNotice', () => {
    const source = eventSource();
    const store = createNoticeStore(() => 1_000);
    const changes: AvalaNoticeChange[] = [];
    store.setListener((change) => changes.push(change));
    const disconnect = store.connect(source);

    for (let i = 0; i < 20; i++) source.emit(limited);
    source.emit({ ...limited, until: 12_000 });
    source.emit({ type: 'recovered', from: 'rate_limited' });

    expect(changes.map((c) => [c.type, c.notice.kind])).toEqual([
      ['shown', 'rate_limited'],
      ['updated', 'rate_limited'],
      ['cleared', 'rate_limited'],
      ['shown', 'recovered'],
    ]);
    expect(changes[2]).toMatchObject({ reason: 'ended', notice: { retryAt: 12_000 } });
    disconnect();
    expect(source.size).toBe(0);
  });

  it('keeps snapshot identity while nothing changes and dismisses through the notice', () => {
    const source = eventSource();
    const store = createNoticeStore();
    const changes: AvalaNoticeChange[] = [];
    store.setListener((change) => changes.push(change));
    store.connect(source);
    let renders = 0;
    store.subscribe(() => renders++);

    source.emit(limited);
    const first = store.getSnapshot();
    source.emit(limited);
    expect(store.getSnapshot()).toBe(first);
    expect(renders).toBe(1);

    first[0]?.dismiss();
    expect(store.getSnapshot()).toEqual([]);
    expect(changes.at(-1)).toMatchObject({ type: 'cleared', reason: 'dismissed' });
  });

  it('reports a recovered notice cleared by the next condition as ended', () => {
    const source = eventSource();
    const store = createNoticeStore(() => 1_000);
    const changes: AvalaNoticeChange[] = [];
    store.setListener((change) => changes.push(change));
    store.connect(source);

    source.emit(limited);
    source.emit({ type: 'recovered', from: 'rate_limited' });
    expect(store.getSnapshot()).toEqual([
      expect.objectContaining({ kind: 'recovered', from: 'rate_limited' }),
    ]);
    source.emit(limited);
    expect(store.getSnapshot().map((n) => n.kind)).toEqual(['rate_limited']);
    expect(
      changes.slice(-2).map((c) => [c.type, c.notice.kind, 'reason' in c && c.reason]),
    ).toEqual([
      ['cleared', 'recovered', 'ended'],
      ['shown', 'rate_limited', false],
    ]);
  });
});
