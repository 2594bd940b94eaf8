import { classifyHost } from './host.js';

/**
 * Header passes for both directions. Hop-by-hop headers describe one connection and never
 * cross the proxy (RFC 9110 7.6.1); undici also refuses several of them outright.
 */
const HOP_BY_HOP = new Set([
  'connection',
  'keep-alive',
  'proxy-connection',
  'transfer-encoding',
  'upgrade',
  'te',
  'trailer',
  // Node answers `100 Continue` to the client itself; undici cannot send Expect upstream.
  'expect',
  'http2-settings',
]);

/** Headers the proxy writes itself: a client's own copies are replaced, never trusted as-is. */
const FORWARDED = new Set(['x-forwarded-proto', 'x-forwarded-host', 'x-forwarded-port']);

export interface ForwardContext {
  clientIp: string;
  /** The Host header the client sent. */
  host: string;
  /** The port the client connected to (= the container port). */
  port: number;
  /** `localhost:<port>` as Host and Origin upstream, for dev servers that check them. */
  rewriteHost: boolean;
  /** `proxy.domains`: Origins on these are the proxy's own hosts too, rewritten like `*.localhost`. */
  domains?: readonly string[];
  /** WebSocket: keep `Connection: upgrade` and `Upgrade`. */
  upgrade?: boolean;
  /** How the client reached the proxy: `https` over TLS (HTTP/1.1 or h2), else `http`. */
  proto?: 'http' | 'https';
}

/** Names listed in a Connection header are hop-by-hop too. */
function connectionTokens(rawHeaders: readonly string[]): Set<string> | undefined {
  let tokens: Set<string> | undefined;
  for (let i = 0; i < rawHeaders.length; i += 2) {
    if (rawHeaders[i]!.length === 10 && rawHeaders[i]!.toLowerCase() === 'connection') {
      for (const token of rawHeaders[i + 1]!.split(',')) {
        const name = token.trim().toLowerCase();
        if (name && name !== 'close' && name !== 'keep-alive' && name !== 'upgrade') (tokens ??= new Set()).add(name);
      }
    }
  }
  return tokens;
}

/** The upstream request head for one client request (HTTP, WebSocket upgrade, h2 WebSocket): its context taken from the request. */
export function headersForUpstream(
  rawHeaders: readonly string[],
  req: { socket: { remoteAddress?: string }; headers: { host?: string } },
  target: { port: number; rewriteHost: boolean; domains: readonly string[] },
  how: { proto: 'http' | 'https'; upgrade?: boolean },
): string[] {
  const { port, rewriteHost, domains } = target;
  return upstreamRequestHeaders(rawHeaders, { clientIp: req.socket.remoteAddress ?? '', host: req.headers.host ?? '', port, rewriteHost, domains, ...how });
}

/** Flat [name, value, ...] for the upstream request, from Node's req.rawHeaders. */
export function upstreamRequestHeaders(rawHeaders: readonly string[], context: ForwardContext): string[] {
  const extra = connectionTokens(rawHeaders);
  const out: string[] = [];
  let forwardedFor: string | undefined;
  let upgradeValue: string | undefined;
  for (let i = 0; i < rawHeaders.length; i += 2) {
    const name = rawHeaders[i]!;
    const value = rawHeaders[i + 1]!;
    // HTTP/2 pseudo-headers (`:path`, `:authority`) describe the h2 request; the upstream speaks HTTP/1.1.
    if (name.charCodeAt(0) === 58) continue;
    const lower = name.toLowerCase();
    if (lower === 'host') continue;
    if (lower === 'upgrade') upgradeValue = value;
    if (HOP_BY_HOP.has(lower) || FORWARDED.has(lower) || extra?.has(lower)) continue;
    if (lower === 'x-forwarded-for') {
      forwardedFor = forwardedFor ? `${forwardedFor}, ${value}` : value;
      continue;
    }
    if (lower === 'origin' && context.rewriteHost) {
      out.push(name, rewriteOrigin(value, context.port, context.domains));
      continue;
    }
    out.push(name, value);
  }
  out.push('host', context.rewriteHost ? `localhost:${context.port}` : context.host);
  if (context.upgrade) out.push('connection', 'upgrade', 'upgrade', upgradeValue ?? 'websocket');
  out.push(
    'x-forwarded-for',
    forwardedFor ? `${forwardedFor}, ${context.clientIp}` : context.clientIp,
    'x-forwarded-proto',
    context.proto ?? 'http',
    'x-forwarded-host',
    context.host,
    'x-forwarded-port',
    String(context.port),
  );
  return out;
}

/**
 * `http://shop-main.localhost:3000` (or `http://shop-main.dev.test:3000` with `proxy.domains`
 * ["dev.test"]) -> `http://localhost:3000`: an Origin on any host the proxy accepts is the
 * workspace's own page, which the dev server must see as same-origin (Next.js refuses its own
 * HMR socket otherwise). Any other Origin (another site, `null`) passes unchanged, so the dev
 * server still refuses cross-site requests.
 */
export function rewriteOrigin(origin: string, port: number, domains: readonly string[] = []): string {
  const match = /^(https?):\/\/([^/]+)$/i.exec(origin);
  if (!match) return origin;
  const target = classifyHost(match[2], domains);
  return target.kind === 'workspace' || target.kind === 'dashboard' ? `${match[1]}://localhost:${port}` : origin;
}

/** Flat [name, value, ...] for the client response, from undici's raw header buffers. */
export function clientResponseHeaders(rawHeaders: readonly Buffer[]): string[] {
  const out: string[] = [];
  let extra: Set<string> | undefined;
  for (let i = 0; i < rawHeaders.length; i += 2) {
    const name = rawHeaders[i]!.toString('latin1');
    const lower = name.toLowerCase();
    if (lower === 'connection') {
      for (const token of rawHeaders[i + 1]!.toString('latin1').split(',')) (extra ??= new Set()).add(token.trim().toLowerCase());
      continue;
    }
    // `trailer` stays: it announces the trailers forwarded at the end.
    if (lower !== 'trailer' && HOP_BY_HOP.has(lower)) continue;
    out.push(name, rawHeaders[i + 1]!.toString('latin1'));
  }
  if (!extra) return out;
  const kept: string[] = [];
  for (let i = 0; i < out.length; i += 2) if (!extra.has(out[i]!.toLowerCase())) kept.push(out[i]!, out[i + 1]!);
  return kept;
}

/**
 * With host rewriting the dev server believes it is `localhost:<port>` and may redirect
 * there; point such redirects back at the workspace host so the browser stays on it.
 */
export function rewriteLocations(headers: string[], port: number, workspaceHost: string, scheme: 'http' | 'https' = 'http'): string[] {
  const local = `http://localhost:${port}`;
  for (let i = 0; i < headers.length; i += 2) {
    if (headers[i]!.toLowerCase() !== 'location') continue;
    const value = headers[i + 1]!;
    if (value === local || value.startsWith(`${local}/`)) headers[i + 1] = `${scheme}://${workspaceHost}${value.slice(local.length)}`;
  }
  return headers;
}

/** Trailers as Node's addTrailers wants them: [[name, value], ...]. */
export function trailerPairs(rawTrailers: ReadonlyArray<Buffer | string> | null | undefined): Array<[string, string]> {
  const pairs: Array<[string, string]> = [];
  if (!rawTrailers) return pairs;
  const text = (v: Buffer | string) => (typeof v === 'string' ? v : v.toString('latin1'));
  for (let i = 0; i + 1 < rawTrailers.length; i += 2) pairs.push([text(rawTrailers[i]!), text(rawTrailers[i + 1]!)]);
  return pairs;
}
