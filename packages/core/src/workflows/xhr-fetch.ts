/** Bytes of the request body sent so far, as XMLHttpRequest's `upload.onprogress` counts them. */
export type SentBytesListener = (sent: number, total: number) => void;

// Statuses whose Response must have no body (the constructor throws otherwise).
const NULL_BODY_STATUSES = new Set([101, 103, 204, 205, 304]);

/**
 * Whether this is a browser page (XMLHttpRequest, and no Node underneath: jsdom has one too,
 * whose XHR cannot send Node's Blobs).
 */
export function canUseXhr(): boolean {
  const node = (globalThis as { process?: { versions?: { node?: unknown } } }).process?.versions
    ?.node;
  return typeof XMLHttpRequest === 'function' && node === undefined;
}

/**
 * A `fetch` backed by XMLHttpRequest, for ky's `fetch` option, so a browser can report real
 * upload progress: ky's `onUploadProgress` needs a streamed request body, which Chromium sends
 * only over HTTP/2, and storage (S3's presigned POST, the sandbox) speaks HTTP/1.1. XHR's
 * `upload.onprogress` counts the bytes written on any protocol. ky still runs the attempts, the
 * hooks and the retries; this only sends one request. Aborting the request's signal aborts the
 * XHR; a failure without a response rejects with fetch's `TypeError('Failed to fetch')`, which
 * ky reports as a `NetworkError`.
 */
export function xhrFetch(onSent: SentBytesListener): typeof fetch {
  return async (input, init) => {
    const request = new Request(input, init);
    const { signal } = request;
    signal.throwIfAborted();
    // The multipart body as one Blob (Chromium keeps a file part as a reference, not a copy).
    const body = request.body === null ? null : await request.blob();
    return new Promise<Response>((resolve, reject) => {
      const xhr = new XMLHttpRequest();
      const onAbort = () => xhr.abort();
      const settle = () => signal.removeEventListener('abort', onAbort);
      xhr.open(request.method, request.url);
      xhr.responseType = 'blob';
      for (const [name, value] of request.headers) xhr.setRequestHeader(name, value);
      xhr.upload.onprogress = (event) => {
        if (event.lengthComputable) onSent(event.loaded, event.total);
      };
      xhr.onload = () => {
        settle();
        const status = xhr.status;
        resolve(
          new Response(NULL_BODY_STATUSES.has(status) ? null : (xhr.response as Blob), {
            status,
            statusText: xhr.statusText,
            headers: parseHeaders(xhr.getAllResponseHeaders()),
          }),
        );
      };
      xhr.onerror = () => {
        settle();
        reject(new TypeError('Failed to fetch'));
      };
      xhr.onabort = () => {
        settle();
        reject(signal.reason ?? new DOMException('The request was aborted.', 'AbortError'));
      };
      signal.addEventListener('abort', onAbort, { once: true });
      xhr.send(body);
    });
  };
}

/** `getAllResponseHeaders()`'s CRLF-separated `name: value` lines as Headers. */
function parseHeaders(text: string): Headers {
  const headers = new Headers();
  for (const line of text.trim().split(/[\r\n]+/)) {
    const colon = line.indexOf(':');
    if (colon > 0) headers.append(line.slice(0, colon).trim(), line.slice(colon + 1).trim());
  }
  return headers;
}
