import type { IncomingMessage, ServerResponse } from 'node:http';
import { getRequestListener } from '@hono/node-server';
import { detail } from './responses.js';
import type { AvalaProxy } from './types.js';

/**
 * The proxy as a Node request listener, for `http.createServer`, Express, Connect or a Vite
 * dev server's middlewares. It hands the raw target to the proxy's checks; a target Node's
 * adapter cannot even turn into a URL (a backslash, a bad Host) gets the same 400
 * `{"detail": …}` as the proxy's own refusals.
 *
 * @example
 * const handle = nodeHandler(createAvalaProxy(options));
 * http.createServer(handle).listen(8788);
 * // In a Vite plugin's configureServer (apps/demo/vite.config.ts). Not `use('/api', …)`:
 * // Connect strips a mount prefix from the URL, and the proxy needs the whole target.
 * server.middlewares.use((req, res, next) =>
 *   req.url?.startsWith('/api/') ? void handle(req, res) : next(),
 * );
 */
export function nodeHandler(
  proxy: AvalaProxy,
): (incoming: IncomingMessage, outgoing: ServerResponse) => Promise<void> {
  return getRequestListener(proxy.fetch, {
    // Keep the process's own Request/Response: other code in the process may rely on them.
    overrideGlobalObjects: false,
    errorHandler: () => detail(400, 'Malformed request target.'),
  });
}
