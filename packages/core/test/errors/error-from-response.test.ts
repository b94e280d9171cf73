import { describe, expect, it } from 'vitest';
import { errorFromResponse, isAvalaError, NotFoundError, ServerError } from './helpers.js';

const encoder = new TextEncoder();

/** A body of `totalBytes`, served 16 KiB a pull, that records how much was pulled and whether it was cancelled. */
function trackedBody(head: string, filler: string, totalBytes: number) {
  const stats = { pulledBytes: 0, cancelled: false };
  let sent = 0;
  const stream = new ReadableStream<Uint8Array>({
    pull(controller) {
      if (sent >= totalBytes) {
        controller.close();
        return;
      }
      const text = sent === 0 ? head + filler.repeat(16_384 - head.length) : filler.repeat(16_384);
      const chunk = encoder.encode(text).subarray(0, Math.min(16_384, totalBytes - sent));
      sent += chunk.byteLength;
      stats.pulledBytes += chunk.byteLength;
      controller.enqueue(chunk);
    },
    cancel() {
      stats.cancelled = true;
    },
  });
  return { stream, stats };
}

describe('errorFromResponse', () => {
  it('classifies a JSON error response', async () => {
    const response = Response.json({ detail: 'Not found.' }, { status: 404 });
    const error = await errorFromResponse(response, { method: 'get', url: '/api/v1/datasets/x/' });
    expect(error).toBeInstanceOf(NotFoundError);
    expect(error).toMatchObject({
      status: 404,
      message: 'Not found.',
      detail: 'Not found.',
      method: 'GET',
      url: '/api/v1/datasets/x/',
      body: { detail: 'Not found.' },
    });
  });

  it('parses JSON served with a wrong content type when it looks like JSON', async () => {
    const response = new Response('{"name": ["Required."]}', {
      status: 400,
      headers: { 'content-type': 'text/plain' },
    });
    expect((await errorFromResponse(response)).fieldErrors).toEqual({ name: ['Required.'] });
  });

  it('gives the status line for an HTML 500 and keeps the text as the body', async () => {
    const html = '<!doctype html><html><body><h1>Server Error (500)</h1></body></html>';
    const response = new Response(html, {
      status: 500,
      statusText: 'Internal Server Error',
      headers: { 'content-type': 'text/html' },
    });
    const error = await errorFromResponse(response);
    expect(error).toBeInstanceOf(ServerError);
    expect(error.message).toBe('Internal Server Error (500)');
    expect(error.body).toBe(html);
  });

  it('survives a JSON content type with a broken body', async () => {
    const response = new Response('{"detail": "oops', {
      status: 503,
      headers: { 'content-type': 'application/json' },
    });
    const error = await errorFromResponse(response);
    expect(error.kind).toBe('service_unavailable');
    expect(error.message).toBe('Service Unavailable (503)');
    expect(error.body).toBe('{"detail": "oops');
  });

  it('handles an empty body', async () => {
    const error = await errorFromResponse(new Response(null, { status: 502 }));
    expect(error.kind).toBe('server_error');
    expect(error.message).toBe('Bad Gateway (502)');
    expect(error.body).toBeUndefined();
  });

  it('reads the headers (Retry-After, X-RateLimit-*)', async () => {
    const now = Date.UTC(2026, 0, 1);
    const response = new Response('{"detail": "Request was throttled."}', {
      status: 429,
      headers: {
        'content-type': 'application/json',
        'retry-after': '12',
        'x-ratelimit-limit': '100',
        'x-ratelimit-remaining': '0',
        'x-ratelimit-reset': String(now / 1000 + 12),
      },
    });
    const error = await errorFromResponse(response, undefined, { now });
    expect(error.retryAfterMs).toBe(12_000);
    expect(error.rateLimit).toEqual({ limit: 100, remaining: 0, resetAt: now + 12_000 });
    expect(error.transient).toBe(true);
  });

  it('reads at most 64 KiB of a megabyte HTML body and cancels the rest', async () => {
    const { stream, stats } = trackedBody('<html>', '<p>x</p>', 4 * 1024 * 1024);
    const response = new Response(stream, {
      status: 500,
      headers: { 'content-type': 'text/html' },
    });
    const error = await errorFromResponse(response);
    expect(error.kind).toBe('server_error');
    expect(error.message).toBe('Internal Server Error (500)');
    expect(stats.pulledBytes).toBeLessThanOrEqual(64 * 1024 + 2 * 16_384);
    expect(stats.cancelled).toBe(true);
    expect((error.body as string).length).toBeLessThanOrEqual(2001);
  });

  it('still finds the detail at the head of a megabyte JSON body', async () => {
    const head = '{"detail": "Too much data in one request.", "echo": "';
    const { stream, stats } = trackedBody(head, 'a', 2 * 1024 * 1024);
    const response = new Response(stream, {
      status: 413,
      headers: { 'content-type': 'application/json' },
    });
    const error = await errorFromResponse(response);
    expect(error.kind).toBe('payload_too_large');
    expect(error.detail).toBe('Too much data in one request.');
    expect(error.message).toBe('Too much data in one request.');
    expect(stats.cancelled).toBe(true);
  });

  it('honours a custom maxBodyBytes', async () => {
    const { stream, stats } = trackedBody('<html>', 'y', 1024 * 1024);
    await errorFromResponse(new Response(stream, { status: 500 }), undefined, {
      maxBodyBytes: 1024,
    });
    expect(stats.pulledBytes).toBeLessThanOrEqual(2 * 16_384);
  });

  it('classifies by status when the body was already read', async () => {
    const response = Response.json({ detail: 'gone' }, { status: 404 });
    await response.text();
    const error = await errorFromResponse(response);
    expect(error.kind).toBe('not_found');
    expect(error.message).toBe('Not Found (404)');
  });

  it('classifies by status when the body stream errors', async () => {
    const stream = new ReadableStream<Uint8Array>({
      start(controller) {
        controller.enqueue(encoder.encode('{"deta'));
        controller.error(new Error('connection reset'));
      },
    });
    const error = await errorFromResponse(new Response(stream, { status: 503 }));
    expect(error.kind).toBe('service_unavailable');
    expect(error.status).toBe(503);
  });

  it('gives up on a stalled body after readTimeoutMs', async () => {
    let cancelled = false;
    const stream = new ReadableStream<Uint8Array>({
      start(controller) {
        controller.enqueue(encoder.encode('{"detail": "slow"'));
      },
      cancel() {
        cancelled = true;
      },
    });
    const error = await errorFromResponse(new Response(stream, { status: 504 }), undefined, {
      readTimeoutMs: 20,
    });
    expect(error.kind).toBe('server_error');
    // What arrived before the stall still counts: the detail at the head of the JSON.
    expect(error.message).toBe('slow');
    expect(cancelled).toBe(true);
  });

  it('never rejects, even when handed something that is not a Response', async () => {
    const throwing = Object.defineProperty({}, 'status', {
      get() {
        throw new Error('not a response');
      },
    });
    for (const input of [{}, null, undefined, throwing]) {
      const error = await errorFromResponse(input as Response);
      expect(isAvalaError(error)).toBe(true);
      expect(error.kind).toBe('unexpected_status');
      expect(error.message).toBe('Unexpected response status');
    }
  });

  it('defaults the url to the response url', async () => {
    const response = Response.json({ detail: 'x' }, { status: 404 });
    Object.defineProperty(response, 'url', { value: 'https://api.avala.ai/api/v1/x/?token=abc' });
    expect((await errorFromResponse(response)).url).toBe(
      'https://api.avala.ai/api/v1/x/?token=***',
    );
  });
});
