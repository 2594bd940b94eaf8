import { randomBytes } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import { constants, type Http2ServerRequest, type OutgoingHttpHeaders } from 'node:http2';
import type { Socket } from 'node:net';
import { headersForUpstream } from '../forward-headers.js';
import { openUpgradeRequest, type UpgradeFailure } from '../forward-upgrade.js';
import type { Upstream } from '../route-table.js';

/** Headers of the upstream's 101 (or other) answer that describe the HTTP/1.1 connection, not the h2 stream. */
const NOT_FOR_H2 = new Set(['connection', 'upgrade', 'keep-alive', 'transfer-encoding', 'proxy-connection', 'sec-websocket-accept', 'http2-settings']);

/**
 * RFC 8441: a browser on an h2 connection opens a WebSocket as `CONNECT` with
 * `:protocol: websocket` on one stream. Dev servers speak RFC 6455 over HTTP/1.1, so the
 * stream is bridged to an HTTP/1.1 `Upgrade: websocket` request (with a fresh
 * Sec-WebSocket-Key); when the upstream switches protocols the stream answers 200 and the
 * frames pass untouched both ways (WebSocket frames are the same over both). Any other
 * answer (a dev server refusing the origin) is relayed as the stream's answer; one that is
 * not HTTP at all is a failure classified as over HTTP/1.1 (openUpgradeRequest).
 */
export function forwardH2WebSocket(
  req: Http2ServerRequest,
  options: { upstream: Upstream; port: number; rewriteHost: boolean; domains: readonly string[]; onFailure: (failure: UpgradeFailure) => void },
): void {
  const stream = req.stream;
  const protocol = String(req.headers[':protocol'] ?? 'websocket');
  const rawHeaders = [...req.rawHeaders, 'upgrade', protocol, 'sec-websocket-key', randomBytes(16).toString('base64')];
  const headers = headersForUpstream(rawHeaders, req, options, { upgrade: true, proto: 'https' });
  const upstreamReq = openUpgradeRequest({ upstream: options.upstream, method: 'GET', path: req.url, headers }, options.onFailure, () =>
    stream.close(constants.NGHTTP2_CANCEL),
  );
  stream.once('close', () => upstreamReq.destroy());

  upstreamReq.once('upgrade', (res: IncomingMessage, upstream: Socket, upstreamHead: Buffer) => {
    if (stream.destroyed) return upstream.destroy();
    upstream.setTimeout(0);
    upstream.setNoDelay(true);
    stream.respond({ ':status': 200, ...h2Headers(res.rawHeaders) });
    if (upstreamHead.length > 0) stream.write(upstreamHead);
    upstream.pipe(stream);
    stream.pipe(upstream);
    upstream.on('error', () => stream.close(constants.NGHTTP2_CANCEL));
    stream.on('error', () => upstream.destroy());
    upstream.once('close', () => {
      if (!stream.closed) stream.close(constants.NGHTTP2_NO_ERROR);
    });
    stream.once('close', () => upstream.destroy());
  });

  upstreamReq.once('response', (res: IncomingMessage) => {
    if (stream.destroyed) return res.resume();
    stream.respond({ ':status': res.statusCode ?? 502, ...h2Headers(res.rawHeaders) });
    res.pipe(stream);
    res.on('error', () => stream.close(constants.NGHTTP2_CANCEL));
  });
  upstreamReq.end();
}

function h2Headers(raw: readonly string[]): OutgoingHttpHeaders {
  const out: OutgoingHttpHeaders = {};
  for (let i = 0; i < raw.length; i += 2) {
    const name = raw[i]!.toLowerCase();
    if (NOT_FOR_H2.has(name)) continue;
    const previous = out[name];
    out[name] = previous === undefined ? raw[i + 1]! : [...(Array.isArray(previous) ? previous : [String(previous)]), raw[i + 1]!];
  }
  return out;
}

