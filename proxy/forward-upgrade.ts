import type { IncomingMessage } from 'node:http';
import { connect, type Socket } from 'node:net';
import type { Duplex } from 'node:stream';
import { upstreamRequestHeaders } from './forward-headers.js';
import type { Upstream } from './route-table.js';

export type UpgradeFailure = { kind: 'connect-failed'; error: NodeJS.ErrnoException };

/**
 * WebSocket (and any other Upgrade): once the upstream accepts the TCP connection the
 * proxy writes the request head and then only pipes bytes both ways. Its 101 answer, or a
 * refusal, reaches the client as the upstream wrote it; after that the frames pass
 * untouched, so HMR and any subprotocol work.
 */
export function forwardUpgrade(
  req: IncomingMessage,
  client: Duplex,
  head: Buffer,
  options: { upstream: Upstream; port: number; rewriteHost: boolean; onFailure: (failure: UpgradeFailure) => void },
): void {
  const upstream = connect({ host: options.upstream.host, port: options.upstream.port });
  let connected = false;
  const cleanup = (error?: Error) => {
    if (!connected && error) options.onFailure({ kind: 'connect-failed', error: error as NodeJS.ErrnoException });
    upstream.destroy();
    if (connected) client.destroy();
  };
  upstream.on('error', cleanup);
  client.on('error', () => upstream.destroy());
  client.once('close', () => upstream.destroy());
  upstream.setTimeout(5_000, () => cleanup(Object.assign(new Error('connect timed out'), { code: 'ETIMEDOUT' })));
  upstream.once('connect', () => {
    connected = true;
    upstream.setTimeout(0);
    upstream.setNoDelay(true);
    (client as Socket).setNoDelay?.(true);
    (client as Socket).setTimeout?.(0);
    const headers = upstreamRequestHeaders(req.rawHeaders, {
      clientIp: req.socket.remoteAddress ?? '',
      host: req.headers.host ?? '',
      port: options.port,
      rewriteHost: options.rewriteHost,
      upgrade: true,
    });
    let text = `${req.method} ${req.url} HTTP/1.1\r\n`;
    for (let i = 0; i < headers.length; i += 2) text += `${headers[i]}: ${headers[i + 1]}\r\n`;
    upstream.write(`${text}\r\n`);
    if (head.length > 0) upstream.write(head);
    upstream.pipe(client);
    client.pipe(upstream);
    upstream.once('close', () => client.destroy());
  });
}
