import { createServer, type Server, type ServerResponse } from 'node:http';
import type { Socket } from 'node:net';
import type { ProxyLog } from './log.js';
import { endAndClose } from './socket-close.js';
import type { createRequestHandler } from './request-handler.js';

export interface ServerOptions {
  /** A client that has not finished its request headers by then is cut off (slowloris). */
  headersTimeoutMs: number;
  /** Idle keep-alive client connections are closed after this. */
  keepAliveTimeoutMs: number;
}

const RESPONSES: Record<string, string> = {
  HPE_HEADER_OVERFLOW: '431 Request Header Fields Too Large',
  ERR_HTTP_REQUEST_TIMEOUT: '408 Request Timeout',
};

/** One listener's server. All listeners share the same handler (routing is by Host, then port). */
export function createProxyServer(handler: ReturnType<typeof createRequestHandler>, options: ServerOptions, log: ProxyLog): Server {
  const server = createServer(
    {
      headersTimeout: options.headersTimeoutMs,
      // Uploads and SSE can take any time: only the headers are on a clock.
      requestTimeout: 0,
      keepAliveTimeout: options.keepAliveTimeoutMs,
      // Node checks the headers timeout on this interval; it bounds how late a slow client is cut.
      connectionsCheckingInterval: Math.max(250, Math.min(options.headersTimeoutMs / 4, 5_000)),
      noDelay: true,
    },
    (req, res) => {
      watchClientFin(req.socket);
      handler.onRequest(req, res);
    },
  );
  // A client that half-closes after its request (`nc -N`, `socket.end()` after writing) still
  // gets its answer: Node's default aborts the request on the client's FIN. The connection
  // closes once the answer is written.
  (server as Server & { httpAllowHalfOpen: boolean }).httpAllowHalfOpen = true;
  server.on('upgrade', handler.onUpgrade);
  server.on('clientError', (error: NodeJS.ErrnoException, socket) => {
    // Malformed requests, slow headers, resets: answer when the socket still can, then close.
    // Only this connection is affected.
    const code = error.code ?? '';
    if (code !== 'ECONNRESET' && socket.writable && !(socket as { _httpMessage?: unknown })._httpMessage) {
      const status = RESPONSES[code] ?? '400 Bad Request';
      endAndClose(socket, `HTTP/1.1 ${status}\r\ncontent-length: 0\r\nconnection: close\r\n\r\n`);
    } else {
      socket.destroy();
    }
    log.debug('client connection error', { code });
  });
  return server;
}

const watched = new WeakSet<Socket>();

/**
 * With half-open allowed, a client's FIN no longer ends its request, and a FIN cannot tell
 * "half-closed" from "gone". Before the answer starts it is read as a half-close (wait and
 * answer; bounded by the upstream headers timeout); once the answer is streaming it is read
 * as gone (a tab closed mid-SSE), so the socket is destroyed and the upstream released at once.
 * Attached on the first request, not on 'connection': the TLS front (tls/one-port.ts) hands
 * sockets to the server's own connection listener only.
 */
function watchClientFin(socket: Socket): void {
  if (watched.has(socket)) return;
  watched.add(socket);
  socket.on('end', () => {
    const res = (socket as { _httpMessage?: ServerResponse | null })._httpMessage;
    if (res && res.headersSent && !res.writableEnded) socket.destroy();
  });
}
