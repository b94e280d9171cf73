import { describe, expect, it, vi } from 'vitest';
import { JobSlots, jobPathOf } from '../../src/core/jobs.js';

describe('job slots (client.startJob)', () => {
  it('names the job by its uid under the collection it was created in', () => {
    expect(jobPathOf('/exports/', { uid: 'e 1' })).toBe('/exports/e%201/');
    expect(jobPathOf('/exports', { uid: 'e1' })).toBe('/exports/e1/');
    expect(jobPathOf('/exports/', { id: 1 })).toBeUndefined();
  });

  it.each([
    ['a poll showing exported', 'GET', '/exports/e1/', 200, { uid: 'e1', status: 'exported' }],
    ['a poll showing failed', 'GET', '/exports/e1/', 200, { uid: 'e1', status: 'failed' }],
    [
      'a list page showing it cancelled',
      'GET',
      '/exports/',
      200,
      { results: [{ uid: 'e1', status: 'cancelled' }] },
    ],
    ['a cancel that went through', 'POST', '/exports/e1/cancel/', 200, {}],
    ['a delete that went through', 'DELETE', '/exports/e1/', 204, undefined],
    ['a 404 for it', 'GET', '/exports/e1/', 404, undefined],
  ])('frees the slot on %s', (_, method, path, status, body) => {
    const slots = new JobSlots();
    const end = vi.fn();
    slots.track('/exports/e1/', end);
    slots.observe(method, path, status, body);
    expect(end).toHaveBeenCalledTimes(1);
    expect(slots.size).toBe(0);
  });

  it('keeps the slot while the job runs, or when another job ends', () => {
    const slots = new JobSlots();
    const end = vi.fn();
    slots.track('/exports/e1/', end);
    slots.observe('GET', '/exports/e1/', 200, { uid: 'e1', status: 'running' });
    slots.observe('GET', '/exports/e2/', 200, { uid: 'e2', status: 'exported' });
    slots.observe('GET', '/exports/e1/', 500, undefined);
    expect(end).not.toHaveBeenCalled();
  });

  it('frees once, whether released or seen to end', () => {
    const slots = new JobSlots();
    const end = vi.fn();
    const release = slots.track('/exports/e1/', end);
    release();
    release();
    slots.observe('GET', '/exports/e1/', 200, { status: 'exported' });
    expect(end).toHaveBeenCalledTimes(1);
  });
});
