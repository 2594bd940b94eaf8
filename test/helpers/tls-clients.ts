import { randomBytes } from 'node:crypto';
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

/**
 * A WebSocket over one h2 stream (RFC 8441): extended CONNECT, then RFC 6455 frames on the
 * stream. Sends one masked text frame and resolves with the first text frame that comes back.
 */
export async function h2WebSocketEcho(
  session: ClientHttp2Session,
  authority: string,
  message: string,
  request: { path?: string; headers?: Record<string, string> } = {},
): Promise<{ status: number; echo?: string; body?: string }> {
  await new Promise<void>((resolve) => {
    if (session.remoteSettings.enableConnectProtocol) resolve();
    else session.once('remoteSettings', () => resolve());
  });
  if (!session.remoteSettings.enableConnectProtocol) throw new Error('the server did not advertise SETTINGS_ENABLE_CONNECT_PROTOCOL');
  const stream = session.request(
    { ':method': 'CONNECT', ':protocol': 'websocket', ':scheme': 'https', ':path': request.path ?? '/hmr', ':authority': authority, 'sec-websocket-version': '13', ...request.headers },
    { endStream: false },
  );
  const status = await new Promise<number>((resolve, reject) => {
    stream.once('response', (h) => resolve(Number(h[':status'])));
    stream.once('error', reject);
  });
  if (status !== 200) {
    const chunks: Buffer[] = [];
    for await (const chunk of stream) chunks.push(chunk as Buffer);
    return { status, body: Buffer.concat(chunks).toString() };
  }
  stream.write(maskedTextFrame(message));
  const echo = await new Promise<string>((resolve, reject) => {
    let buffered = Buffer.alloc(0);
    stream.on('data', (chunk: Buffer) => {
      buffered = Buffer.concat([buffered, chunk]);
      const text = readTextFrame(buffered);
      if (text !== undefined) resolve(text);
    });
    stream.once('error', reject);
  });
  stream.close();
  return { status, echo };
}

function maskedTextFrame(text: string): Buffer {
  const payload = Buffer.from(text);
  if (payload.length > 125) throw new Error('short frames only');
  const mask = randomBytes(4);
  const masked = Buffer.from(payload.map((byte, i) => byte ^ mask[i % 4]!));
  return Buffer.concat([Buffer.from([0x81, 0x80 | payload.length]), mask, masked]);
}

function readTextFrame(data: Buffer): string | undefined {
  if (data.length < 2) return undefined;
  const length = data[1]! & 0x7f;
  if (length > 125) throw new Error('short frames only');
  if (data.length < 2 + length) return undefined;
  return data.subarray(2, 2 + length).toString();
}
