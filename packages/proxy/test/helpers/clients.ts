import { createAvalaClient } from '@avala-fetch/core';

/**
 * A keyless browser-like client of the proxy that sends `Authorization: Bearer <token>`.
 * The token is added by a wrapping `fetch` (as a browser sends its session cookie on every
 * request of the page) rather than by the client's `headers` option.
 */
export function proxyClient(
  proxyUrl: string,
  token: string | undefined,
  onStatus: (status: number) => void = () => {},
) {
  return createAvalaClient({
    baseUrl: `${proxyUrl}/api/v1`,
    fetch: (input, init) => {
      const request = new Request(input, init);
      if (token) request.headers.set('Authorization', `Bearer ${token}`);
      return fetch(request);
    },
    // Separate browsers: no tab channel between them.
    rateLimit: { broadcastChannel: false },
    onEvent: (event) => {
      if (event.type === 'response') onStatus(event.status);
    },
  });
}
