import { describe, expect, it } from 'vitest';
import { avalaInfiniteQueryKey, avalaQueryKey } from '../src/query-key.js';

describe('avalaQueryKey', () => {
  it('derives the key from the path and the search params', () => {
    expect(avalaQueryKey('/datasets/', { limit: 10 })).toEqual([
      'avala',
      'GET',
      '/datasets/',
      { limit: 10 },
    ]);
  });

  it('leaves out empty or undefined params so equal requests share an entry', () => {
    expect(avalaQueryKey('/datasets/', { cursor: undefined })).toEqual([
      'avala',
      'GET',
      '/datasets/',
    ]);
  });

  it('keeps infinite lists apart from single reads while the plain key is their prefix', () => {
    const infinite = avalaInfiniteQueryKey('/datasets/', { limit: 10 });
    expect(infinite).toEqual(['avala', 'GET', '/datasets/', { limit: 10 }, 'infinite']);
    expect(infinite.slice(0, 3)).toEqual(avalaQueryKey('/datasets/'));
  });
});
