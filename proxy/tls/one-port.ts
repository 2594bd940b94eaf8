import type { Server as HttpServer } from 'node:http';
import type { Http2Server } from 'node:http2';
import type { Socket } from 'node:net';
import { createServer as createTlsServer, type SecureContext, type TLSSocket } from 'node:tls';
import type { ProxyLog } from '../log.js';

/** A TLS record starts with its content type; 0x16 is a handshake (the ClientHello). HTTP starts with a method letter. */
const TLS_HANDSHAKE = 0x16;

export interface OnePortTls {
  /** The certificate for a server name, or undefined to refuse the handshake (a name that is not ours). */
  contextFor(servername: string): Promise<SecureContext | undefined>;
  /** Served when the client sends no SNI (it connected to an IP literal): the `localhost` leaf. */
  defaultCert: { certPem: string; keyPem: string };
  h2: Http2Server;
  log: ProxyLog;
  /** A connection that sends nothing, or does not finish its handshake, is cut after this. */
  idleTimeoutMs: number;
}

/**
 * Makes one listening HTTP/1.1 server answer HTTP and HTTPS on the same port. Its own
 * 'connection' listener is replaced by one that reads the first chunk and puts it back
 * (`unshift`): a TLS handshake goes to a TLS server that never listens (SNI picks the leaf,
 * ALPN offers h2 and http/1.1), anything else to the HTTP server's original listener, so
 * plain HTTP keeps Node's fast path (the parser consumes the socket). After the handshake an
 * h2 connection goes to the shared HTTP/2 server and an http/1.1 one back to this server's
 * listener: the same handler, timeouts, upgrade and error paths as plain HTTP.
 */
export function serveTlsOnSamePort(server: HttpServer, options: OnePortTls): void {
  const httpListener = server.listeners('connection')[0] as (this: HttpServer, socket: Socket) => void;
  server.removeAllListeners('connection');
  const tlsSockets = new Set<Socket>();

  const tlsServer = createTlsServer({
    cert: options.defaultCert.certPem,
    key: options.defaultCert.keyPem,
    ALPNProtocols: ['h2', 'http/1.1'],
    minVersion: 'TLSv1.2',
    handshakeTimeout: options.idleTimeoutMs,
    SNICallback: (servername, done) => {
      options.contextFor(servername).then(
        (context) => (context ? done(null, context) : done(new Error(`no certificate for ${servername.slice(0, 100)}: not a name dual serves`))),
        (error: Error) => done(error),
      );
    },
  });
  tlsServer.on('secureConnection', (socket: TLSSocket) => {
    if (socket.alpnProtocol === 'h2') options.h2.emit('connection', socket);
    else httpListener.call(server, socket);
  });
  tlsServer.on('tlsClientError', (error: NodeJS.ErrnoException) => options.log.debug('TLS handshake refused or failed', { error: error.message }));

  server.on('connection', (socket: Socket) => {
    const onEarlyError = () => socket.destroy();
    socket.on('error', onEarlyError);
    // Before the first byte no server owns the socket, so none of their timeouts apply yet.
    socket.setTimeout(options.idleTimeoutMs, () => socket.destroy());
    socket.once('data', (chunk: Buffer) => {
      socket.pause();
      socket.unshift(chunk);
      socket.setTimeout(0);
      socket.off('error', onEarlyError);
      if (chunk[0] === TLS_HANDSHAKE) {
        tlsSockets.add(socket);
        socket.once('close', () => tlsSockets.delete(socket));
        tlsServer.emit('connection', socket);
      } else {
        httpListener.call(server, socket);
      }
      // Resumed on the next tick, once the new owner has attached its listeners.
      process.nextTick(() => socket.resume());
    });
  });

  // The HTTP server tracks only the connections it parses; closing a port also cuts TLS ones.
  const closeHttpConnections = server.closeAllConnections.bind(server);
  server.closeAllConnections = () => {
    closeHttpConnections();
    for (const socket of tlsSockets) socket.destroy();
  };
}
