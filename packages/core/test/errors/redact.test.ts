import { inspect } from 'node:util';
import { TimeoutError as KyTimeoutError } from 'ky';
import { describe, expect, it } from 'vitest';
import {
  createInvalidResponseError,
  createNetworkError,
  createTimeoutError,
  errorFromHttp,
  InvalidResponseError,
  redactString,
  redactUrl,
  redactValue,
} from './helpers.js';

const KEY = 'avk_live_8f3a9c2e71b44d0e';

/** Asserts the key appears nowhere in the error, including its JSON and its message. */
function expectNoKey(error: Error & { toJSON(): unknown }): void {
  const everything = [
    error.message,
    error.stack ?? '',
    JSON.stringify(error),
    JSON.stringify(error.toJSON()),
    inspect(error, { depth: 10 }),
  ].join('\n');
  expect(everything).not.toContain(KEY);
  expect(everything).not.toContain('8f3a9c2e71b44d0e');
}

describe('redactString', () => {
  it('replaces every avk_ token', () => {
    expect(redactString(`key ${KEY} and avk_other-1.`)).toBe('key avk_*** and avk_***.');
  });
  it('leaves text without a key alone', () => {
    expect(redactString('nothing here')).toBe('nothing here');
  });
});

describe('redactValue', () => {
  it('copies a __proto__ key as data, never as the copy’s prototype', () => {
    const copy = redactValue(JSON.parse('{"__proto__": {"polluted": true}, "a": 1}')) as object;
    expect(Object.getPrototypeOf(copy)).toBe(Object.prototype);
    expect(Object.keys(copy)).toEqual(['__proto__', 'a']);
    expect((copy as { polluted?: boolean }).polluted).toBeUndefined();
  });

  it('replaces values under secret-looking names at any depth, case-insensitive', () => {
    expect(
      redactValue({
        password: 'hunter2',
        nested: { API_KEY: 'x', apiKey: 'y', 'access-key': 'z', list: [{ clientSecret: 's' }] },
        Private_Key: '-----BEGIN',
        refresh_token: 't',
        credentials: { user: 'u' },
        key: 'dataset-key',
        name: `uses ${KEY}`,
      }),
    ).toEqual({
      password: '[redacted]',
      nested: {
        API_KEY: '[redacted]',
        apiKey: '[redacted]',
        'access-key': '[redacted]',
        list: [{ clientSecret: '[redacted]' }],
      },
      Private_Key: '[redacted]',
      refresh_token: '[redacted]',
      credentials: '[redacted]',
      key: 'dataset-key',
      name: 'uses avk_***',
    });
  });

  it('cuts cycles and stays bounded on huge values', () => {
    const cyclic: Record<string, unknown> = { a: 1 };
    cyclic.self = cyclic;
    expect(redactValue(cyclic)).toEqual({ a: 1, self: '[truncated]' });
    const huge = Array.from({ length: 50_000 }, (_, i) => ({ i }));
    const out = redactValue(huge) as unknown[];
    expect(out.length).toBeLessThan(10_001);
    expect(out.at(-1)).toBe('[truncated]');
  });
});

describe('redactUrl', () => {
  it.each([
    [`https://api.avala.ai/api/v1/x/?key=${KEY}`, 'https://api.avala.ai/api/v1/x/?key=avk_***'],
    ['https://api.avala.ai/x?token=abc&limit=5', 'https://api.avala.ai/x?token=***&limit=5'],
    [
      'https://api.avala.ai/x?api_key=abc&apikey=d',
      'https://api.avala.ai/x?api_key=***&apikey=***',
    ],
    ['https://user:pass@api.avala.ai/x', 'https://user:***@api.avala.ai/x'],
    ['/api/v1/datasets/?Signature_Token=zz', '/api/v1/datasets/?Signature_Token=***'],
    [`/api/v1/${KEY}/`, '/api/v1/avk_***/'],
    ['//cdn.avala.ai/file.bin?token=abc', '//cdn.avala.ai/file.bin?token=***'],
    ['https://api.avala.ai/x?cursor=abc', 'https://api.avala.ai/x?cursor=abc'],
    ['not a url :: ?', 'not a url :: ?'],
  ])('redacts %s', (input, expected) => {
    expect(redactUrl(input)).toBe(expected);
  });
});

describe('AvalaError redaction (docs/security.md)', () => {
  it('redacts the key in the detail and the message', () => {
    const error = errorFromHttp({ status: 401, body: { detail: `Invalid key ${KEY}.` } });
    expect(error.detail).toBe('Invalid key avk_***.');
    expect(error.message).toBe('Invalid key avk_***.');
    expectNoKey(error);
  });

  it('redacts the key in field messages and non-field errors', () => {
    const error = errorFromHttp({
      status: 400,
      body: { name: [`"${KEY}" is not a name.`], non_field_errors: [`Bad ${KEY}`] },
    });
    expect(error.fieldErrors).toEqual({ name: ['"avk_***" is not a name.'] });
    expect(error.nonFieldErrors).toEqual(['Bad avk_***']);
    expectNoKey(error);
  });

  it('redacts the key in the body, parsed or text', () => {
    expectNoKey(errorFromHttp({ status: 500, body: { trace: { header: KEY } } }));
    expectNoKey(errorFromHttp({ status: 500, body: `<html>${KEY}</html>` }));
    expectNoKey(errorFromHttp({ status: 500, body: `plain ${KEY}` }));
  });

  it('redacts the key in the url', () => {
    const error = errorFromHttp({
      status: 404,
      body: undefined,
      request: { method: 'get', url: `https://api.avala.ai/api/v1/x/?api_key=${KEY}&k=${KEY}` },
    });
    expect(error.url).toBe('https://api.avala.ai/api/v1/x/?api_key=***&k=avk_***');
    expectNoKey(error);
  });

  it('replaces values and messages under secret-looking field names', () => {
    const error = errorFromHttp({
      status: 400,
      body: {
        password: ['Your password "hunter2" is too common.'],
        webhook: { secret_token: 'Must not be "s3cr3t".' },
        key: ['This key is already used by another dataset.'],
      },
    });
    expect(error.fieldErrors).toEqual({
      password: ['[redacted]'],
      'webhook.secret_token': ['[redacted]'],
      key: ['This key is already used by another dataset.'],
    });
    expect(error.message).toBe(
      'password: [redacted]; webhook.secret_token: [redacted]; key: This key is already used by another dataset.',
    );
    const everything = JSON.stringify(error);
    expect(everything).not.toContain('hunter2');
    expect(everything).not.toContain('s3cr3t');
    expect(everything).toContain('This key is already used by another dataset.');
  });

  it('redacts the key in a cause and in schema issues', () => {
    const network = createNetworkError(new TypeError(`fetch failed for ${KEY}`));
    expect(network.message).toContain('avk_***');
    expectNoKey(network);
    const invalid = new InvalidResponseError({
      issues: [{ message: `expected string, got ${KEY}`, path: ['results', 0, 'name'] }],
    });
    expectNoKey(invalid);
  });

  it("keeps the key out of console.log when the cause is ky's TimeoutError holding the Request", () => {
    const request = new Request(`https://api.avala.ai/api/v1/datasets/?api_key=${KEY}`, {
      headers: { 'X-Avala-Api-Key': KEY },
    });
    const cause = new KyTimeoutError(request);
    const error = createTimeoutError(50, { method: 'GET', url: request.url }, { cause });
    expectNoKey(error);
    expect(error.cause).toBe(cause);
    expect(inspect(error)).toContain('[cause]: TimeoutError: Request timed out: GET');
  });

  it("logs a cause chain's plain fields (a socket error's code), redacted", () => {
    const socket = Object.assign(new Error(`connect ECONNREFUSED ${KEY}`), {
      code: 'ECONNREFUSED',
      token: 'hunter2',
    });
    const error = createNetworkError(new TypeError('fetch failed', { cause: socket }));
    const printed = inspect(error, { depth: 10 });
    expect(printed).toContain("code: 'ECONNREFUSED'");
    expect(printed).not.toContain('hunter2');
    expectNoKey(error);
  });

  it('replaces schema messages under secret-looking fields, which may quote the value', () => {
    const error = createInvalidResponseError({
      status: 200,
      issues: [{ message: 'hunter2 is not a valid password', path: ['user', 'password'] }],
    });
    expect(error.message).toBe('Invalid response (200): user.password: [redacted]');
    expect(error.issues).toEqual([{ message: '[redacted]', path: ['user', 'password'] }]);
    expect(JSON.stringify(error)).not.toContain('hunter2');
  });

  it('redacts what a caller passes to the constructor directly', () => {
    const error = new InvalidResponseError({
      message: `custom ${KEY}`,
      detail: KEY,
      code: KEY,
      body: { token: 'x', text: KEY },
      request: { url: `/x?token=${KEY}` },
    });
    expect(error.body).toEqual({ token: '[redacted]', text: 'avk_***' });
    expectNoKey(error);
  });
});

describe('redaction is stable', () => {
  it('redacting twice changes nothing', () => {
    const once = redactString(`a ${KEY} b`);
    expect(redactString(once)).toBe(once);
    expect(redactUrl(redactUrl(`/x?token=${KEY}`))).toBe('/x?token=***');
  });
});
