import { createServer, type Server } from 'node:http';
import type { ProxyLog } from './log.js';
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
    handler.onRequest,
  );
  server.on('upgrade', handler.onUpgrade);
  server.on('clientError', (error: NodeJS.ErrnoException, socket) => {
    // Malformed requests, slow headers, resets: answer when the socket still can, then close.
    // Only this connection is affected.
    const code = error.code ?? '';
    if (code !== 'ECONNRESET' && socket.writable && !(socket as { _httpMessage?: unknown })._httpMessage) {
      const status = RESPONSES[code] ?? '400 Bad Request';
      socket.end(`HTTP/1.1 ${status}\r\ncontent-length: 0\r\nconnection: close\r\n\r\n`);
    } else {
      socket.destroy();
    }
    log.debug('client connection error', { code });
  });
  return server;
}
