import http2, { type ClientHttp2Session, type IncomingHttpHeaders } from 'node:http2';
import https from 'node:https';
import tls from 'node:tls';

/**
 * Clients for the proxy's TLS side. Node does not resolve *.localhost, so every client
 * connects to 127.0.0.1 and names the host in SNI (servername) and Host / :authority.
 */
export interface H2Reply {
  status: number;
  headers: IncomingHttpHeaders;
  body: string;
}

export function h2Connect(port: number, servername: string, ca: string): Promise<ClientHttp2Session> {
  return new Promise((resolve, reject) => {
    const session = http2.connect(`https://${servername}:${port}`, {
      ca,
      servername,
      createConnection: () => tls.connect({ host: '127.0.0.1', port, servername, ca, ALPNProtocols: ['h2'] }),
    });
    session.once('connect', () => resolve(session));
    session.once('error', reject);
  });
}

export function h2Request(
  session: ClientHttp2Session,
  headers: http2.OutgoingHttpHeaders,
  body?: string | Buffer | NodeJS.ReadableStream,
): Promise<H2Reply> {
  return new Promise((resolve, reject) => {
    const stream = session.request(headers, { endStream: body === undefined });
    const chunks: Buffer[] = [];
    let responseHeaders: IncomingHttpHeaders = {};
    stream.on('response', (h) => (responseHeaders = h));
    stream.on('data', (c: Buffer) => chunks.push(c));
    stream.on('end', () => resolve({ status: Number(responseHeaders[':status']), headers: responseHeaders, body: Buffer.concat(chunks).toString() }));
    stream.on('error', reject);
    if (typeof body === 'string' || Buffer.isBuffer(body)) stream.end(body);
    else if (body) body.pipe(stream);
  });
}

/** HTTPS GET from a client that offers only http/1.1 in ALPN. */
export function https11(port: number, servername: string, ca: string, path = '/'): Promise<{ status: number; body: string; alpn: string | false | null }> {
  return new Promise((resolve, reject) => {
    // ALPNProtocols reaches tls.connect; @types/node's RequestOptions does not list it.
    const options = { host: '127.0.0.1', port, path, servername, ca, ALPNProtocols: ['http/1.1'], headers: { host: `${servername}:${port}` }, agent: false };
    const req = https.get(
      options,
      (res) => {
        const alpn = (res.socket as tls.TLSSocket).alpnProtocol;
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString(), alpn }));
      },
    );
    req.on('error', reject);
  });
}

/** A bare TLS handshake; resolves with the peer certificate's subject names, rejects when refused. */
export function handshake(port: number, servername: string | undefined, ca: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = tls.connect({ host: '127.0.0.1', port, servername, ca });
    socket.once('secureConnect', () => {
      const names = socket.getPeerCertificate().subjectaltname ?? '';
      socket.end();
      resolve(names);
    });
    socket.once('error', reject);
  });
}
