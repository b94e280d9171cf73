import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { FORWARDED_METHODS } from './app.js';
import { nodeHandler } from './node.js';
import { createAvalaProxy } from './proxy.js';
import type { RunningProxy, StartProxyOptions } from './types.js';

/**
 * Starts the gateway on Node and resolves once it listens. The raw request target reaches
 * the checks (see `nodeHandler`), so `..` is refused before any URL parser resolves it.
 *
 * @example
 * const running = await startProxy({ apiKey, redis: 'redis://127.0.0.1:6379', open: true, port: 0 });
 * const avala = createAvalaClient({ baseUrl: `${running.url}/api/v1` });
 */
export async function startProxy(options: StartProxyOptions): Promise<RunningProxy> {
  const { port = 8788, host = '127.0.0.1', ...proxyOptions } = options;
  const proxy = createAvalaProxy(proxyOptions);
  const server = createServer(nodeHandler(proxy));
  // Node hands CONNECT to a 'connect' listener, never to the request handler; without one it
  // drops the socket. Answer it like any other method the gateway does not forward.
  server.on('connect', (_request, socket) => {
    const body = JSON.stringify({ detail: 'Method "CONNECT" not allowed.' });
    socket.end(
      'HTTP/1.1 405 Method Not Allowed\r\nContent-Type: application/json\r\n' +
        `Allow: ${FORWARDED_METHODS.join(', ')}\r\nConnection: close\r\n` +
        `Content-Length: ${Buffer.byteLength(body)}\r\n\r\n${body}`,
    );
  });
  try {
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(port, host, () => {
        server.off('error', reject);
        resolve();
      });
    });
  } catch (error) {
    await proxy.close();
    throw error;
  }
  const { port: actualPort } = server.address() as AddressInfo;
  const urlHost =
    host === '0.0.0.0' || host === '::' ? '127.0.0.1' : host.includes(':') ? `[${host}]` : host;
  let closed: Promise<void> | undefined;
  return {
    url: `http://${urlHost}:${actualPort}`,
    proxy,
    close() {
      closed ??= new Promise<void>((resolve) => {
        server.close(() => resolve());
        // Keep-alive sockets would hold `close` open until they time out.
        server.closeAllConnections();
      }).then(() => proxy.close());
      return closed;
    },
  };
}
