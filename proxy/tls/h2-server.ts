import type { IncomingMessage, ServerResponse } from 'node:http';
import { createServer, type Http2Server, type Http2ServerRequest, type Http2ServerResponse } from 'node:http2';
import type { ProxyLog } from '../log.js';

export interface H2Handlers {
  /** The HTTP/1.1 request path (request-handler.ts), which also takes Node's h2 compatibility objects. */
  onRequest(req: IncomingMessage, res: ServerResponse): void;
}

/**
 * The HTTP/2 side of the proxy. It never listens: one-port.ts hands it TLS sockets that
 * negotiated `h2`. Requests go through the same request handler as HTTP/1.1 (Node's
 * compatibility API gives them the IncomingMessage/ServerResponse shape), so routing, the
 * Host check, pages and the pooled HTTP/1.1 upstream are one code path.
 */
export function createH2Server(handlers: H2Handlers, log: ProxyLog): Http2Server {
  const server = createServer({
    // No RFC 8441 (WebSocket over an h2 stream): Chromium on Linux closes every h2 connection
    // when the host's network changes, which every container start does, and an HMR socket on
    // one died with it (Vite then reloads the page). Not offered, browsers open each WebSocket
    // on an HTTP/1.1 TLS connection of its own, which such a change leaves open. SPEC.md,
    // "HTTPS and HTTP/2", has the measurement.
    settings: { enableConnectProtocol: false, maxConcurrentStreams: 1000 },
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
  server.on('connect', (_req: Http2ServerRequest, res: Http2ServerResponse) => {
    // CONNECT asks the proxy to open a tunnel anywhere: dual is not a forward proxy.
    res.writeHead(405, { 'content-type': 'text/plain' });
    res.end('dual proxy: CONNECT is not supported\n');
  });
  server.on('session', (session) => {
    session.on('error', (error) => log.debug('h2 session error', { error: error.message }));
  });
  server.on('sessionError', (error) => log.debug('h2 session error', { error: error.message }));
  return server;
}
