import type { IncomingMessage } from 'node:http';
import { describe, expect, it } from 'vitest';
import { isServerWideOptions, normalizeRequestTarget } from '../../proxy/request-target.js';

function request(method: string, url: string, host = 'shop-main.localhost:3000'): IncomingMessage {
  return { method, url, headers: { host } } as unknown as IncomingMessage;
}

describe('request target', () => {
  it('turns an absolute-form target into a path and routes by its authority', () => {
    const req = request('GET', 'http://shop-feat.localhost:3000/a/b?c=1', 'evil.example');
    normalizeRequestTarget(req);
    expect(req.url).toBe('/a/b?c=1');
    expect(req.headers.host).toBe('shop-feat.localhost:3000');
  });

  it('leaves origin-form targets alone', () => {
    const req = request('GET', '/x?y');
    normalizeRequestTarget(req);
    expect([req.url, req.headers.host]).toEqual(['/x?y', 'shop-main.localhost:3000']);
  });

  it('recognises OPTIONS * only', () => {
    expect(isServerWideOptions(request('OPTIONS', '*'))).toBe(true);
    expect(isServerWideOptions(request('OPTIONS', '/'))).toBe(false);
  });
});
