import { describe, expect, it } from 'vitest';

// jsdom ships its own AbortController; Node's fetch (undici) rejects its signals. The hooks'
// cancellation depends on TanStack's signal reaching fetch, so this file fails loudly if the
// test environment ever swaps Node's abort classes for jsdom's (see README, "Testing").
describe('test environment', () => {
  it('runs in jsdom with a DOM', () => {
    expect(typeof document.createElement).toBe('function');
  });

  it('gives fetch an AbortSignal it accepts', () => {
    const controller = new AbortController();
    expect(() => new Request('http://127.0.0.1/', { signal: controller.signal })).not.toThrow();
  });
});
