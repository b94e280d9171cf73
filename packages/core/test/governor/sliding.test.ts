import { describe, expect, it, vi } from 'vitest';
import { budgetHeaders, ok, settle, T0, useGovernors } from './helpers.js';

const { make } = useGovernors();

/** Moves the fake clock to `at` (epoch ms), running the governor's timers on the way. */
async function until(at: number) {
  await vi.advanceTimersByTimeAsync(at - Date.now());
}

/** At most how many of `times` fall in any `windowMs` (a sliding window over them). */
function busiest(times: readonly number[], windowMs: number): number {
  const sorted = [...times].sort((a, b) => a - b);
  let most = 0;
  for (let start = 0, end = 0; end < sorted.length; end++) {
    while ((sorted[end] ?? 0) - (sorted[start] ?? 0) >= windowMs) start++;
    most = Math.max(most, end - start + 1);
  }
  return most;
}

describe('sliding release', () => {
  it('releases each unit a window after its answer, not the whole budget at the reset', async () => {
    const made = make({ burstPerSecond: 100 });
    const grantedAt = new Map<string, number>();
    const send = (id: string) =>
      made.send(id).then(() => {
        grantedAt.set(id, Date.now());
      });
    // A window of 2 s for 5 requests; the first answer is the only request the server counted.
    void send('first');
    await settle();
    await until(T0 + 10);
    made.permit('first').release(ok(5, 4, T0 + 2_000));
    for (const id of ['a', 'b', 'c', 'd']) void send(id);
    await settle();
    await until(T0 + 20);
    ['a', 'b', 'c', 'd'].forEach((id, i) => {
      made.permit(id).release(ok(5, 3 - i, T0 + 2_000));
    });
    for (const id of ['e', 'f', 'g', 'h', 'i', 'j']) void send(id);
    await settle();
    expect(made.granted).toHaveLength(5);

    // 'first' leaves the window 2 s after its answer: its unit comes back, at once.
    await until(T0 + 2_010 - 1);
    expect(made.granted).toHaveLength(5);
    await until(T0 + 2_010);
    expect(made.granted).toEqual(['first', 'a', 'b', 'c', 'd', 'e']);
    // The first released unit is a probe: the others wait until the server accepted it.
    await until(T0 + 2_020);
    expect(made.granted).toHaveLength(6);
    // The server's oldest now is 'e' (arrived T0 + 2 010): its reset says T0 + 5 000.
    made.permit('e').release(ok(5, 0, T0 + 5_000));
    await settle();
    // The four answered at T0 + 20 follow, 2 s later (the reset would have said T0 + 2 250).
    expect(made.granted).toEqual(['first', 'a', 'b', 'c', 'd', 'e', 'f', 'g', 'h', 'i']);
    expect(busiest([...grantedAt.values()], 2_000)).toBeLessThanOrEqual(5);

    // 'j' waits for the unit of 'e', a window after e's answer.
    await until(T0 + 4_020 - 1);
    expect(made.granted).not.toContain('j');
    await until(T0 + 4_020);
    expect(made.granted).toContain('j');
    expect(busiest([...grantedAt.values()], 2_000)).toBeLessThanOrEqual(5);
  });

  it('keeps a unit whose request got no answer for a whole window after it gave up', async () => {
    const made = make({ burstPerSecond: 100 });
    await made.send('first');
    made.permit('first').release(ok(2, 1, T0 + 3_000));
    await made.send('lost');
    made.send('next');
    await settle();
    await until(T0 + 500);
    made.permit('lost').release(); // a network failure: it may have been counted
    await until(T0 + 3_000 - 1);
    expect(made.granted).toEqual(['first', 'lost']);
    // The unit of 'first' (answered at T0) comes back; that of 'lost' would at T0 + 3 500.
    await until(T0 + 3_000);
    expect(made.granted).toEqual(['first', 'lost', 'next']);
  });

  it('learns nothing from a window whose last second the lone request was sent in', async () => {
    const made = make({ burstPerSecond: 100 });
    await until(T0 + 1_500);
    await made.send('first');
    // Reset T0 + 2 000, sent at T0 + 1 500: the window's length is not told.
    made.permit('first').release(ok(2, 1, T0 + 2_000));
    await made.send('a');
    made.permit('a').release(ok(2, 0, T0 + 2_000));
    made.send('b');
    await until(T0 + 2_250 - 1);
    expect(made.granted).toEqual(['first', 'a']);
    await until(T0 + 2_250); // the reset and its margin, as before
    expect(made.granted).toEqual(['first', 'a', 'b']);
  });

  it('falls back to the reset after one refusal from a server with fixed windows', async () => {
    const made = make({ burstPerSecond: 100 });
    // A fixed window of 10 s (T0 … T0 + 10 000) for 3 requests; the first goes 8.5 s in,
    // so the reset says a window of 1 s, which a sliding server would mean.
    await until(T0 + 8_500);
    await made.send('first');
    made.permit('first').release(ok(3, 2, T0 + 10_000));
    await Promise.all([made.send('a'), made.send('b')]);
    made.permit('a').release(ok(3, 1, T0 + 10_000));
    made.permit('b').release(ok(3, 0, T0 + 10_000));
    made.send('c');
    made.send('d');
    await until(T0 + 9_500);
    // One unit released a window after the answers, as a probe; the fixed window refuses it.
    expect(made.granted).toEqual(['first', 'a', 'b', 'c']);
    made.permit('c').release({
      status: 429,
      headers: (() => {
        const headers = budgetHeaders(3, 0, T0 + 10_000);
        headers.set('Retry-After', '1');
        return headers;
      })(),
    });
    await until(T0 + 10_500);
    // The hold's probe: answered in the new window, alone in it.
    expect(made.granted).toEqual(['first', 'a', 'b', 'c', 'd']);
    made.permit('d').release(ok(3, 2, T0 + 20_000));
    for (const id of ['e', 'f', 'g']) made.send(id);
    await settle();
    expect(made.granted).toEqual(['first', 'a', 'b', 'c', 'd', 'e', 'f']);
    made.permit('e').release(ok(3, 1, T0 + 20_000));
    made.permit('f').release(ok(3, 0, T0 + 20_000));
    // No more sliding: 'g' waits for the reset (and its margin), not a window after an answer.
    await until(T0 + 20_250 - 1);
    expect(made.granted).not.toContain('g');
    await until(T0 + 20_250);
    expect(made.granted).toContain('g');
  });
});
