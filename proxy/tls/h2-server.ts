import type { IncomingMessage, ServerResponse } from 'node:http';
import { createServer, type Http2Server, type Http2ServerRequest, type Http2ServerResponse } from 'node:http2';
import type { ProxyLog } from '../log.js';

export interface H2Handlers {
  /** The HTTP/1.1 request path (request-handler.ts), which also takes Node's h2 compatibility objects. */
  onRequest(req: IncomingMessage, res: ServerResponse): void;
  /** RFC 8441 extended CONNECT: a WebSocket over one h2 stream. */
  onExtendedConnect(req: Http2ServerRequest, res: Http2ServerResponse): void;
}

/**
 * The HTTP/2 side of the proxy. It never listens: one-port.ts hands it TLS sockets that
 * negotiated `h2`. Requests go through the same request handler as HTTP/1.1 (Node's
 * compatibility API gives them the IncomingMessage/ServerResponse shape), so routing, the
 * Host check, pages and the pooled HTTP/1.1 upstream are one code path.
 */
export function createH2Server(handlers: H2Handlers, log: ProxyLog): Http2Server {
  const server = createServer({
    // Advertise RFC 8441 so browsers carry WebSockets (Vite's HMR) over this connection.
    settings: { enableConnectProtocol: true, maxConcurrentStreams: 1000 },
    // A dev page opens a thousand module requests at once; Node's 10 MB default would refuse
    // streams (ENHANCE_YOUR_CALM) while answers are still queued.
    maxSessionMemory: 64,
  });
  server.on('request', (req: Http2ServerRequest, res: Http2ServerResponse) => {
    // The Host check and routing read `host`; in h2 the authority is a pseudo-header.
    const authority = req.headers[':authority'];
    if (typeof authority === 'string') req.headers.host = authority;
    handlers.onRequest(req as unknown as IncomingMessage, res as unknown as ServerResponse);
  });
  server.on('connect', (req: Http2ServerRequest, res: Http2ServerResponse) => {
    const authority = req.headers[':authority'];
    if (typeof authority === 'string') req.headers.host = authority;
    if (req.headers[':protocol'] === undefined) {
      // A plain CONNECT asks the proxy to open a tunnel anywhere: dual is not a forward proxy.
      res.writeHead(405, { 'content-type': 'text/plain' });
      res.end('dual proxy: CONNECT is not supported\n');
      return;
    }
    handlers.onExtendedConnect(req, res);
  });
  server.on('session', (session) => {
    session.on('error', (error) => log.debug('h2 session error', { error: error.message }));
  });
  server.on('sessionError', (error) => log.debug('h2 session error', { error: error.message }));
  return server;
}
