import http, { type ClientRequest, type IncomingMessage } from 'node:http';
import type { Socket } from 'node:net';
import type { Duplex } from 'node:stream';
import { headersForUpstream } from './forward-headers.js';
import type { Upstream } from './route-table.js';

export type UpgradeFailure =
  | { kind: 'connect-failed'; error: NodeJS.ErrnoException }
  /**
   * The upstream answered with something that is not HTTP: Next.js refuses a cross-origin
   * HMR socket by writing `Unauthorized` on the raw socket. `answer` is what it wrote.
   */
  | { kind: 'not-http'; answer: string };

/**
 * WebSocket (and any other Upgrade). The request goes upstream through Node's HTTP client,
 * which parses the answer: only a 101 turns the client connection into a tunnel (frames pass
 * untouched, so HMR and any subprotocol work). Any other answer (a dev server refusing the
 * origin, a plain server ignoring `Upgrade: h2c`) is relayed as an ordinary response and the
 * client connection is closed after it, so the next request on that connection can never
 * reach this upstream without its own Host routing and checks.
 */
export function forwardUpgrade(
  req: IncomingMessage,
  client: Duplex,
  head: Buffer,
  options: { upstream: Upstream; port: number; rewriteHost: boolean; domains: readonly string[]; onFailure: (failure: UpgradeFailure) => void },
): void {
  const headers = headersForUpstream(req.rawHeaders, req, options, { upgrade: true, proto: (client as { encrypted?: boolean }).encrypted === true ? 'https' : 'http' });
  const upstreamReq = openUpgradeRequest({ upstream: options.upstream, method: req.method ?? 'GET', path: req.url ?? '/', headers }, options.onFailure, () => client.destroy());
  client.once('close', () => upstreamReq.destroy());

  upstreamReq.once('upgrade', (res, upstream: Socket, upstreamHead: Buffer) => {
    upstream.setTimeout(0);
    upstream.setNoDelay(true);
    (client as Socket).setNoDelay?.(true);
    (client as Socket).setTimeout?.(0);
    client.write(statusLine(res) + headerLines(res.rawHeaders) + '\r\n');
    if (upstreamHead.length > 0) client.write(upstreamHead);
    if (head.length > 0) upstream.write(head);
    upstream.pipe(client);
    client.pipe(upstream);
    upstream.on('error', () => client.destroy());
    client.on('error', () => upstream.destroy());
    upstream.once('close', () => client.destroy());
    client.once('close', () => upstream.destroy());
  });

  upstreamReq.once('response', (res) => {
    // Not switching protocols: relay this one answer, close-delimited, then end the connection.
    const kept = withoutFraming(res.rawHeaders);
    client.write(statusLine(res) + headerLines(kept) + 'Connection: close\r\n\r\n');
    if (req.method === 'HEAD') {
      res.resume();
      client.end();
      return;
    }
    res.pipe(client);
    res.on('error', () => client.destroy());
  });

  // The client's request body (rare for upgrades) ends here: the head was already read.
  upstreamReq.end();
}

/**
 * The upstream half of an Upgrade: Node's HTTP client on a connection of its own (an upgraded
 * connection never goes back to a pool), 5 s to connect. Until the upstream answers, an
 * error is a failure the caller turns into a page; after it, `cut` ends the client side.
 */
function openUpgradeRequest(
  target: { upstream: Upstream; method: string; path: string; headers: string[] },
  onFailure: (failure: UpgradeFailure) => void,
  cut: () => void,
): ClientRequest {
  const upstreamReq = http.request({
    host: target.upstream.host,
    port: target.upstream.port,
    method: target.method,
    path: target.path,
    headers: target.headers,
    agent: false,
    setHost: false,
    timeout: 5_000,
  });
  let answered = false;
  upstreamReq.once('upgrade', () => (answered = true));
  upstreamReq.once('response', () => (answered = true));
  upstreamReq.once('timeout', () => upstreamReq.destroy(Object.assign(new Error('connect timed out'), { code: 'ETIMEDOUT' })));
  upstreamReq.on('error', (error: NodeJS.ErrnoException) => {
    if (answered) cut();
    else onFailure(classifyUpgradeError(error));
  });
  return upstreamReq;
}

/** Node's parser fails with HPE_* when the upstream wrote something that is not HTTP (Next.js's bare `Unauthorized`). */
function classifyUpgradeError(error: NodeJS.ErrnoException & { rawPacket?: unknown }): UpgradeFailure {
  return error.code?.startsWith('HPE_') ? { kind: 'not-http', answer: printable(error.rawPacket) } : { kind: 'connect-failed', error };
}

function statusLine(res: IncomingMessage): string {
  return `HTTP/1.1 ${res.statusCode ?? 502} ${res.statusMessage ?? ''}\r\n`;
}

function headerLines(raw: string[]): string {
  let text = '';
  for (let i = 0; i < raw.length; i += 2) text += `${raw[i]}: ${raw[i + 1]}\r\n`;
  return text;
}

/** A chunked body arrives de-chunked and is re-sent close-delimited: drop the hop-by-hop framing headers. */
function withoutFraming(raw: string[]): string[] {
  const out: string[] = [];
  for (let i = 0; i < raw.length; i += 2) {
    const name = raw[i]!.toLowerCase();
    if (name === 'transfer-encoding' || name === 'connection' || name === 'keep-alive') continue;
    out.push(raw[i]!, raw[i + 1]!);
  }
  return out;
}

/** What a dev server wrote instead of an HTTP answer, as one short readable line. */
function printable(raw: unknown): string {
  const text = Buffer.isBuffer(raw) ? raw.toString('utf8') : '';
  const line = text.replace(/[^\x20-\x7e]+/g, ' ').trim().slice(0, 200);
  return line || '(no answer)';
}
