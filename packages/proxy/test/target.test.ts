import { describe, expect, it } from 'vitest';
import { checkTarget, pathProblem } from '../src/target.js';

const url = new URL('http://gateway.local/api/v1/datasets/');

describe('checkTarget', () => {
  it('accepts a normal /api/v1/ target and keeps its query as sent', () => {
    expect(
      checkTarget('/api/v1/datasets/?limit=5&cursor=YT0x', url, 'gateway.local', undefined),
    ).toEqual({
      ok: true,
      path: '/api/v1/datasets/',
      search: '?limit=5&cursor=YT0x',
    });
  });

  it('accepts an absolute-form target only when it names the Host it came with', () => {
    const same = checkTarget(
      'http://gateway.local/api/v1/datasets/',
      url,
      'gateway.local',
      undefined,
    );
    expect(same).toMatchObject({ ok: true, path: '/api/v1/datasets/' });
    const other = checkTarget(
      'http://api.avala.ai/api/v1/datasets/',
      url,
      'gateway.local',
      undefined,
    );
    expect(other).toMatchObject({ ok: false, status: 421 });
  });

  it('answers 404 for paths outside /api/v1/ and 421 for a Host it does not serve', () => {
    expect(checkTarget('/api/v1', url, 'gateway.local', undefined)).toMatchObject({ status: 404 });
    expect(checkTarget('/metrics', url, 'gateway.local', undefined)).toMatchObject({ status: 404 });
    const hosts = new Set(['app.example.com']);
    expect(checkTarget('/api/v1/datasets/', url, 'gateway.local', hosts)).toMatchObject({
      status: 421,
    });
    expect(checkTarget('/api/v1/datasets/', url, 'APP.example.com', hosts)).toMatchObject({
      ok: true,
    });
  });

  it('checks the Request URL when no raw target is known', () => {
    const encoded = new URL('http://gateway.local/api/v1/a%2F..%2Fb/');
    expect(checkTarget(undefined, encoded, 'gateway.local', undefined)).toMatchObject({
      status: 400,
    });
  });
});

describe('pathProblem', () => {
  it('passes encoded characters that decode to ordinary text', () => {
    expect(pathProblem('/api/v1/datasets/owner%20name/street-scenes/')).toBeUndefined();
    expect(pathProblem('/api/v1/datasets/%C3%BC/')).toBeUndefined();
  });

  it.each([
    ['/api/v1/../x', 'Dot'],
    ['/api/v1/%2E%2e/x', 'Dot'],
    ['/api/v1/./x', 'Dot'],
    ['/api/v1//x', 'Empty'],
    ['/api/v1/a%2fb/', 'Encoded'],
    ['/api/v1/a%5Cb/', 'Encoded'],
    ['/api/v1/%252e%252e/', 'Encoded'],
    ['/api/v1/a\\b/', 'Backslash'],
    ['/api/v1/%c0%ae/', 'not valid'],
    ['/api/v1/a%0ab/', 'Control'],
  ])('refuses %s', (path, reason) => {
    expect(pathProblem(path)).toContain(reason);
  });
});
