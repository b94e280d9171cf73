/**
 * Raw HTTP/1.1 over `node:net`, for requests no `fetch` would send: smuggling headers, NUL
 * bytes, absolute-form targets, half-sent requests. Every exchange is bounded in time.
 */
import { connect } from 'node:net';

/** One piece of a raw request: bytes to write, or a pause (ms) before the next piece. */
export type RawPiece = string | Buffer | { pauseMs: number };

/** What came back: the status (when a response started) and whether the server closed first. */
export interface RawReply {
  status: number | undefined;
  head: string;
  body: string;
  /** The exchange hit its time limit and the socket was destroyed by us. */
  timedOut: boolean;
}

/**
 * Writes `pieces` to `port` on 127.0.0.1 and reads until the server closes the connection
 * (send `Connection: close`), `abandon`s after the pieces, or `limitMs` passes.
 */
export function rawExchange(
  port: number,
  pieces: readonly RawPiece[],
  options: { limitMs?: number; abandon?: boolean } = {},
): Promise<RawReply> {
  const { limitMs = 3000, abandon = false } = options;
  return new Promise((resolve) => {
    const socket = connect({ host: '127.0.0.1', port });
    const received: Buffer[] = [];
    let timedOut = false;
    let finished = false;
    const finish = () => {
      if (finished) return;
      finished = true;
      clearTimeout(limit);
      socket.destroy();
      const text = Buffer.concat(received).toString('latin1');
      const split = text.indexOf('\r\n\r\n');
      const head = split === -1 ? text : text.slice(0, split);
      const status = /^HTTP\/1\.[01] (\d{3})/.exec(head)?.[1];
      resolve({
        status: status === undefined ? undefined : Number(status),
        head,
        body: split === -1 ? '' : text.slice(split + 4),
        timedOut,
      });
    };
    const limit = setTimeout(() => {
      timedOut = true;
      finish();
    }, limitMs);
    socket.on('data', (chunk) => received.push(chunk));
    socket.on('close', finish);
    // A reset while writing is one way a server refuses; what was read so far is the answer.
    socket.on('error', () => undefined);
    socket.once('connect', async () => {
      for (const piece of pieces) {
        if (finished || socket.destroyed) return;
        if (typeof piece === 'object' && 'pauseMs' in piece) {
          await new Promise((wake) => setTimeout(wake, piece.pauseMs));
        } else {
          socket.write(piece);
        }
      }
      if (abandon) finish();
    });
  });
}
