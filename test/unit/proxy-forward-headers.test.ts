import { describe, expect, it } from 'vitest';
import { clientResponseHeaders, rewriteLocations, rewriteOrigin, trailerPairs, upstreamRequestHeaders } from '../../proxy/forward-headers.js';

const context = { clientIp: '127.0.0.1', host: 'shop-main.localhost:3000', port: 3000, rewriteHost: false };

function asMap(flat: string[]): Record<string, string> {
  const map: Record<string, string> = {};
  for (let i = 0; i < flat.length; i += 2) map[flat[i]!.toLowerCase()] = flat[i + 1]!;
  return map;
}

describe('upstreamRequestHeaders', () => {
  it('drops hop-by-hop headers, including those named in Connection', () => {
    const out = asMap(
      upstreamRequestHeaders(
        ['Host', 'shop-main.localhost:3000', 'Connection', 'keep-alive, X-Secret', 'Keep-Alive', 'timeout=5', 'X-Secret', 's', 'Expect', '100-continue', 'Transfer-Encoding', 'chunked', 'Accept', '*/*'],
        context,
      ),
    );
    expect(out).toMatchObject({ host: 'shop-main.localhost:3000', accept: '*/*' });
    for (const gone of ['connection', 'keep-alive', 'x-secret', 'expect', 'transfer-encoding']) expect(out[gone]).toBeUndefined();
  });

  it('appends to X-Forwarded-For and sets -Proto, -Host, -Port itself', () => {
    const out = asMap(upstreamRequestHeaders(['Host', 'h', 'X-Forwarded-For', '10.0.0.1', 'X-Forwarded-Host', 'spoofed'], context));
    expect(out['x-forwarded-for']).toBe('10.0.0.1, 127.0.0.1');
    expect(out['x-forwarded-host']).toBe('shop-main.localhost:3000');
    expect(out['x-forwarded-proto']).toBe('http');
    expect(out['x-forwarded-port']).toBe('3000');
  });

  it('presents localhost:<port> as Host and Origin when asked', () => {
    const out = asMap(upstreamRequestHeaders(['Host', 'h', 'Origin', 'http://shop-main.localhost:3000'], { ...context, rewriteHost: true }));
    expect(out.host).toBe('localhost:3000');
    expect(out.origin).toBe('http://localhost:3000');
  });

  it('keeps the upgrade handshake for WebSockets', () => {
    const out = asMap(upstreamRequestHeaders(['Host', 'h', 'Connection', 'Upgrade', 'Upgrade', 'websocket', 'Sec-WebSocket-Key', 'k'], { ...context, upgrade: true }));
    expect(out).toMatchObject({ connection: 'upgrade', upgrade: 'websocket', 'sec-websocket-key': 'k' });
  });
});

describe('rewriteOrigin', () => {
  it('rewrites only *.localhost origins when no domain is configured', () => {
    expect(rewriteOrigin('http://a.localhost:3000', 3000)).toBe('http://localhost:3000');
    expect(rewriteOrigin('https://evil.com', 3000)).toBe('https://evil.com');
    expect(rewriteOrigin('http://a.dev.test:3000', 3000)).toBe('http://a.dev.test:3000');
    expect(rewriteOrigin('null', 3000)).toBe('null');
  });

  it('rewrites origins on every host the proxy accepts, configured domains included, keeping the scheme', () => {
    expect(rewriteOrigin('http://shop-main.dev.test:3000', 3000, ['dev.test'])).toBe('http://localhost:3000');
    expect(rewriteOrigin('https://shop-main.dev.test', 3000, ['dev.test'])).toBe('https://localhost:3000');
    expect(rewriteOrigin('http://127.0.0.1:3000', 3000, ['dev.test'])).toBe('http://localhost:3000');
    expect(rewriteOrigin('http://shop-main.dev.test.evil.com', 3000, ['dev.test'])).toBe('http://shop-main.dev.test.evil.com');
    expect(rewriteOrigin('http://dev.test.evil.com:3000/x', 3000, ['dev.test'])).toBe('http://dev.test.evil.com:3000/x');
  });

  it('is applied to the Origin header only for workspaces with host rewriting', () => {
    const headers = ['Host', 'h', 'Origin', 'http://shop-main.dev.test:3000'];
    expect(asMap(upstreamRequestHeaders(headers, { ...context, rewriteHost: true, domains: ['dev.test'] })).origin).toBe('http://localhost:3000');
    expect(asMap(upstreamRequestHeaders(headers, { ...context, domains: ['dev.test'] })).origin).toBe('http://shop-main.dev.test:3000');
  });
});

describe('clientResponseHeaders', () => {
  it('drops hop-by-hop headers but keeps Trailer and repeated Set-Cookie', () => {
    const raw = ['Connection', 'keep-alive', 'Keep-Alive', 'timeout=5', 'Transfer-Encoding', 'chunked', 'Trailer', 'x-sum', 'Set-Cookie', 'a=1', 'Set-Cookie', 'b=2'].map((s) => Buffer.from(s));
    expect(clientResponseHeaders(raw)).toEqual(['Trailer', 'x-sum', 'Set-Cookie', 'a=1', 'Set-Cookie', 'b=2']);
  });
  it('pairs trailers', () => {
    expect(trailerPairs([Buffer.from('x-sum'), Buffer.from('1')])).toEqual([['x-sum', '1']]);
    expect(trailerPairs(null)).toEqual([]);
  });
});

describe('rewriteLocations', () => {
  it('points redirects to localhost:<port> back at the workspace host', () => {
    expect(rewriteLocations(['Location', 'http://localhost:3000/login', 'X', 'http://localhost:3000/'], 3000, 'shop-main.localhost:3000')).toEqual([
      'Location',
      'http://shop-main.localhost:3000/login',
      'X',
      'http://localhost:3000/',
    ]);
    expect(rewriteLocations(['location', 'http://localhost:30001/'], 3000, 'h')).toEqual(['location', 'http://localhost:30001/']);
  });
});
