import { describe, expect, it } from 'vitest';
import {
  type AvalaErrorKind,
  BadRequestError,
  errorFromHttp,
  isTransientError,
  kindFromStatus,
  MAX_MESSAGE_LENGTH_FOR_TESTS,
} from './helpers.js';

const NOW = Date.UTC(2026, 10, 25, 12, 0, 0);
const json = (body: unknown) => ({ headers: { 'content-type': 'application/json' }, body });

describe('kindFromStatus', () => {
  const table: [number, AvalaErrorKind][] = [
    [400, 'bad_request'],
    [422, 'bad_request'],
    [415, 'bad_request'],
    [401, 'unauthorized'],
    [403, 'forbidden'],
    [404, 'not_found'],
    [405, 'method_not_allowed'],
    [409, 'conflict'],
    [413, 'payload_too_large'],
    [429, 'rate_limited'],
    [500, 'server_error'],
    [501, 'server_error'],
    [502, 'server_error'],
    [504, 'server_error'],
    [599, 'server_error'],
    [503, 'service_unavailable'],
    [418, 'unexpected_status'],
    [402, 'unexpected_status'],
    [451, 'unexpected_status'],
    [302, 'unexpected_status'],
    [304, 'unexpected_status'],
    [101, 'unexpected_status'],
    [200, 'invalid_response'],
    [204, 'invalid_response'],
    [0, 'network'],
  ];
  it.each(table)('maps %i to %s', (status, kind) => {
    expect(kindFromStatus(status)).toBe(kind);
    expect(errorFromHttp({ status, body: undefined }).kind).toBe(kind);
  });
});

describe('errorFromHttp: every docs/avala-api.md status with its typical body', () => {
  const cases: {
    status: number;
    body: unknown;
    kind: AvalaErrorKind;
    name: string;
    message: string;
  }[] = [
    {
      status: 400,
      body: { detail: 'JSON parse error - Expecting value: line 1 column 1 (char 0)' },
      kind: 'bad_request',
      name: 'BadRequestError',
      message: 'JSON parse error - Expecting value: line 1 column 1 (char 0)',
    },
    {
      status: 422,
      body: { name: ['Ensure this field has no more than 100 characters.'] },
      kind: 'bad_request',
      name: 'BadRequestError',
      message: 'name: Ensure this field has no more than 100 characters.',
    },
    {
      status: 401,
      body: { detail: 'Invalid API key.' },
      kind: 'unauthorized',
      name: 'UnauthorizedError',
      message: 'Invalid API key.',
    },
    {
      status: 403,
      body: { detail: 'You do not have permission to perform this action.' },
      kind: 'forbidden',
      name: 'ForbiddenError',
      message: 'You do not have permission to perform this action.',
    },
    {
      status: 404,
      body: { detail: 'Not found.' },
      kind: 'not_found',
      name: 'NotFoundError',
      message: 'Not found.',
    },
    {
      status: 405,
      body: { detail: 'Method "PUT" not allowed.' },
      kind: 'method_not_allowed',
      name: 'MethodNotAllowedError',
      message: 'Method "PUT" not allowed.',
    },
    {
      status: 409,
      body: { detail: 'A dataset with this name already exists.' },
      kind: 'conflict',
      name: 'ConflictError',
      message: 'A dataset with this name already exists.',
    },
    {
      status: 413,
      body: { detail: 'Request body too large.' },
      kind: 'payload_too_large',
      name: 'PayloadTooLargeError',
      message: 'Request body too large.',
    },
    {
      status: 429,
      body: { detail: 'Request was throttled. Expected available in 30 seconds.' },
      kind: 'rate_limited',
      name: 'RateLimitError',
      message: 'Request was throttled. Expected available in 30 seconds.',
    },
    {
      status: 500,
      body: { detail: 'A server error occurred.' },
      kind: 'server_error',
      name: 'ServerError',
      message: 'A server error occurred.',
    },
    {
      status: 502,
      body: undefined,
      kind: 'server_error',
      name: 'ServerError',
      message: 'Bad Gateway (502)',
    },
    {
      status: 504,
      body: '',
      kind: 'server_error',
      name: 'ServerError',
      message: 'Gateway Timeout (504)',
    },
    {
      status: 503,
      body: { detail: 'The API is down for maintenance.' },
      kind: 'service_unavailable',
      name: 'ServiceUnavailableError',
      message: 'The API is down for maintenance.',
    },
    {
      status: 418,
      body: undefined,
      kind: 'unexpected_status',
      name: 'UnexpectedStatusError',
      message: "I'm a teapot (418)",
    },
    {
      status: 302,
      body: undefined,
      kind: 'unexpected_status',
      name: 'UnexpectedStatusError',
      message: 'Found (302)',
    },
  ];
  it.each(cases)('classifies $status as $kind ($name)', ({ status, body, kind, name, message }) => {
    const error = errorFromHttp({ status, ...json(body), request: { method: 'GET', url: '/x/' } });
    expect(error.kind).toBe(kind);
    expect(error.name).toBe(name);
    expect(error.status).toBe(status);
    expect(error.message).toBe(message);
    expect(error.method).toBe('GET');
    expect(error.url).toBe('/x/');
    expect(error.attempts).toBe(1);
  });

  it("classifies DRF's 415 as a bad_request that is never retried, keeping its status", () => {
    const error = errorFromHttp({
      status: 415,
      ...json({ detail: 'Unsupported media type "text/plain" in request.' }),
      request: { method: 'POST', url: '/datasets/' },
    });
    expect(error).toBeInstanceOf(BadRequestError);
    expect(error).toMatchObject({ kind: 'bad_request', status: 415, transient: false });
    expect(error.message).toBe('Unsupported media type "text/plain" in request.');
    expect(isTransientError(error, 'GET')).toBe(false);
  });

  it('keeps the detail, code and docUrl of a structured 403', () => {
    const error = errorFromHttp({
      status: 403,
      body: {
        detail: 'Auto-labeling needs the Pro plan.',
        code: 'plan_insufficient',
        doc_url: 'https://docs.avala.ai/plans',
      },
    });
    expect(error).toMatchObject({
      kind: 'forbidden',
      detail: 'Auto-labeling needs the Pro plan.',
      code: 'plan_insufficient',
      docUrl: 'https://docs.avala.ai/plans',
      message: 'Auto-labeling needs the Pro plan.',
      fieldErrors: {},
      nonFieldErrors: [],
    });
  });

  it('drops a doc_url that is not an http(s) link, since apps render it as one', () => {
    for (const docUrl of [
      'javascript:alert(1)',
      'data:text/html,<b>x</b>',
      '/plans',
      'not a url',
    ]) {
      const body = { detail: 'Needs the Pro plan.', code: 'plan_insufficient', doc_url: docUrl };
      const error = errorFromHttp({ status: 403, body });
      expect(error.docUrl).toBeUndefined();
      expect(error.code).toBe('plan_insufficient');
    }
  });

  it('uses the statusText in the fallback line when the server sent one', () => {
    expect(
      errorFromHttp({ status: 503, statusText: 'Down For Maintenance', body: '' }).message,
    ).toBe('Down For Maintenance (503)');
  });

  it('keeps a fallback naming the status for an unknown status without text', () => {
    expect(errorFromHttp({ status: 499, body: undefined }).message).toBe('HTTP error (499)');
  });

  it('treats status 0 (Response.error()) as a network error without a status', () => {
    const error = errorFromHttp({ status: 0, body: undefined });
    expect(error.kind).toBe('network');
    expect(error.status).toBeUndefined();
    expect(error.message).toMatch(/network error/i);
  });

  it('keeps the cause it is given (ky HTTPError)', () => {
    const cause = new Error('Request failed with status code 500');
    expect(errorFromHttp({ status: 500, body: undefined, cause }).cause).toBe(cause);
  });

  it('never throws, even on a body with a throwing getter or a bogus request', () => {
    const hostile = {
      get detail(): string {
        throw new Error('boom');
      },
    };
    const request = { method: 42, url: {} } as unknown as { method: string; url: string };
    const error = errorFromHttp({ status: 400, body: hostile, request });
    expect(error.kind).toBe('bad_request');
    expect(error.status).toBe(400);
    expect(error.method).toBeUndefined();
  });
});

describe('errorFromHttp: body shapes (docs/avala-api.md)', () => {
  it('keeps every field error when fields are called constructor, toString or __proto__', () => {
    const body = JSON.parse(
      '{"constructor": ["bad"], "detail": {"toString": ["odd"], "name": ["required"]}, "__proto__": ["x"]}',
    ) as unknown;
    const error = errorFromHttp({ status: 400, body });
    expect(Object.entries(error.fieldErrors)).toEqual([
      ['constructor', ['bad']],
      ['__proto__', ['x']],
      ['toString', ['odd']],
      ['name', ['required']],
    ]);
    expect(Object.getPrototypeOf(error.fieldErrors)).toBe(Object.prototype);
    expect(error.message).toBe('constructor: bad; __proto__: x; toString: odd; name: required');
  });

  const shapes: {
    name: string;
    body: unknown;
    fieldErrors?: Record<string, string[]>;
    nonFieldErrors?: string[];
    detail?: string;
    message: string;
  }[] = [
    {
      name: 'a detail string',
      body: { detail: 'Not allowed.' },
      detail: 'Not allowed.',
      message: 'Not allowed.',
    },
    {
      name: 'field errors under detail',
      body: {
        detail: {
          name: ['This field is required.'],
          email: ['Enter a valid email address.'],
        },
      },
      fieldErrors: {
        name: ['This field is required.'],
        email: ['Enter a valid email address.'],
      },
      message: 'name: This field is required.; email: Enter a valid email address.',
    },
    {
      name: 'field errors at the root',
      body: { name: ['This field is required.'] },
      fieldErrors: { name: ['This field is required.'] },
      message: 'name: This field is required.',
    },
    {
      name: 'a nested object',
      body: { filters: { split: ['"holdout" is not a valid choice.'] } },
      fieldErrors: { 'filters.split': ['"holdout" is not a valid choice.'] },
      message: 'filters.split: "holdout" is not a valid choice.',
    },
    {
      name: 'a list aligned by index, {} entries skipped',
      body: { items: [{}, { weight: ['Ensure this value is less than or equal to 1.'] }, {}] },
      fieldErrors: { 'items.1.weight': ['Ensure this value is less than or equal to 1.'] },
      message: 'items.1.weight: Ensure this value is less than or equal to 1.',
    },
    {
      name: 'top-level non_field_errors',
      body: { non_field_errors: ['Public datasets need a description.'] },
      nonFieldErrors: ['Public datasets need a description.'],
      message: 'Public datasets need a description.',
    },
    {
      name: 'non_field_errors under detail',
      body: { detail: { non_field_errors: ['Bad combination.'], name: ['Taken.'] } },
      nonFieldErrors: ['Bad combination.'],
      fieldErrors: { name: ['Taken.'] },
      message: 'Bad combination.; name: Taken.',
    },
    {
      name: 'nested non_field_errors keep their place',
      body: { filters: { non_field_errors: ['Pick a split or a tag.'] } },
      fieldErrors: { 'filters.non_field_errors': ['Pick a split or a tag.'] },
      message: 'filters.non_field_errors: Pick a split or a tag.',
    },
    {
      name: 'a string where a list is expected',
      body: { name: 'This field may not be blank.' },
      fieldErrors: { name: ['This field may not be blank.'] },
      message: 'name: This field may not be blank.',
    },
    {
      name: 'a top-level list',
      body: ['Something is wrong with this request.'],
      nonFieldErrors: ['Something is wrong with this request.'],
      message: 'Something is wrong with this request.',
    },
    {
      name: 'a detail list',
      body: { detail: ['First.', 'Second.'] },
      nonFieldErrors: ['First.', 'Second.'],
      message: 'First.; Second.',
    },
    {
      name: 'several messages on one field, empty entries skipped',
      body: { name: ['Too short.', '', '  ', 'Has spaces.'] },
      fieldErrors: { name: ['Too short.', 'Has spaces.'] },
      message: 'name: Too short.; name: Has spaces.',
    },
    {
      name: 'deep nesting with lists of objects',
      body: {
        detail: { project: { members: [{}, {}, { roles: { 0: ['Unknown role.'] } }] } },
      },
      fieldErrors: { 'project.members.2.roles.0': ['Unknown role.'] },
      message: 'project.members.2.roles.0: Unknown role.',
    },
    {
      name: "DRF's full error details ({message, code})",
      body: { name: [{ message: 'This field is required.', code: 'required' }] },
      fieldErrors: { name: ['This field is required.'] },
      message: 'name: This field is required.',
    },
    {
      name: 'an empty field list',
      body: { name: [], tags: [{}] },
      message: 'Bad Request (400)',
    },
    {
      name: 'a JSON string that ky left as text',
      body: '{"detail": "Malformed JSON."}',
      detail: 'Malformed JSON.',
      message: 'Malformed JSON.',
    },
    {
      name: "a gateway's message",
      body: { message: 'Forbidden by gateway' },
      detail: 'Forbidden by gateway',
      message: 'Forbidden by gateway',
    },
    {
      name: 'an empty object',
      body: {},
      message: 'Bad Request (400)',
    },
    {
      name: 'null',
      body: null,
      message: 'Bad Request (400)',
    },
    {
      name: 'a number',
      body: 42,
      message: 'Bad Request (400)',
    },
  ];

  it.each(shapes)('reads $name', ({ body, fieldErrors, nonFieldErrors, detail, message }) => {
    const error = errorFromHttp({ status: 400, body });
    expect(error.kind).toBe('bad_request');
    expect(error.fieldErrors).toEqual(fieldErrors ?? {});
    expect(error.nonFieldErrors).toEqual(nonFieldErrors ?? []);
    expect(error.detail).toBe(detail);
    expect(error.message).toBe(message);
  });

  it('keeps the parsed JSON body on the error', () => {
    const body = { detail: { name: ['Required.'] } };
    expect(errorFromHttp({ status: 400, body }).body).toEqual(body);
  });

  it('does not mistake metadata next to a detail string for field errors', () => {
    const error = errorFromHttp({
      status: 409,
      body: { detail: 'Already finished.', meta: { request_id: 'r-1' }, code: 'export_finished' },
    });
    expect(error.fieldErrors).toEqual({});
    expect(error.code).toBe('export_finished');
  });
});

describe('message rules', () => {
  it('never shows raw HTML: an HTML body gives the status line', () => {
    const html = '<!DOCTYPE html><html><body><h1>Server Error (500)</h1></body></html>';
    const error = errorFromHttp({ status: 500, body: html });
    expect(error.message).toBe('Internal Server Error (500)');
    expect(error.body).toBe(html);
  });

  it('never shows raw HTML in a detail string either', () => {
    const error = errorFromHttp({ status: 502, body: { detail: '<html><b>bad</b></html>' } });
    expect(error.message).toBe('Bad Gateway (502)');
  });

  it('keeps a detail that merely mentions angle brackets', () => {
    const error = errorFromHttp({ status: 400, body: { detail: 'Expected <int>, got "a".' } });
    expect(error.message).toBe('Expected <int>, got "a".');
  });

  it("appends a proxy's short plain-text body to the status line", () => {
    expect(errorFromHttp({ status: 502, body: 'upstream connect error' }).message).toBe(
      'Bad Gateway (502): upstream connect error',
    );
  });

  it('flattens multi-line text to one line', () => {
    const error = errorFromHttp({ status: 400, body: { detail: 'first line\n  second line\r\n' } });
    expect(error.message).toBe('first line second line');
  });

  it('cuts long messages to 500 characters', () => {
    const long = 'x'.repeat(5000);
    const fromDetail = errorFromHttp({ status: 400, body: { detail: long } });
    expect(fromDetail.message).toHaveLength(MAX_MESSAGE_LENGTH_FOR_TESTS);
    expect(fromDetail.message.endsWith('…')).toBe(true);
    expect(fromDetail.detail).toBe(long);

    const manyFields = Object.fromEntries(
      Array.from({ length: 100 }, (_, i) => [`field${i}`, ['This field is required.']]),
    );
    const fromFields = errorFromHttp({ status: 400, body: manyFields });
    expect(fromFields.message.length).toBeLessThanOrEqual(500);
    expect(Object.keys(fromFields.fieldErrors)).toHaveLength(100);
  });

  it('does not put a long text body into the message', () => {
    const error = errorFromHttp({ status: 500, body: 'trace '.repeat(1000) });
    expect(error.message).toBe('Internal Server Error (500)');
    expect(typeof error.body).toBe('string');
    expect((error.body as string).length).toBeLessThanOrEqual(2001);
  });
});

describe('headers on the error', () => {
  it('puts Retry-After and the rate-limit budget on a 429', () => {
    const error = errorFromHttp({
      status: 429,
      headers: {
        'Retry-After': '30',
        'X-RateLimit-Limit': '100',
        'X-RateLimit-Remaining': '0',
        'X-RateLimit-Reset': String(NOW / 1000 + 30),
      },
      body: { detail: 'Request was throttled. Expected available in 30 seconds.' },
      now: NOW,
    });
    expect(error.retryAfterMs).toBe(30_000);
    expect(error.rateLimit).toEqual({ limit: 100, remaining: 0, resetAt: NOW + 30_000 });
  });

  it('takes the wait from X-RateLimit-Reset on a 503 without Retry-After', () => {
    const error = errorFromHttp({
      status: 503,
      headers: new Headers({ 'X-RateLimit-Reset': String(NOW / 1000 + 12) }),
      body: undefined,
      now: NOW,
    });
    expect(error.retryAfterMs).toBe(12_000);
  });

  it('does not invent a wait from X-RateLimit-Reset on other statuses', () => {
    const error = errorFromHttp({
      status: 500,
      headers: { 'X-RateLimit-Reset': String(NOW / 1000 + 12) },
      body: undefined,
      now: NOW,
    });
    expect(error.retryAfterMs).toBeUndefined();
    expect(error.rateLimit).toEqual({ resetAt: NOW + 12_000 });
  });

  it('leaves retryAfterMs and rateLimit undefined without headers', () => {
    const error = errorFromHttp({ status: 429, body: undefined });
    expect(error.retryAfterMs).toBeUndefined();
    expect(error.rateLimit).toBeUndefined();
  });
});

describe('bounded work on huge bodies (already parsed by ky)', () => {
  it('keeps at most 200 field paths of a 50 000-field body, and a ≤ 500-char message', () => {
    const body = Object.fromEntries(
      Array.from({ length: 50_000 }, (_, i) => [`field${i}`, ['bad value']]),
    );
    const error = errorFromHttp({ status: 400, body });
    expect(Object.keys(error.fieldErrors)).toHaveLength(200);
    expect(error.fieldErrors.field0).toEqual(['bad value']);
    expect(error.message.length).toBeLessThanOrEqual(500);
  });

  it('walks a 200 000-entry list without keeping more than it can use', () => {
    const items = Array.from({ length: 200_000 }, (_, i) => (i % 2 ? {} : { weight: ['bad'] }));
    const error = errorFromHttp({ status: 400, body: { items } });
    expect(error.fieldErrors['items.0.weight']).toEqual(['bad']);
    expect(Object.keys(error.fieldErrors).length).toBeLessThanOrEqual(200);
    expect(Array.isArray((error.body as { items: unknown[] }).items)).toBe(true);
  });

  // Before the message was built from a bounded head, these took seconds (whitespace
  // collapsing over 20 MB) or minutes (the markup test backtracking over stray tags):
  // the test timeout is what catches a regression.
  it('builds the message of a 20 MB whitespace-heavy proxy page from its head only', () => {
    const error = errorFromHttp({ status: 502, body: 'x '.repeat(10_000_000) });
    expect(error.message).toBe('Bad Gateway (502)');
    expect((error.body as string).length).toBeLessThanOrEqual(2001);
  });

  it('builds the message of a 4 MB detail full of unclosed tags from its head only', () => {
    const detail = 'word <b '.repeat(500_000);
    const error = errorFromHttp({ status: 400, body: { detail } });
    expect(error.message).toHaveLength(MAX_MESSAGE_LENGTH_FOR_TESTS);
    expect(error.message.startsWith('word <b word <b')).toBe(true);
    expect(error.message.endsWith('…')).toBe(true);
    expect(error.detail).toBe(detail);
  });

  it('survives nesting 5 000 levels deep', () => {
    let deep: unknown = ['too deep'];
    for (let i = 0; i < 5000; i += 1) deep = { a: deep };
    const error = errorFromHttp({ status: 400, body: deep });
    expect(error.kind).toBe('bad_request');
    expect(error.fieldErrors).toEqual({});
    expect(error.message).toBe('Bad Request (400)');
  });
});
